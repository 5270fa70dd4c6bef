"""One JSON line per request on the ``impulse.request`` logger, with a request id.

The id is the ``X-Request-ID`` the client or the proxy sent (when it looks like an id),
or a new one; it is echoed in the response's ``X-Request-ID`` header and kept in
``g.request_id`` for other log lines. Fields: ts, request_id, user_id, method, path,
status, ms (latency in milliseconds), remote_addr.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request

log = logging.getLogger("impulse.request")

_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex


def _user_id() -> int | None:
    # Only when the view loaded the user already: logging never costs a query.
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None else None


def init_request_log(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_request() -> None:
        g.request_id = _request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = g.get("request_id") or _request_id()
        response.headers["X-Request-ID"] = request_id
        if app.config.get("REQUEST_LOG", True):
            started = g.get("request_started")
            elapsed = (time.perf_counter() - started) * 1000 if started else None
            log.info(
                json.dumps(
                    {
                        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "request_id": request_id,
                        "user_id": _user_id(),
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round(elapsed, 1) if elapsed is not None else None,
                        "remote_addr": request.remote_addr,
                    },
                    ensure_ascii=False,
                )
            )
        return response

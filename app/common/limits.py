"""Rate limits by name: each limit is a config key, so deployments and tests can change it.

Every limit counts per client address (``request.remote_addr``): behind a reverse proxy,
set ``PROXY_COUNT`` so that the address is the client's, not the proxy's, and so that a
forged ``X-Forwarded-For`` changes nothing.

The letters area's public verification page uses::

    from app.common.limits import VERIFY_LIMIT, rate_limit

    @bp.route("/verify/<code>")
    @rate_limit(VERIFY_LIMIT)
    def verify(code): ...
"""

from __future__ import annotations

from flask import current_app

from app.extensions import limiter

LOGIN_LIMIT = "LOGIN_RATE_LIMIT"
REGISTER_LIMIT = "REGISTER_RATE_LIMIT"
PASSWORD_RESET_LIMIT = "PASSWORD_RESET_RATE_LIMIT"  # noqa: S105 - a config key, no secret
SESSION_REGISTRATION_LIMIT = "SESSION_REGISTRATION_RATE_LIMIT"
#: The public verification page of decision letters (GET /verify/<code>).
VERIFY_LIMIT = "VERIFY_RATE_LIMIT"


def rate_limit(config_key: str, *, methods: list[str] | None = None):
    """Decorator: limit a view to the rate named by ``config_key`` (e.g. "30 per minute").

    ``methods`` restricts the count to those methods (e.g. ``["POST"]`` for a form whose
    page may be read freely); by default every request counts. Over the limit the
    user gets the 429 page ("Too many attempts"). Views decorated with the same
    ``config_key`` share one counter (asking for a reset link and using one, for instance).
    """

    def current_limit() -> str:
        return current_app.config[config_key]

    return limiter.shared_limit(current_limit, scope=config_key, methods=methods)

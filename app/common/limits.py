"""Rate limits by name: each limit is a config key, so deployments and tests can change it.

A limit counts per client address (``request.remote_addr``) unless it names another key
(the login's per-account limit counts per address typed): behind a reverse proxy, set
``PROXY_COUNT`` so that the address is the client's, not the proxy's, and so that a
forged ``X-Forwarded-For`` changes nothing. A limit may count only some requests
(``deduct_when``: the login counts failures, not successes).

Counts live in ``RATELIMIT_STORAGE_URI`` (Redis in production, shared by every worker);
when it cannot be reached they go on in memory (see :mod:`app.config`).

The letters area's public verification page uses::

    from app.common.limits import VERIFY_LIMIT, rate_limit

    @bp.route("/verify/<code>")
    @rate_limit(VERIFY_LIMIT)
    def verify(code): ...
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from limits import RateLimitItemPerSecond, parse_many

from app.extensions import limiter

#: Failed logins per account (the address typed) and per client address.
LOGIN_ACCOUNT_LIMIT = "LOGIN_ACCOUNT_RATE_LIMIT"
LOGIN_ADDRESS_LIMIT = "LOGIN_ADDRESS_RATE_LIMIT"
REGISTER_LIMIT = "REGISTER_RATE_LIMIT"
PASSWORD_RESET_LIMIT = "PASSWORD_RESET_RATE_LIMIT"  # noqa: S105 - a config key, no secret
SESSION_REGISTRATION_LIMIT = "SESSION_REGISTRATION_RATE_LIMIT"
#: The public verification page of decision letters (GET /verify/<code>).
VERIFY_LIMIT = "VERIFY_RATE_LIMIT"


def rate_limit(
    config_key: str,
    *,
    methods: list[str] | None = None,
    key: Callable[[], str] | None = None,
    deduct_when: Callable | None = None,
    on_breach: Callable | None = None,
):
    """Decorator: limit a view to the rate named by ``config_key`` (e.g. "30 per minute").

    ``methods`` restricts the count to those methods (e.g. ``["POST"]`` for a form whose
    page may be read freely); by default every request counts. ``key`` counts per
    something else than the client address; ``deduct_when(response)`` counts only the
    requests it says (Flask-Limiter's own); ``on_breach(limit)`` may answer instead of
    the 429 page ("Too many attempts"). Views decorated with the same ``config_key``
    share one counter (asking for a reset link and using one, for instance).
    """

    def current_limit() -> str:
        return current_app.config[config_key]

    return limiter.shared_limit(
        current_limit,
        scope=config_key,
        methods=methods,
        key_func=key,
        deduct_when=deduct_when,
        on_breach=on_breach,
    )


def forget(config_key: str, key: str) -> None:
    """Start the count of ``config_key`` for ``key`` again (the owner of an account
    locked by failed logins chose a new password: they may log in at once)."""
    for item in parse_many(current_app.config[config_key]):
        limiter.limiter.clear(item, key, config_key)


def first_breach(config_key: str, key: str) -> bool:
    """True the first time ``key`` breaks ``config_key``'s limit within its window, False
    after: what must happen once per breach (an e-mail to the owner) happens once, however
    many refused attempts follow, on every worker (the count is in the limits' storage)."""
    window = max(item.get_expiry() for item in parse_many(current_app.config[config_key]))
    return limiter.limiter.hit(RateLimitItemPerSecond(1, window), key, f"{config_key}:breach")

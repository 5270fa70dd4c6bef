"""Access control shared by every area.

Whole areas are closed with :func:`role_required`; single records are checked with
the ``can_<verb>(user)`` predicates of their model. Anyone who may not see a record
gets 404, never 403, so that nobody learns what exists.
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

from app.extensions import login_manager


def role_required(*roles: str):
    """Allow a view to logged-in users holding one of ``roles``; others get 404."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_any_role(*roles):
                abort(404)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)
        return wrapped

    return decorator


def safe_next_url(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else ``None`` (no open redirect)."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def wants_page() -> int:
    """The page number asked for in the query string, at least 1."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails and letters, built from ``BASE_URL``, never from the
    request's Host header (which a client controls)."""
    from flask import current_app

    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)

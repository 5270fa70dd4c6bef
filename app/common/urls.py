"""Addresses: which ``next`` to follow, the page asked for, links for e-mails and letters."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, request


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


def page_of(number: int, total: int, per_page: int, **extra) -> SimpleNamespace:
    """Page ``number`` (kept within the pages there are, at least one) of ``total`` rows
    of ``per_page``, shaped for the ``pagination`` macro of _macros.html, with the SQL
    ``offset`` of its first row and ``extra`` attributes (such as its ``items``)."""
    pages = max(-(-total // per_page), 1)
    number = min(max(number, 1), pages)
    return SimpleNamespace(
        page=number,
        pages=pages,
        has_prev=number > 1,
        has_next=number < pages,
        prev_num=number - 1,
        next_num=number + 1,
        offset=(number - 1) * per_page,
        **extra,
    )


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails and letters, built from ``BASE_URL``, never from the
    request's Host header (which a client controls)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)

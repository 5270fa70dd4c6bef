"""Deprecated home of ``role_required`` and the address helpers: they live in
app.access.policy and app.common.urls. Kept while the areas move over."""

from app.access.policy import role_required
from app.common.urls import external_url, safe_next_url, wants_page

__all__ = ["external_url", "role_required", "safe_next_url", "wants_page"]

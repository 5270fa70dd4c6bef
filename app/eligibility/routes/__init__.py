"""The eligibility pages, one module per audience: the public self-check (``public``),
staff's queue of a call (``queue``) and staff's review of one dossier (``review``)."""

from app.eligibility.routes import public, queue, review

__all__ = ["public", "queue", "review"]

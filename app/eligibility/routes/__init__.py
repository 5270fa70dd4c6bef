"""The eligibility pages, one module per audience: the public self-check (``public``),
and staff's queue of a call and review of one dossier (``staff``)."""

from app.eligibility.routes import public, staff

__all__ = ["public", "staff"]

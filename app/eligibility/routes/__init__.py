"""The eligibility pages, one module per audience: the public self-check (``public``),
staff's queue of a call and review of one dossier (``staff``), and staff's editor of a
call's rules (``rules``)."""

from app.eligibility.routes import public, rules, staff

__all__ = ["public", "rules", "staff"]

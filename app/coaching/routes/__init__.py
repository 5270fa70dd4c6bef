"""Coaching's pages, one module per audience: coaches (and the coaching file staff open
too), staff, the entrepreneur, the programme report. Importing this package attaches
them all to the blueprint (app/__init__.py imports ``app.coaching.routes``)."""

from app.coaching.routes import coach, entrepreneur, report, staff

__all__ = ["coach", "entrepreneur", "report", "staff"]

"""Impulse: a call for projects from the first information session to the last coaching session.

Importing any module of the package runs this file first, so it stays light: the whole
application (every area's views, commands and jobs, the job queue, the migrations, about
150 MB in memory) is built by app.factory, loaded when :func:`create_app` is called. A
process that serves one area only builds a smaller app on app.base and imports just that
area: the letters' workers do (app.letters.pool), at a third of the memory.
"""

from __future__ import annotations

from flask import Flask

from app.config import Config


def create_app(config: Config | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI (app.factory)."""
    # lazy: the factory imports every area (see the module docstring)
    from app.factory import create_app as build

    return build(config)

"""What every Impulse app is made of, the whole one (app.factory) and the smaller one a
letters worker builds (app.letters.worker): the Flask object with its configuration and
logging, every table, the database and the translations.

Light on purpose (see app/__init__.py): nothing here imports an area's views, commands
or jobs.
"""

from __future__ import annotations

import importlib
import logging

from flask import Flask

from app import models  # noqa: F401 - registers every table before anything queries
from app.config import PROJECT_ROOT, Config
from app.extensions import babel, db
from app.i18n import current_locale


def base_app(config: Config | None = None) -> Flask:
    """A Flask app with ``config`` (default: :class:`Config`), logging, the database and
    the translations; no blueprint, no command, no job queue."""
    app = Flask(
        "app",  # the package: the app's name and root folder
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_object(config or Config())
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("transitions").setLevel(logging.WARNING)
    db.init_app(app)
    babel.init_app(app, locale_selector=current_locale)
    return app


def register_area(app: Flask, area: str) -> None:
    """Attach the views of the area ``area`` (its routes module) and register its
    blueprint on ``app``."""
    importlib.import_module(f"app.{area}.routes")
    app.register_blueprint(importlib.import_module(f"app.{area}").bp)

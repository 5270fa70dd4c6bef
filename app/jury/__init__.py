"""The jury of a call: its members, conflicts of interest, assignments, reviews, the
chair's board. Its views live in app.jury.routes, one module per audience."""

from flask import Blueprint

bp = Blueprint("jury", __name__, url_prefix="/jury")

"""A call's dashboard: funnel, charts, report exports and the audit trail."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

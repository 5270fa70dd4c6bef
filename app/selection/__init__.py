"""Selection of the call's quota: the proposal, the deliberation's overrides, the stability,
publication, confirmations and the reserve."""

from flask import Blueprint

bp = Blueprint("selection", __name__)

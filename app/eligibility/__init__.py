from flask import Blueprint

bp = Blueprint("eligibility", __name__)

from flask import Blueprint

bp = Blueprint("application_forms", __name__)

from flask import Blueprint

bp = Blueprint("coaching", __name__, url_prefix="/coaching")

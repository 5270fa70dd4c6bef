from flask import Blueprint

bp = Blueprint("info_sessions", __name__)

from flask import Blueprint

bp = Blueprint("decisions_api", __name__, url_prefix="/api/v1")

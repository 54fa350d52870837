"""Site administration (placeholder during development: helper fills in)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return render_template("admin/index.html")

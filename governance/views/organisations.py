"""Organisations (placeholder during development: helper fills in)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.get("")
def index() -> ResponseReturnValue:
    return render_template("organisations/index.html")


@bp.get("/<int:organisation_id>")
def show(organisation_id: int) -> ResponseReturnValue:
    return render_template("organisations/index.html")

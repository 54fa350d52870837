"""Home, about and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session
from flask.typing import ResponseReturnValue

from core.web import safe_next_url

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("pages/home.html")


@bp.get("/about")
def about() -> ResponseReturnValue:
    return render_template("pages/about.html")


@bp.get("/language/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Switch the interface language for this browser session (a link, so it needs no form)."""
    if code not in ("de", "en"):
        return redirect(safe_next_url(request.args.get("next"), "/"))
    session["lang"] = code
    return redirect(safe_next_url(request.args.get("next"), "/"))

"""Blueprints of the decisions package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from decisions import api
    from decisions.views import motions

    app.register_blueprint(motions.bp)
    app.register_blueprint(api.bp)

"""Blueprints of participation."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from participation.views import comments, reports

    app.register_blueprint(comments.bp)
    app.register_blueprint(reports.bp)

"""Blueprints of the notifications package, and the template globals its fragments use."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from notifications.views import notifications

    app.register_blueprint(notifications.bp)

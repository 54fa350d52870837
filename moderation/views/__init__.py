"""Blueprints of the moderation package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from moderation.views import moderation

    app.register_blueprint(moderation.bp)

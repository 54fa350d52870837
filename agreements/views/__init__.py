"""Blueprints of the agreements package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from agreements.views import documents, exports, frameworks, portal

    for module in (documents, frameworks, portal, exports):
        app.register_blueprint(module.bp)

    from agreements import api

    app.register_blueprint(api.bp)

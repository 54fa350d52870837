"""Blueprints of the amendments package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from amendments.views import pages

    app.register_blueprint(pages.bp)

"""Blueprints of the governance package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from governance.views import accounts, admin, memberships, organisations, pages, settings, spaces

    for module in (pages, accounts, settings, spaces, memberships, organisations, admin):
        app.register_blueprint(module.bp)
    from governance import api

    app.register_blueprint(api.bp)

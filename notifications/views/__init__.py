"""Blueprints of the notifications package, and the template globals its fragments use."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from core import pagecache
    from notifications.views import notifications

    app.register_blueprint(notifications.bp)
    # Reading notifications is no audited change, so cached pages also key on the unread count.
    pagecache.register_viewer_state(notifications.unread_count_of)

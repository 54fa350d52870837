"""Command-line task: flask --app app close-motions (run from cron)."""

from __future__ import annotations

import click
from flask import Flask

from core.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("close-motions")
    def close_motions_command() -> None:
        """Open motions whose opening time has come and close those whose closing time has passed."""
        from decisions.services.motions import advance_due

        moved = advance_due(db.session)
        click.echo(f"{moved} motions opened or closed.")

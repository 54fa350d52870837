"""Command-line tasks: flask --app app load-units | seed-demo | send-mail | verify-audit."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app

from core.extensions import db
from core.mail import deliver_pending


def register(app: Flask) -> None:
    @app.cli.command("load-units")
    def load_units_command() -> None:
        """Load or update the official territorial units of the Land Bremen."""
        from core import audit
        from governance.units import load_official_units

        created = load_official_units(db.session)
        # An audit entry also tells cached pages that the data changed.
        audit.record(
            db.session, actor_id=None, action="units.loaded", object_type="space", object_id="official",
            details={"created": created},
        )  # fmt: skip
        db.session.commit()
        click.echo(f"{created} new territorial units loaded.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load territorial units, demo accounts, a framework and an agreement (refused in production)."""
        if current_app.config["PRODUCTION"]:
            raise click.ClickException("Demo data is never loaded in a production configuration.")
        from agreements.demo import seed_agreements
        from governance.demo import seed_demo

        counts = seed_demo(db.session)
        counts |= seed_agreements(db.session)
        click.echo(", ".join(f"{name}: {count} new" for name, count in counts.items()))

    @app.cli.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep running and send new mail every few seconds.")
    @click.option("--interval", default=10, show_default=True, help="Seconds between rounds with --loop.")
    def send_mail_command(loop: bool, interval: int) -> None:
        """Send the mail waiting in the outbox (run from cron, or with --loop as a worker)."""
        from notifications.services.mailing import prepare_mail

        while True:
            prepare_mail(db.session)  # notifications: consultations ending soon, e-mails, daily digests
            sent, failed = deliver_pending(db.session, current_app.config)
            click.echo(f"{sent} sent, {failed} failed.")
            if not loop:
                break
            time.sleep(interval)

    @app.cli.command("verify-audit")
    def verify_audit_command() -> None:
        """Recompute the audit log's hash chain and report the first broken link."""
        from core.audit import verify_chain

        report = verify_chain(db.session)
        if report.broken is not None:
            raise click.ClickException(
                f"Broken link at audit entry {report.broken.entry_id}: {report.broken.reason} "
                f"({report.checked} entries before it are intact)."
            )
        click.echo(f"Audit log intact: {report.checked} entries, newest hash {report.last_hash}.")

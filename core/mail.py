"""Outgoing mail goes through an outbox table.

Services only call :func:`queue_mail` (inside their transaction). :func:`deliver_pending` sends
queued messages by SMTP when ``MAIL_SERVER`` is configured, and otherwise writes them to the log so
a developer can follow links. It claims each message before sending so it is never sent twice.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.extensions import db
from core.timeutil import utcnow

log = logging.getLogger("raumrat.mail")

MAX_ATTEMPTS = 5


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


def queue_mail(session: Session, *, recipient: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, created_at=utcnow())
    session.add(message)
    return message


def _send_smtp(config: dict, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = config.get("MAIL_DEFAULT_SENDER", "raumrat@localhost")
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    port = int(config.get("MAIL_PORT", 25))
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)


def deliver_pending(session: Session, config: dict, *, limit: int = 100) -> tuple[int, int]:
    """Send pending messages; return (sent, failed)."""
    sent = failed = 0
    ids = list(
        session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    for message_id in ids:
        # Claim the message atomically: a second sender running at the same time gets rowcount 0.
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .values(status="sending", attempts=OutboxMessage.attempts + 1)
        ).rowcount
        session.commit()
        if not claimed:
            continue
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        try:
            if config.get("MAIL_SERVER"):
                _send_smtp(config, message)
            else:
                log.warning(
                    "MAIL_SERVER not set; mail to %s\nSubject: %s\n\n%s",
                    message.recipient,
                    message.subject,
                    message.body,
                )
            message.status = "sent"
            message.sent_at = utcnow()
            sent += 1
        except (OSError, smtplib.SMTPException) as error:
            message.status = "pending" if message.attempts < MAX_ATTEMPTS else "failed"
            message.last_error = str(error)[:2000]
            failed += 1
        session.commit()
    return sent, failed

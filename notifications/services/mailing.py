"""E-mail of notifications, run by ``flask --app app send-mail`` (outside any request).

:func:`prepare_mail` announces consultations that end soon, queues the immediate mails and builds
the daily digests that are due, each in the recipient's language with one-click unsubscribe links;
core.mail.deliver_pending then sends the outbox.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agreements.models import Document
from core import audit
from core.audit import AuditEntry
from core.mail import queue_mail
from core.timeutil import utcnow
from governance.models import User
from notifications.domain import ENDING_SOON_ACTION, ENDING_SOON_DAYS, Kind, ending_soon, group_for_digest
from notifications.models import DigestRun, Notification
from notifications.services.preferences import unsubscribe_token
from notifications.texts import KIND_LABELS, describe

BATCH = 500


@dataclass
class MailRound:
    announced: int = 0
    immediate: int = 0
    digests: int = 0


@contextmanager
def _site_urls() -> Iterator[None]:
    """url_for(_external=True) outside a request: RAUMRAT_BASE_URL, else SERVER_NAME."""
    if has_request_context():
        yield
        return
    config = current_app.config
    base = os.environ.get("RAUMRAT_BASE_URL") or (
        f"{config.get('PREFERRED_URL_SCHEME', 'http')}://{config['SERVER_NAME']}"
        if config.get("SERVER_NAME")
        else "http://127.0.0.1:5000"
    )
    with current_app.test_request_context("/", base_url=base):
        yield


def _external(path: str) -> str:
    return url_for("pages.home", _external=True).rstrip("/") + path


def prepare_mail(session: Session, *, today: date | None = None) -> MailRound:
    today = today or utcnow().date()
    result = MailRound()
    with _site_urls():
        result.announced = announce_ending_consultations(session, today)
        result.immediate = queue_immediate(session)
        result.digests = build_digests(session, today)
    return result


def announce_ending_consultations(session: Session, today: date) -> int:
    """Once per agreement and end date: an audit entry from which the notifications derive."""
    documents = list(
        session.scalars(
            select(Document).where(
                Document.kind == "agreement",
                Document.status == "consultation",
                Document.consultation_ends_on >= today,
                Document.consultation_ends_on <= today + timedelta(days=ENDING_SOON_DAYS),
            )
        )
    )
    documents = [doc for doc in documents if ending_soon(doc.consultation_ends_on, today)]
    if not documents:
        return 0
    announced_before = {
        (row.object_id, (row.details or {}).get("ends_on"))
        for row in session.execute(
            select(AuditEntry.object_id, AuditEntry.details).where(
                AuditEntry.action == ENDING_SOON_ACTION,
                AuditEntry.object_id.in_([str(doc.id) for doc in documents]),
            )
        )
    }
    count = 0
    for document in documents:
        ends_on = document.consultation_ends_on.isoformat()  # type: ignore[union-attr]
        if (str(document.id), ends_on) in announced_before:
            continue
        audit.record(
            session, actor_id=None, action=ENDING_SOON_ACTION, object_type="document", object_id=document.id,
            details={"ends_on": ends_on, "space_id": document.space_id},
        )  # fmt: skip
        session.commit()
        count += 1
    return count


def _footer(user: User, kinds: list[Kind]) -> str:
    secret = current_app.config["SECRET_KEY"]
    lines = ["", "-- "]
    for kind in kinds:
        link = url_for(
            "notifications.unsubscribe",
            token=unsubscribe_token(user.id, kind, secret_key=secret),
            _external=True,
        )
        lines.append(_("No more e-mails about “%(kind)s”:", kind=KIND_LABELS[kind]))
        lines.append(link)
    lines.append(_("All your notification settings:"))
    lines.append(url_for("notifications.settings", _external=True))
    return "\n".join(lines) + "\n"


def _compose_one(user: User, notification: Notification) -> tuple[str, str]:
    kind = Kind(notification.kind)
    with force_locale(user.locale if user.locale in ("de", "en") else "de"):
        text = describe(notification.kind, notification.params or {})
        subject = _("Raumrat: %(text)s", text=text)[:200]
        body = _(
            "Hello %(name)s,\n\n%(text)s\n\n%(link)s\n", name=user.display_name, text=text,
            link=_external(notification.link),
        ) + _footer(user, [kind])  # fmt: skip
    return subject, body


def queue_immediate(session: Session) -> int:
    """One mail per notification waiting for immediate e-mail; claimed so it is queued once."""
    count = 0
    ids = list(
        session.scalars(
            select(Notification.id)
            .where(Notification.email_status == "email")
            .order_by(Notification.id)
            .limit(BATCH)
        )
    )
    for notification_id in ids:
        claimed = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.email_status == "email")
            .values(email_status="sent", emailed_at=utcnow())
        ).rowcount
        if not claimed:
            session.rollback()
            continue
        notification = session.get(Notification, notification_id)
        assert notification is not None
        user = session.get(User, notification.user_id)
        if user is not None and user.email and user.is_active:
            subject, body = _compose_one(user, notification)
            queue_mail(session, recipient=user.email, subject=subject, body=body)
            count += 1
        session.commit()  # the claim and the queued mail together
    return count


def _compose_digest(user: User, items: list[Notification], day: date) -> tuple[str, str]:
    groups = group_for_digest((item.kind, item) for item in items)
    with force_locale(user.locale if user.locale in ("de", "en") else "de"):
        lines = [_("Hello %(name)s,", name=user.display_name), "", _("What happened on Raumrat:"), ""]
        for kind, group in groups:
            lines.append(f"{KIND_LABELS[kind]}:")
            for item in group:
                lines.append(f"- {describe(item.kind, item.params or {})}")
                lines.append(f"  {_external(item.link)}")
            lines.append("")
        subject = _("Raumrat: your daily summary (%(count)d)", count=len(items))
        body = "\n".join(lines) + _footer(user, [kind for kind, _group in groups])
    return subject, body


def build_digests(session: Session, today: date) -> int:
    """At most one digest per user and day (unique row), each item in one digest only."""
    user_ids = list(
        session.scalars(select(Notification.user_id).where(Notification.email_status == "digest").distinct())
    )
    done_today = (
        set(
            session.scalars(
                select(DigestRun.user_id).where(DigestRun.day == today, DigestRun.user_id.in_(user_ids))
            )
        )
        if user_ids
        else set()
    )
    count = 0
    for user_id in user_ids:
        if user_id in done_today:
            continue
        run = DigestRun(user_id=user_id, day=today)
        session.add(run)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()  # another sender built it just now
            continue
        items = list(
            session.scalars(
                select(Notification)
                .where(Notification.user_id == user_id, Notification.email_status == "digest")
                .order_by(Notification.id)
            )
        )
        claimed = session.execute(
            update(Notification)
            .where(Notification.id.in_([item.id for item in items]), Notification.email_status == "digest")
            .values(email_status="sent", emailed_at=utcnow())
        ).rowcount
        user = session.get(User, user_id)
        if not items or claimed != len(items):
            session.rollback()
            continue
        run.items = len(items)
        if user is not None and user.email and user.is_active:
            subject, body = _compose_digest(user, items, today)
            queue_mail(session, recipient=user.email, subject=subject, body=body)
            count += 1
        session.commit()
    return count


def summary(result: MailRound) -> dict[str, Any]:
    return {"announced": result.announced, "immediate": result.immediate, "digests": result.digests}

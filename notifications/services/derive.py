"""Notifications derived from the audit entries of a transaction, inside the same transaction.

Other features only write audit entries (core.audit.record); a ``before_flush`` listener collects
the new entries of a session, and a ``before_commit`` listener turns them into notifications for
the right people, so a change and its notifications are committed together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, inspect, or_, select
from sqlalchemy.orm import Session

from agreements.domain.workflow import PUBLIC
from agreements.models import Document, DocumentVersion
from amendments.models import Amendment
from core.audit import AuditEntry
from governance.models import SpaceMembership, User
from governance.parties import MembershipStatus
from notifications.domain import Channel, Event, Kind, TargetType, channel_for, events_for, recipients
from notifications.models import Follow, Notification, NotificationPreference

PENDING = "raumrat_notification_entries"
log = logging.getLogger("raumrat.notifications")


@event.listens_for(Session, "before_flush")
def _collect_audit_entries(session: Session, flush_context: Any, instances: Any) -> None:
    new_entries = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if new_entries:
        session.info.setdefault(PENDING, []).extend(new_entries)


@event.listens_for(Session, "before_commit")
def _notify_before_commit(session: Session) -> None:
    if not session.info.get(PENDING) and not any(isinstance(obj, AuditEntry) for obj in session.new):
        return
    session.flush()  # every entry of the transaction passes the collector
    # Entries of a rolled-back savepoint are no longer persistent: they changed nothing.
    kept = [entry for entry in session.info.pop(PENDING, []) if inspect(entry).persistent]
    entries = sorted(kept, key=lambda entry: entry.id or 0)
    notify_for_entries(session, entries)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _forget_deleted_account(session: Session, user_id: int) -> None:
    """A deleted account keeps no follows, choices or notifications (they tell of interests)."""
    for model in (Follow, NotificationPreference, Notification):
        session.execute(delete(model).where(model.user_id == user_id))


def notify_for_entries(session: Session, entries: Iterable[AuditEntry]) -> list[Notification]:
    created: list[Notification] = []
    for entry in entries:
        if entry.action == "account.deleted" and entry.object_type == "user" and entry.object_id.isdigit():
            _forget_deleted_account(session, int(entry.object_id))
            continue
        for found in events_for(entry.action, entry.object_id, entry.details or {}):
            try:
                created.extend(_notify(session, found, entry.actor_id))
            except (LookupError, TypeError, ValueError):
                # A notification must never undo the change it tells of.
                log.exception("no notifications for audit entry %s (%s)", entry.id, entry.action)
    return created


def _document_of(session: Session, found: Event) -> Document | None:
    document_id = found.document_id
    if document_id is None and found.params.get("comment_id") is not None:
        from participation.models import Comment

        comment = session.get(Comment, found.params["comment_id"])
        document_id = comment.document_id if comment is not None else None
    if document_id is None and found.amendment_id is not None:
        amendment = session.get(Amendment, found.amendment_id)
        document_id = amendment.document_id if amendment is not None else None
    document = session.get(Document, document_id) if document_id is not None else None
    return document if document is not None and document.kind == "agreement" else None


def _followers(session: Session, document: Document, amendment_id: int | None) -> list[int]:
    targets = [(TargetType.AGREEMENT, document.id)]
    if document.space_id is not None:
        targets.append((TargetType.SPACE, document.space_id))
    if amendment_id is not None:
        targets.append((TargetType.AMENDMENT, amendment_id))
    condition = or_(*(((Follow.target_type == kind) & (Follow.target_id == tid)) for kind, tid in targets))
    return list(session.scalars(select(Follow.user_id).where(condition).order_by(Follow.id)))


def _is_public(session: Session, document: Document) -> bool:
    if document.status not in PUBLIC:
        return False
    has_version = session.scalar(
        select(DocumentVersion.id).where(DocumentVersion.document_id == document.id).limit(1)
    )
    return has_version is not None


def _able_readers(session: Session, document: Document, candidates: list[int], public: bool) -> set[int]:
    """Of the candidates, the active accounts that may read the agreement."""
    rows = session.execute(
        select(User.id, User.is_admin).where(
            User.id.in_(candidates), User.active.is_(True), User.deleted_at.is_(None)
        )
    ).all()
    if public:
        return {row.id for row in rows}
    members = set(
        session.scalars(
            select(SpaceMembership.user_id).where(
                SpaceMembership.space_id == document.space_id,
                SpaceMembership.status == MembershipStatus.ACTIVE,
                SpaceMembership.user_id.in_(candidates),
            )
        )
    )
    return {row.id for row in rows if row.is_admin or row.id in members}


def link_for(kind: Kind, document_id: int, params: dict[str, Any], amendment_id: int | None) -> str:
    """A path on this site for the notification: the version, the comment or the amendment page."""
    agreement = f"/agreements/{document_id}"
    if kind == Kind.VERSION_PUBLISHED and params.get("number"):
        return f"{agreement}/versions/{params['number']}"
    if kind in (Kind.COMMENT_REPLY, Kind.MENTION) and params.get("comment_id"):
        return f"{agreement}#comment-{params['comment_id']}"
    if amendment_id is not None and params.get("number"):
        # Amendments are addressed by their number within the agreement ("A 3").
        return f"{agreement}/amendments/{params['number']}"
    return agreement


def _notify(session: Session, found: Event, actor_id: int | None) -> list[Notification]:
    document = _document_of(session, found)
    if document is None:
        return []
    followers = _followers(session, document, found.amendment_id) if found.to_followers else []
    candidates = recipients(found, followers=followers, actor_id=actor_id)
    if not candidates:
        return []
    able = _able_readers(session, document, candidates, _is_public(session, document))
    chosen = [user_id for user_id in candidates if user_id in able]
    if not chosen:
        return []
    preferences = {
        row.user_id: row.channel
        for row in session.execute(
            select(NotificationPreference.user_id, NotificationPreference.channel).where(
                NotificationPreference.kind == found.kind.value, NotificationPreference.user_id.in_(chosen)
            )
        )
    }
    params = {key: value for key, value in found.params.items() if value is not None}
    params["title"] = document.title
    amendment_id = found.amendment_id
    if amendment_id is not None:
        amendment = session.get(Amendment, amendment_id)
        if amendment is None or amendment.document_id != document.id:
            amendment_id = None  # details naming no amendment of this agreement: tell of the agreement
        elif params.get("number") is None:
            params["number"] = amendment.number
    link = link_for(found.kind, document.id, params, amendment_id)
    created = []
    for user_id in chosen:
        channel = channel_for(
            found.kind, {found.kind.value: preferences[user_id]} if user_id in preferences else {}
        )
        if channel == Channel.OFF:
            continue
        own = dict(params)
        if user_id in found.direct:
            own["yours"] = True
        notification = Notification(
            user_id=user_id,
            kind=found.kind.value,
            document_id=document.id,
            amendment_id=amendment_id,
            actor_id=actor_id,
            params=own,
            link=link,
            email_status={Channel.EMAIL: "email", Channel.DIGEST: "digest"}.get(channel),
        )
        session.add(notification)
        created.append(notification)
    return created

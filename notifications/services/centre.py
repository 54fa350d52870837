"""The notification centre: a user's own notifications, the unread count, marking as read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import audit
from core.errors import NotFound, PermissionDenied
from core.timeutil import utcnow
from governance.models import User
from governance.services.actors import as_user
from notifications.models import Notification

PER_PAGE = 20
MAX_PAGE = 10_000


def _me(user: Any) -> User:
    signed_in = as_user(user)
    if signed_in is None:
        raise PermissionDenied("sign in to see notifications")
    return signed_in


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


@dataclass(frozen=True)
class CentrePage:
    notifications: list[Notification]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_of(session: Session, user: Any, page: int = 1) -> CentrePage:
    """Newest first, PER_PAGE at a time: one query whatever the number of notifications."""
    me = _me(user)
    page = min(max(page, 1), MAX_PAGE)
    rows = list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == me.id)
            .order_by(Notification.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    return CentrePage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


def mark_read(session: Session, user: Any, notification_id: int) -> Notification:
    me = _me(user)
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != me.id:
        raise NotFound("notification not found")
    if notification.read_at is None:
        notification.read_at = utcnow()
        # Audited like every change: the entry also tells cached pages that the unread count moved.
        audit.record(session, actor_id=me.id, action="notification.read", object_type="notification",
                     object_id=notification.id)  # fmt: skip
        session.commit()
    return notification


def mark_all_read(session: Session, user: Any) -> int:
    me = _me(user)
    changed = session.execute(
        update(Notification)
        .where(Notification.user_id == me.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    if changed:
        audit.record(session, actor_id=me.id, action="notification.all_read", object_type="user",
                     object_id=me.id, details={"count": changed})  # fmt: skip
    session.commit()
    return changed or 0

"""What notifications hold about one person, for the "download your data" file (governance's
personal_data.export_personal_data can add it under "notifications")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import DigestRun, Follow, Notification, NotificationPreference


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def personal_data(session: Session, user_id: int) -> dict[str, Any]:
    follows = session.scalars(select(Follow).where(Follow.user_id == user_id).order_by(Follow.id))
    chosen = session.scalars(
        select(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .order_by(NotificationPreference.kind)
    )
    notifications = session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    digests = session.scalars(select(DigestRun).where(DigestRun.user_id == user_id).order_by(DigestRun.day))
    return {
        "follows": [
            {"type": row.target_type, "id": row.target_id, "since": _when(row.created_at)} for row in follows
        ],
        "channels": {row.kind: row.channel for row in chosen},
        "notifications": [
            {
                "kind": row.kind,
                "about": row.params,
                "link": row.link,
                "created_at": _when(row.created_at),
                "read_at": _when(row.read_at),
                "emailed_at": _when(row.emailed_at),
            }
            for row in notifications
        ],
        "daily_digests": [{"day": row.day.isoformat(), "items": row.items} for row in digests],
    }

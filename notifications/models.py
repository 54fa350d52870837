"""Persistence of follows, notifications, per-kind preferences and daily digests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.models import Document
from core.extensions import db
from core.timeutil import utcnow


class Follow(db.Model):
    """A user follows a space, an agreement or an amendment (see notifications.domain.TargetType)."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follows_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Notification(db.Model):
    """One thing one user should hear of; its text is composed in the reader's language when shown."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed together with read_at (ix_notifications_user_unread): the header's unread count.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Values for the text (version number, outcome, end date…), see notifications.texts.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A path on this site, e.g. /agreements/3/versions/2.
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "email" (to send at once) or "digest" (in the next daily digest) while waiting, then "sent";
    # NULL when it is shown in the notification centre only.
    email_status: Mapped[str | None] = mapped_column(String(20), index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    document: Mapped[Document | None] = relationship()


class NotificationPreference(db.Model):
    """A user's channel for one kind of notification; without a row the default applies."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))


class DigestRun(db.Model):
    """The daily digest built for one user on one day: at most one per day (unique)."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    items: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# Registers the listeners that derive notifications from audit entries (needs the models above).
from notifications.services import derive as _derive  # noqa: E402, F401

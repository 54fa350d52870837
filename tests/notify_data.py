"""Shared set-up for the moderation and notification tests: people, an agreement, comments, reports,
amendments (rows made directly: the comment and amendment features live in other branches)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from agreements.models import DocumentVersion
from agreements.services import lifecycle
from amendments.models import Amendment
from core import audit
from notifications.models import Follow, Notification
from participation.models import Comment, CommentReport
from tests.pages.agreement_helpers import agreement_with_versions, make_people

__all__ = ["agreement_with_versions", "make_people"]


def follow(session, user, target_type: str, target_id: int) -> None:
    session.add(Follow(user_id=user.id, target_type=target_type, target_id=target_id))
    session.commit()


def open_consultation(session, people, agreement, *, ends_in_days: int = 14) -> None:
    today = date.today()
    lifecycle.change_status(
        session, people.facilitator, agreement.id, "open_consultation",
        consultation_starts_on=today, consultation_ends_on=today + timedelta(days=ends_in_days),
    )  # fmt: skip


def comment(session, agreement, author, body: str = "Das finde ich gut.", parent=None) -> Comment:
    row = Comment(
        document_id=agreement.id, author_id=author.id, body=body, parent_id=parent.id if parent else None
    )
    session.add(row)
    session.commit()
    return row


def report(session, target: Comment, reporter, reason: str = "Beleidigend") -> CommentReport:
    row = CommentReport(comment_id=target.id, reporter_id=reporter.id, reason=reason)
    session.add(row)
    session.commit()
    return row


def amendment(session, agreement, author, number: int = 1) -> Amendment:
    base = session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == agreement.id).limit(1))
    row = Amendment(
        document_id=agreement.id, number=number, base_version_id=base.id, kind="change", section_key="s1",
        proposed_body="Neuer Text", author_id=author.id,
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row


def record(session, actor, action: str, object_type: str, object_id: Any, **details: Any) -> None:
    """An audit entry as the comments or amendments feature will write it, committed."""
    audit.record(
        session, actor_id=actor.id if actor else None, action=action, object_type=object_type,
        object_id=object_id, details=details,
    )  # fmt: skip
    session.commit()


def notifications_of(session, user) -> list[Notification]:
    session.expire_all()
    return list(
        session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def robustness_ids(session, *, space, agreement, author, moderator) -> dict[str, Any]:
    """Real ids for the robustness sweep's URLs of moderation and notifications."""
    from participation.models import CommentingBlock

    target = comment(session, agreement, author, "Ein Kommentar")
    report(session, target, moderator, "Ein Grund")
    block = CommentingBlock(space_id=space.id, user_id=author.id, reason="Grund", created_by_id=moderator.id)
    notification = Notification(
        user_id=moderator.id, kind="version_published", document_id=agreement.id,
        params={"number": 1, "title": agreement.title}, link=f"/agreements/{agreement.id}",
    )  # fmt: skip
    session.add_all([block, notification])
    session.commit()
    return {
        "comment_id": target.id,
        "block_id": block.id,
        "notification_id": notification.id,
        "target_type": "agreement",
        "target_id": agreement.id,
    }

"""Loading an agreement for participation: what phase it is in and how the acting user relates to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.domain.workflow import Status
from agreements.models import Document
from agreements.permissions import DocumentPermission
from agreements.services.access import load
from amendments.models import Amendment
from core.errors import InvalidInput, NotFound
from governance.models import SpaceMembership
from governance.parties import MembershipStatus
from governance.permissions import Actor
from governance.services.actors import as_user
from participation.models import CommentingBlock
from participation.permissions import Audience, ParticipationContext, phase_of

BREMEN = ZoneInfo("Europe/Berlin")
MAX_COMMENT = 10_000
MAX_STATEMENT = 20_000
MAX_REASON = 2_000


def today() -> date:
    """The day in Bremen: consultations begin and end on calendar days there."""
    return datetime.now(BREMEN).date()


@dataclass(frozen=True)
class Participation:
    """An agreement as the acting user sees it for taking part."""

    document: Document
    actor: Actor
    context: ParticipationContext
    user: Any

    def about(self, *, is_author: bool, deleted: bool = False, hidden: bool = False) -> ParticipationContext:
        """The context for rules about one comment."""
        return replace(self.context, is_author=is_author, deleted=deleted, hidden=hidden)


def is_blocked(session: Session, user: Any, space_id: int | None) -> bool:
    user = as_user(user)
    if user is None or space_id is None:
        return False
    return (
        session.scalar(
            select(CommentingBlock.id)
            .where(
                CommentingBlock.space_id == space_id,
                CommentingBlock.user_id == user.id,
                CommentingBlock.lifted_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def participation(session: Session, user: Any, document_id: int) -> Participation:
    """The agreement if the user may read it (hidden agreements look missing), with its phase."""
    document, actor, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind="agreement")
    context = ParticipationContext(
        phase=phase_of(
            Status(document.status), document.consultation_starts_on, document.consultation_ends_on, today()
        ),
        audience=Audience(document.consultation_audience or "registered"),
        blocked=is_blocked(session, user, document.space_id),
    )
    return Participation(document, actor, context, as_user(user))


def amendment_of(session: Session, document: Document, amendment_id: int) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None or amendment.document_id != document.id:
        raise NotFound("amendment not found")
    return amendment


def author_membership(session: Session, user: Any, space_id: int | None) -> SpaceMembership | None:
    """The author's active membership in the space: its party and organisation go with what they write."""
    if space_id is None or as_user(user) is None:
        return None
    return session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space_id,
            SpaceMembership.user_id == user.id,
            SpaceMembership.status == MembershipStatus.ACTIVE,
        )
    )


def checked_text(value: str | None, field: str, maximum: int) -> str:
    """A required text: stripped, not empty, not too long, no NUL (which no database stores)."""
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("required", field_errors={field: ["required"]})
    if len(text) > maximum:
        raise InvalidInput("too long", field_errors={field: ["too_long"]})
    if "\x00" in text:
        raise InvalidInput("invalid characters", field_errors={field: ["invalid_characters"]})
    return text

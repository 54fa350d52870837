"""Support (+1) for comments and amendments: one per person and target, given and withdrawn by the
same toggle, counted per party."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from amendments.models import Amendment
from core import audit
from core.errors import Conflict, NotFound
from participation.models import Comment, Support
from participation.permissions import ParticipationPermission as P
from participation.permissions import is_allowed, require
from participation.services.access import author_membership, participation

TARGET_TYPES = ("comment", "amendment")


def toggle_support(session: Session, user: Any, target_type: str, target_id: int) -> bool:
    """Give support, or withdraw it when given before. Returns whether the user supports it now."""
    if target_type == "comment":
        target: Comment | Amendment | None = session.get(Comment, target_id)
    elif target_type == "amendment":
        target = session.get(Amendment, target_id)
    else:
        raise NotFound("unknown target")
    if target is None:
        raise NotFound(f"{target_type} not found")
    part = participation(session, user, target.document_id)
    is_author = part.user is not None and target.author_id == part.user.id
    deleted = isinstance(target, Comment) and target.deleted_at is not None
    hidden = isinstance(target, Comment) and target.hidden_at is not None
    existing = (
        session.scalar(
            select(Support).where(
                Support.user_id == part.user.id,
                Support.target_type == target_type,
                Support.target_id == target_id,
            )
        )
        if part.user is not None
        else None
    )
    if existing is None:
        require(part.actor, P.SUPPORT, part.about(is_author=is_author, deleted=deleted, hidden=hidden))
        membership = author_membership(session, part.user, part.document.space_id)
        session.add(
            Support(
                document_id=part.document.id,
                target_type=target_type,
                target_id=target_id,
                user_id=part.user.id,
                party=membership.party if membership is not None else None,
            )
        )
        action = "support.given"
    else:
        # Withdrawing is always possible, also after the consultation closed.
        session.delete(existing)
        action = "support.withdrawn"
    audit.record(
        session,
        actor_id=part.user.id,
        action=action,
        object_type=target_type,
        object_id=target_id,
        details={
            "target_type": target_type,
            "target_id": target_id,
            "document_id": part.document.id,
            "space_id": part.document.space_id,
        },
    )
    try:
        session.commit()
    except IntegrityError as error:  # the same person's second click in a parallel request
        session.rollback()
        raise Conflict("already supported") from error
    return action == "support.given"


def counts_by_party(
    session: Session, target_type: str, target_ids: list[int]
) -> dict[int, dict[str | None, int]]:
    """Per target: supporters per party (None: without a party), in one query."""
    counts: dict[int, dict[str | None, int]] = defaultdict(dict)
    if not target_ids:
        return counts
    rows = session.execute(
        select(Support.target_id, Support.party, func.count(Support.id))
        .where(Support.target_type == target_type, Support.target_id.in_(target_ids))
        .group_by(Support.target_id, Support.party)
    )
    for target_id, party, count in rows:
        counts[target_id][party] = count
    return counts


def supported_by(session: Session, user: Any, target_type: str, target_ids: list[int]) -> set[int]:
    """Which of the targets the user supports, in one query."""
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    if user_id is None or not target_ids:
        return set()
    return set(
        session.scalars(
            select(Support.target_id).where(
                Support.user_id == user_id,
                Support.target_type == target_type,
                Support.target_id.in_(target_ids),
            )
        )
    )


def document_of(session: Session, target_type: str, target_id: int) -> int:
    model = Comment if target_type == "comment" else Amendment
    document_id = session.scalar(select(model.document_id).where(model.id == target_id))
    if document_id is None:
        raise NotFound(f"{target_type} not found")
    return document_id


def support_for(session: Session, user: Any, target_type: str, target_id: int) -> dict[str, Any]:
    """Supports per party of one target, whether the user supports it and whether they may support it."""
    if target_type not in TARGET_TYPES:
        raise NotFound("unknown target")
    model = Comment if target_type == "comment" else Amendment
    target = session.get(model, target_id)
    if target is None:
        raise NotFound(f"{target_type} not found")
    part = participation(session, user, target.document_id)
    context = part.about(
        is_author=part.user is not None and target.author_id == part.user.id,
        deleted=isinstance(target, Comment) and target.deleted_at is not None,
        hidden=isinstance(target, Comment) and target.hidden_at is not None,
    )
    return {
        "supports": counts_by_party(session, target_type, [target_id]).get(target_id, {}),
        "supported": target_id in supported_by(session, user, target_type, [target_id]),
        "may_support": is_allowed(part.actor, P.SUPPORT, context),
    }

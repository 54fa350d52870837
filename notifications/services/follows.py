"""Following a space, an agreement or an amendment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.permissions import DocumentPermission
from agreements.services.access import load
from amendments.models import Amendment
from core import audit
from core.errors import NotFound, PermissionDenied
from governance.models import Space, User
from governance.services.actors import as_user
from notifications.domain import TargetType
from notifications.models import Follow


def _target_type(value: str) -> TargetType:
    try:
        return TargetType(value)
    except ValueError as error:
        raise NotFound("nothing to follow") from error


def _check_target(session: Session, user: Any, target_type: TargetType, target_id: int) -> None:
    """The target exists and the user may read it (hidden things look missing)."""
    if target_type == TargetType.SPACE:
        if session.get(Space, target_id) is None:
            raise NotFound("space not found")
    elif target_type == TargetType.AGREEMENT:
        load(session, user, target_id, DocumentPermission.VIEW_PUBLISHED, kind="agreement")
    else:
        amendment = session.get(Amendment, target_id)
        if amendment is None:
            raise NotFound("amendment not found")
        try:
            load(session, user, amendment.document_id, DocumentPermission.VIEW_PUBLISHED, kind="agreement")
        except PermissionDenied as error:
            raise NotFound("amendment not found") from error


def _signed_in(user: Any) -> User:
    signed_in = as_user(user)
    if signed_in is None:
        raise PermissionDenied("sign in to follow")
    return signed_in


def is_following(session: Session, user: Any, target_type: str, target_id: int) -> bool:
    signed_in = as_user(user)
    if signed_in is None:
        return False
    return (
        session.scalar(
            select(Follow.id).where(
                Follow.user_id == signed_in.id,
                Follow.target_type == target_type,
                Follow.target_id == target_id,
            )
        )
        is not None
    )


def follow(session: Session, user: Any, target_type: str, target_id: int) -> Follow:
    signed_in = _signed_in(user)
    kind = _target_type(target_type)
    _check_target(session, signed_in, kind, target_id)
    existing = session.scalar(
        select(Follow).where(
            Follow.user_id == signed_in.id, Follow.target_type == kind.value, Follow.target_id == target_id
        )
    )
    if existing is not None:
        return existing
    row = Follow(user_id=signed_in.id, target_type=kind.value, target_id=target_id)
    session.add(row)
    audit.record(
        session, actor_id=signed_in.id, action="follow.started", object_type=kind.value, object_id=target_id,
        details={"user_id": signed_in.id},
    )  # fmt: skip
    session.commit()
    return row


def unfollow(session: Session, user: Any, target_type: str, target_id: int) -> None:
    signed_in = _signed_in(user)
    kind = _target_type(target_type)
    existing = session.scalar(
        select(Follow).where(
            Follow.user_id == signed_in.id, Follow.target_type == kind.value, Follow.target_id == target_id
        )
    )
    if existing is None:
        _check_target(session, signed_in, kind, target_id)  # unknown targets answer 404
        return
    session.delete(existing)
    audit.record(
        session, actor_id=signed_in.id, action="follow.stopped", object_type=kind.value, object_id=target_id,
        details={"user_id": signed_in.id},
    )  # fmt: skip
    session.commit()

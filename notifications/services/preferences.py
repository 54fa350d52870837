"""Per kind and user: off, only in the centre, at once by e-mail, or in the daily digest; and the
one-click unsubscribe links that switch one kind off by e-mail."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.errors import InvalidInput, NotFound, PermissionDenied
from governance.models import User
from governance.services.actors import as_user
from notifications.domain import Channel, Kind, channel_for
from notifications.models import Notification, NotificationPreference

SALT = "raumrat-notifications-unsubscribe"
MAX_TOKEN_LENGTH = 200


def channels(session: Session, user_id: int) -> dict[Kind, Channel]:
    chosen = dict(
        session.execute(
            select(NotificationPreference.kind, NotificationPreference.channel).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {kind: channel_for(kind, chosen) for kind in Kind}


def _store(session: Session, user_id: int, wanted: dict[Kind, Channel]) -> dict[str, list[str]]:
    rows = {
        row.kind: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    current = channels(session, user_id)
    changes: dict[str, list[str]] = {}
    for kind, channel in wanted.items():
        if current[kind] == channel:
            continue
        changes[kind.value] = [current[kind].value, channel.value]
        row = rows.get(kind.value)
        if row is None:
            session.add(NotificationPreference(user_id=user_id, kind=kind.value, channel=channel.value))
        else:
            row.channel = channel.value
        if channel in (Channel.OFF, Channel.IN_APP):
            # What waits for e-mail is not sent any more.
            session.execute(
                update(Notification)
                .where(
                    Notification.user_id == user_id,
                    Notification.kind == kind.value,
                    Notification.email_status.in_(("email", "digest")),
                )
                .values(email_status=None)
            )
    return changes


def set_channels(session: Session, user: Any, wanted: dict[str, str]) -> dict[str, list[str]]:
    """Save the user's choices (kind → channel); returns what changed (kind → [before, after])."""
    me = as_user(user)
    if me is None:
        raise PermissionDenied("sign in to change notification settings")
    parsed: dict[Kind, Channel] = {}
    errors: dict[str, list[str]] = {}
    for key, value in wanted.items():
        try:
            parsed[Kind(key)] = Channel(value)
        except ValueError:
            errors[key] = ["invalid"]
    if errors:
        raise InvalidInput("invalid channel", field_errors=errors)
    changes = _store(session, me.id, parsed)
    if changes:
        audit.record(
            session, actor_id=me.id, action="notification_preferences.changed", object_type="user",
            object_id=me.id, details={"changes": changes},
        )  # fmt: skip
        session.commit()
    return changes


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def unsubscribe_token(user_id: int, kind: Kind, *, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user_id, "k": kind.value})


def read_token(session: Session, token: str, *, secret_key: str) -> tuple[User, Kind]:
    """The account and kind an unsubscribe link names; a bad or foreign link looks missing."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("unknown link")
    try:
        data = _serializer(secret_key).loads(token)
        user_id, kind = int(data["u"]), Kind(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise NotFound("unknown link") from error
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound("unknown link")
    return user, kind


def unsubscribe(session: Session, token: str, *, secret_key: str) -> tuple[User, Kind]:
    """Stop e-mail for the link's kind (the notifications stay in the centre). Needs no sign-in:
    holding the signed link is what entitles."""
    user, kind = read_token(session, token, secret_key=secret_key)
    if channels(session, user.id)[kind] in (Channel.EMAIL, Channel.DIGEST):
        changes = _store(session, user.id, {kind: Channel.IN_APP})
        audit.record(
            session, actor_id=user.id, action="notification_preferences.unsubscribed", object_type="user",
            object_id=user.id, details={"changes": changes},
        )  # fmt: skip
        session.commit()
    return user, kind

"""What happened, who hears of it, and how: pure rules (no Flask, no SQLAlchemy).

Notifications are derived from audit entries (core.audit): :func:`events_for` reads one entry's
action and details and says which kind of notification it gives, about which agreement or
amendment, and to whom directly (reply, mention, decision on one's own amendment). The services
add the followers and drop the actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CONSULTATION_OPENED = "consultation_opened"
    CONSULTATION_ENDING_SOON = "consultation_ending_soon"
    CONSULTATION_CLOSED = "consultation_closed"
    VERSION_PUBLISHED = "version_published"
    NEW_AMENDMENT = "new_amendment"
    NEW_STATEMENT = "new_statement"
    COMMENT_REPLY = "comment_reply"
    MENTION = "mention"
    AMENDMENT_DECIDED = "amendment_decided"


class Channel(StrEnum):
    OFF = "off"  # no notification at all
    IN_APP = "in_app"  # in the notification centre only
    EMAIL = "email"  # in the centre and at once by e-mail
    DIGEST = "digest"  # in the centre and in one e-mail a day


class TargetType(StrEnum):
    SPACE = "space"
    AGREEMENT = "agreement"
    AMENDMENT = "amendment"


# What concerns me personally comes at once; what happens on things I follow, once a day.
DEFAULT_CHANNELS: Mapping[Kind, Channel] = {
    Kind.CONSULTATION_OPENED: Channel.DIGEST,
    Kind.CONSULTATION_ENDING_SOON: Channel.DIGEST,
    Kind.CONSULTATION_CLOSED: Channel.DIGEST,
    Kind.VERSION_PUBLISHED: Channel.DIGEST,
    Kind.NEW_AMENDMENT: Channel.DIGEST,
    Kind.NEW_STATEMENT: Channel.DIGEST,
    Kind.COMMENT_REPLY: Channel.EMAIL,
    Kind.MENTION: Channel.EMAIL,
    Kind.AMENDMENT_DECIDED: Channel.EMAIL,
}

# The consultation-ending-soon step announces an end this many days ahead (or less).
ENDING_SOON_DAYS = 2
# Audit action written once per agreement and end date by the consultation-ending-soon step.
ENDING_SOON_ACTION = "agreement.consultation_end_announced"

AMENDMENT_OUTCOMES = ("accepted", "rejected", "merged")


def channel_for(kind: Kind, chosen: Mapping[str, str]) -> Channel:
    """The user's channel for ``kind``: their choice if they made one, else the default."""
    value = chosen.get(kind.value)
    try:
        return Channel(value) if value is not None else DEFAULT_CHANNELS[kind]
    except ValueError:
        return DEFAULT_CHANNELS[kind]


@dataclass(frozen=True)
class Event:
    """One kind of notification an audit entry gives."""

    kind: Kind
    document_id: int | None
    amendment_id: int | None = None
    # Followers of the agreement, of its space (and of the amendment) hear of it.
    to_followers: bool = False
    # People told directly, whether they follow or not.
    direct: tuple[int, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _ints(values: Any) -> tuple[int, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(number for number in (_int(value) for value in values) if number is not None)


def events_for(action: str, object_id: str, details: Mapping[str, Any]) -> list[Event]:
    """The notifications one audit entry gives (most give none)."""
    object_number = _int(object_id)
    if action == "agreement.open_consultation":
        return [Event(Kind.CONSULTATION_OPENED, object_number, to_followers=True)]
    if action == "agreement.start_negotiation" and details.get("from") == "consultation":
        return [Event(Kind.CONSULTATION_CLOSED, object_number, to_followers=True)]
    if action == ENDING_SOON_ACTION:
        return [
            Event(
                Kind.CONSULTATION_ENDING_SOON,
                object_number,
                to_followers=True,
                params={"ends_on": details.get("ends_on")},
            )
        ]
    if action == "agreement.version_published":
        return [
            Event(
                Kind.VERSION_PUBLISHED,
                object_number,
                to_followers=True,
                params={"number": _int(details.get("number"))},
            )
        ]
    if action == "amendment.proposed":
        return [
            Event(
                Kind.NEW_AMENDMENT,
                _int(details.get("document_id")),
                amendment_id=object_number,
                to_followers=True,
                params={"number": _int(details.get("number"))},
            )
        ]
    if action == "statement.published":
        return [
            Event(
                Kind.NEW_STATEMENT,
                _int(details.get("document_id")),
                amendment_id=_int(details.get("amendment_id")),
                to_followers=True,
                params={
                    "statement_id": object_number,
                    "organisation_id": _int(details.get("organisation_id")),
                },
            )
        ]
    if action == "comment.created":
        events = []
        replied_to = _int(details.get("parent_author_id"))
        params = {"comment_id": object_number}
        document_id = _int(details.get("document_id"))
        if replied_to is not None:
            events.append(Event(Kind.COMMENT_REPLY, document_id, direct=(replied_to,), params=params))
        mentioned = tuple(
            uid for uid in dict.fromkeys(_ints(details.get("mentioned_user_ids"))) if uid != replied_to
        )
        if mentioned:
            events.append(Event(Kind.MENTION, document_id, direct=mentioned, params=params))
        return events
    thing, _, verb = action.partition(".")
    if thing == "amendment" and verb in AMENDMENT_OUTCOMES:
        author = _int(details.get("author_id"))
        return [
            Event(
                Kind.AMENDMENT_DECIDED,
                _int(details.get("document_id")),
                amendment_id=object_number,
                to_followers=True,
                direct=(author,) if author is not None else (),
                params={"outcome": verb, "number": _int(details.get("number"))},
            )
        ]
    return []


def recipients(
    event: Event, *, followers: Iterable[int], actor_id: int | None, may_see: Iterable[int] | None = None
) -> list[int]:
    """Direct recipients first, then followers; each once; never the actor; only those who may see it
    (``may_see`` None: everybody may)."""
    candidates = list(event.direct) + (list(followers) if event.to_followers else [])
    allowed = None if may_see is None else set(may_see)
    chosen = []
    for user_id in dict.fromkeys(candidates):
        if user_id == actor_id or (allowed is not None and user_id not in allowed):
            continue
        chosen.append(user_id)
    return chosen


def ending_soon(ends_on: date | None, today: date) -> bool:
    """Whether a consultation ending on ``ends_on`` should be announced as ending soon today."""
    return ends_on is not None and today <= ends_on <= today + timedelta(days=ENDING_SOON_DAYS)


KIND_ORDER = {kind: position for position, kind in enumerate(Kind)}


def group_for_digest(items: Iterable[tuple[str, Any]]) -> list[tuple[Kind, list[Any]]]:
    """Digest items (kind, item) grouped by kind in a fixed order, each group in the given order."""
    groups: dict[Kind, list[Any]] = {}
    for kind, item in items:
        try:
            known = Kind(kind)
        except ValueError:
            continue
        groups.setdefault(known, []).append(item)
    return sorted(groups.items(), key=lambda pair: KIND_ORDER[pair[0]])

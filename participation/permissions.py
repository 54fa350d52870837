"""Named permission rules for comments, formal statements, support and reports. Pure: no Flask, no
SQLAlchemy.

Who may take part depends on the agreement's *phase* (see :func:`phase_of`):

- during an open consultation any registered user may comment and support, or only the members of
  the space if the facilitator said so; once the consultation has ended, commenting is closed;
- outside a consultation the members of the space (not observers) may comment while the agreement
  is a draft, in negotiation or put to the vote;
- once adopted (and later), or withdrawn, commenting is closed.

A member blocked from commenting in the space by its moderators may not write comments (support
and reports stay open to them). Deleting one's own comment is always possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from agreements.domain.workflow import Status
from core.errors import PermissionDenied
from governance.parties import OrganisationRole, SpaceRole
from governance.permissions import Actor


class Phase(StrEnum):
    # A consultation is running today: registered users (or members) take part.
    CONSULTATION = "consultation"
    # Status "consultation", but the period has not begun yet: members take part as in a draft.
    CONSULTATION_NOT_STARTED = "consultation_not_started"
    # Status "consultation", but its last day is over: closed until the facilitator moves on.
    CONSULTATION_ENDED = "consultation_ended"
    # Draft, negotiation, vote: the members of the space take part.
    MEMBERS = "members"
    # Adopted and later, or withdrawn.
    CLOSED = "closed"


MEMBER_STATUSES = frozenset({Status.DRAFT, Status.NEGOTIATION, Status.VOTING})


def phase_of(status: Status, starts_on: date | None, ends_on: date | None, today: date) -> Phase:
    if status == Status.CONSULTATION:
        if starts_on is not None and today < starts_on:
            return Phase.CONSULTATION_NOT_STARTED
        if ends_on is not None and today > ends_on:
            return Phase.CONSULTATION_ENDED
        return Phase.CONSULTATION
    if status in MEMBER_STATUSES:
        return Phase.MEMBERS
    return Phase.CLOSED


class Audience(StrEnum):
    REGISTERED = "registered"
    MEMBERS = "members"


@dataclass(frozen=True)
class ParticipationContext:
    """The agreement's phase and, for rules about one comment, how the actor relates to it."""

    phase: Phase
    audience: Audience = Audience.REGISTERED
    # The actor is blocked from commenting in the agreement's space.
    blocked: bool = False
    # For rules about one comment (edit, delete, support, report).
    is_author: bool = False
    deleted: bool = False
    hidden: bool = False


class ParticipationPermission(StrEnum):
    COMMENT = "participation.comment"
    REPLY = "participation.reply"
    EDIT_OWN = "participation.edit_own"
    DELETE_OWN = "participation.delete_own"
    SUPPORT = "participation.support"
    STATE = "participation.state"
    REPORT = "participation.report"
    # The consultation report: all comments and statements by section and party, for the round table.
    VIEW_CONSULTATION_REPORT = "participation.view_consultation_report"


def _takes_part_as_member(actor: Actor) -> bool:
    """Members and facilitators of the space; observers only follow."""
    return actor.is_authenticated and actor.space_role in (SpaceRole.MEMBER, SpaceRole.FACILITATOR)


def takes_part(actor: Actor, context: ParticipationContext) -> bool:
    """May the actor contribute (comment, support, state) in the agreement's current phase?"""
    if not actor.is_authenticated:
        return False
    if context.phase == Phase.CONSULTATION:
        return context.audience == Audience.REGISTERED or _takes_part_as_member(actor)
    if context.phase in (Phase.MEMBERS, Phase.CONSULTATION_NOT_STARTED):
        return _takes_part_as_member(actor)
    return False


def _comment(actor: Actor, context: ParticipationContext) -> bool:
    return takes_part(actor, context) and not context.blocked


def _reply(actor: Actor, context: ParticipationContext) -> bool:
    return _comment(actor, context) and not context.deleted


def _edit_own(actor: Actor, context: ParticipationContext) -> bool:
    return (
        context.is_author
        and not context.deleted
        and not context.hidden
        and takes_part(actor, context)
        and not context.blocked
    )


def _delete_own(actor: Actor, context: ParticipationContext) -> bool:
    # One's own words can always be taken back, whatever the phase.
    return actor.is_authenticated and context.is_author and not context.deleted


def _support(actor: Actor, context: ParticipationContext) -> bool:
    return takes_part(actor, context) and not context.is_author and not context.deleted and not context.hidden


def _state(actor: Actor, context: ParticipationContext) -> bool:
    return actor.organisation_role == OrganisationRole.REPRESENTATIVE and takes_part(actor, context)


def _report(actor: Actor, context: ParticipationContext) -> bool:
    return actor.is_authenticated and not context.is_author and not context.deleted


def _view_consultation_report(actor: Actor, context: ParticipationContext) -> bool:
    return actor.facilitates or actor.acts_as_admin


RULES: dict[ParticipationPermission, Callable[[Actor, ParticipationContext], bool]] = {
    ParticipationPermission.COMMENT: _comment,
    ParticipationPermission.REPLY: _reply,
    ParticipationPermission.EDIT_OWN: _edit_own,
    ParticipationPermission.DELETE_OWN: _delete_own,
    ParticipationPermission.SUPPORT: _support,
    ParticipationPermission.STATE: _state,
    ParticipationPermission.REPORT: _report,
    ParticipationPermission.VIEW_CONSULTATION_REPORT: _view_consultation_report,
}


def is_allowed(actor: Actor, permission: ParticipationPermission, context: ParticipationContext) -> bool:
    return RULES[permission](actor, context)


class ParticipationNotAllowed(PermissionDenied):
    def __init__(self, permission: ParticipationPermission, reason: str):
        super().__init__(f"{permission.value} not allowed: {reason}")
        self.permission = permission
        self.reason = reason


def refusal_reason(actor: Actor, context: ParticipationContext) -> str:
    """Why the actor may not comment now, as a code the pages turn into a sentence."""
    if not actor.is_authenticated:
        return "sign_in"
    if context.phase == Phase.CONSULTATION_ENDED:
        return "consultation_ended"
    if context.phase == Phase.CLOSED:
        return "closed"
    if not takes_part(actor, context):
        return "members_only"
    if context.blocked:
        return "blocked"
    return "not_allowed"


def require(actor: Actor, permission: ParticipationPermission, context: ParticipationContext) -> None:
    if not is_allowed(actor, permission, context):
        raise ParticipationNotAllowed(permission, refusal_reason(actor, context))

"""Named permission rules for motions and ballots. Pure: no Flask, no SQLAlchemy.

The actor (governance.permissions.Actor) is seen from the motion's social space; the motion context
says in which state the motion is, whether its ballot is secret, whether interim results show, and
how the actor stands in its electorate (a voter of the snapshot, a proxy holder).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from governance.parties import SpaceRole
from governance.permissions import Actor


class MotionState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MotionContext:
    state: MotionState
    secret: bool = False
    interim_results: bool = False
    in_electorate: bool = False  # the actor is in the electorate fixed when the motion opened
    holds_proxy: bool = False  # the actor may vote for another member


class MotionPermission(StrEnum):
    VIEW = "motion.view"
    CREATE = "motion.create"
    EDIT = "motion.edit"
    OPEN = "motion.open"
    CLOSE = "motion.close"
    CANCEL = "motion.cancel"
    GRANT_PROXY = "motion.grant_proxy"
    VOTE = "motion.vote"
    VIEW_RESULTS = "motion.view_results"
    VIEW_PARTICIPANTS = "motion.view_participants"  # who voted (never what, in a secret ballot)
    VIEW_CHOICES = "motion.view_choices"  # who voted what (open ballots only)
    EXPORT_BALLOTS = "motion.export_ballots"


def _facilitator_or_admin(actor: Actor) -> bool:
    return actor.facilitates or actor.acts_as_admin


def _member_or_admin(actor: Actor) -> bool:
    return actor.is_space_member or actor.acts_as_admin


def _view(actor: Actor, motion: MotionContext) -> bool:
    # Upcoming motions (drafts) show to the space's members, who may authorise proxies before opening.
    return motion.state != MotionState.DRAFT or _member_or_admin(actor)


def _create(actor: Actor, motion: MotionContext) -> bool:
    return _facilitator_or_admin(actor)


def _edit_draft(actor: Actor, motion: MotionContext) -> bool:
    return motion.state == MotionState.DRAFT and _facilitator_or_admin(actor)


def _close(actor: Actor, motion: MotionContext) -> bool:
    return motion.state == MotionState.OPEN and _facilitator_or_admin(actor)


def _cancel(actor: Actor, motion: MotionContext) -> bool:
    return motion.state in (MotionState.DRAFT, MotionState.OPEN) and _facilitator_or_admin(actor)


def _grant_proxy(actor: Actor, motion: MotionContext) -> bool:
    # Observers follow, they do not vote; whether the party may vote is the service's check.
    return (
        motion.state == MotionState.DRAFT
        and actor.is_space_member
        and actor.space_role in (SpaceRole.MEMBER, SpaceRole.FACILITATOR)
    )


def _vote(actor: Actor, motion: MotionContext) -> bool:
    return (
        motion.state == MotionState.OPEN
        and actor.is_authenticated
        and (motion.in_electorate or motion.holds_proxy)
    )


def _view_results(actor: Actor, motion: MotionContext) -> bool:
    if motion.state == MotionState.CLOSED:
        return True
    # Never for a secret ballot: interim counts beside who has voted would link people to choices.
    interim = motion.interim_results and not motion.secret
    return motion.state == MotionState.OPEN and interim and _member_or_admin(actor)


def _view_participants(actor: Actor, motion: MotionContext) -> bool:
    return motion.state in (MotionState.OPEN, MotionState.CLOSED) and _member_or_admin(actor)


def _view_choices(actor: Actor, motion: MotionContext) -> bool:
    if motion.secret or not _member_or_admin(actor):
        return False
    return motion.state == MotionState.CLOSED or (motion.state == MotionState.OPEN and motion.interim_results)


def _export(actor: Actor, motion: MotionContext) -> bool:
    return motion.state == MotionState.CLOSED


RULES: dict[MotionPermission, Callable[[Actor, MotionContext], bool]] = {
    MotionPermission.VIEW: _view,
    MotionPermission.CREATE: _create,
    MotionPermission.EDIT: _edit_draft,
    MotionPermission.OPEN: _edit_draft,
    MotionPermission.CLOSE: _close,
    MotionPermission.CANCEL: _cancel,
    MotionPermission.GRANT_PROXY: _grant_proxy,
    MotionPermission.VOTE: _vote,
    MotionPermission.VIEW_RESULTS: _view_results,
    MotionPermission.VIEW_PARTICIPANTS: _view_participants,
    MotionPermission.VIEW_CHOICES: _view_choices,
    MotionPermission.EXPORT_BALLOTS: _export,
}


def is_allowed(actor: Actor, permission: MotionPermission, motion: MotionContext) -> bool:
    return RULES[permission](actor, motion)


class MotionNotAllowed(PermissionDenied):
    def __init__(self, permission: MotionPermission):
        super().__init__(f"{permission.value} not allowed")
        self.permission = permission


def require(actor: Actor, permission: MotionPermission, motion: MotionContext) -> None:
    if not is_allowed(actor, permission, motion):
        raise MotionNotAllowed(permission)

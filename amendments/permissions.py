"""Named permission rules for amendments. Pure: no Flask, no SQLAlchemy.

The actor (governance.permissions.Actor) is seen from the agreement's social space; the context
says in which state the agreement and the amendment are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from agreements.domain.workflow import Status
from amendments.domain.states import AmendmentStatus, AmendmentTransition, can
from core.errors import PermissionDenied
from governance.parties import SpaceRole
from governance.permissions import Actor

# Agreements in these states take proposals.
OPEN_FOR_PROPOSALS = frozenset({Status.CONSULTATION, Status.NEGOTIATION})
# Agreements in these states still change, so their amendments can be decided and merged (while the
# agreement itself is put to the vote its text stays as it is).
OPEN_FOR_DECISIONS = frozenset({Status.DRAFT, Status.CONSULTATION, Status.NEGOTIATION})


@dataclass(frozen=True)
class AmendmentContext:
    document_status: Status
    has_published_version: bool
    # Whether the actor may read the agreement's published versions (agreements.permissions).
    may_view_published: bool
    # None when asking about a proposal that does not exist yet.
    amendment_status: AmendmentStatus | None = None
    is_author: bool = False


class AmendmentPermission(StrEnum):
    VIEW = "amendment.view"
    PROPOSE = "amendment.propose"
    WITHDRAW = "amendment.withdraw"
    ACCEPT = "amendment.accept"
    REJECT = "amendment.reject"
    PUT_TO_VOTE = "amendment.put_to_vote"
    # Finish an accepted amendment whose merge into the draft needs a person's choices.
    RESOLVE_MERGE = "amendment.resolve_merge"


def _facilitator_or_admin(actor: Actor) -> bool:
    return actor.facilitates or actor.acts_as_admin


def _view(actor: Actor, ctx: AmendmentContext) -> bool:
    return ctx.may_view_published


def _propose(actor: Actor, ctx: AmendmentContext) -> bool:
    return (
        actor.is_space_member
        and actor.space_role in (SpaceRole.MEMBER, SpaceRole.FACILITATOR)
        and ctx.document_status in OPEN_FOR_PROPOSALS
        and ctx.has_published_version
    )


def _withdraw(actor: Actor, ctx: AmendmentContext) -> bool:
    return (
        actor.is_authenticated
        and ctx.is_author
        and ctx.amendment_status is not None
        and can(ctx.amendment_status, AmendmentTransition.WITHDRAW)
    )


def _decide(transition: AmendmentTransition) -> Callable[[Actor, AmendmentContext], bool]:
    def rule(actor: Actor, ctx: AmendmentContext) -> bool:
        return (
            _facilitator_or_admin(actor)
            and ctx.document_status in OPEN_FOR_DECISIONS
            # Facilitators decide open amendments, and record the result of a vote (say, at the round table).
            and ctx.amendment_status in (AmendmentStatus.OPEN, AmendmentStatus.VOTING)
            and can(ctx.amendment_status, transition)
        )

    return rule


def _resolve_merge(actor: Actor, ctx: AmendmentContext) -> bool:
    return (
        _facilitator_or_admin(actor)
        and ctx.document_status in OPEN_FOR_DECISIONS
        and ctx.amendment_status == AmendmentStatus.ACCEPTED
    )


RULES: dict[AmendmentPermission, Callable[[Actor, AmendmentContext], bool]] = {
    AmendmentPermission.VIEW: _view,
    AmendmentPermission.PROPOSE: _propose,
    AmendmentPermission.WITHDRAW: _withdraw,
    AmendmentPermission.ACCEPT: _decide(AmendmentTransition.ACCEPT),
    AmendmentPermission.REJECT: _decide(AmendmentTransition.REJECT),
    AmendmentPermission.PUT_TO_VOTE: _decide(AmendmentTransition.PUT_TO_VOTE),
    AmendmentPermission.RESOLVE_MERGE: _resolve_merge,
}


def is_allowed(actor: Actor, permission: AmendmentPermission, ctx: AmendmentContext) -> bool:
    return RULES[permission](actor, ctx)


class AmendmentNotAllowed(PermissionDenied):
    def __init__(self, permission: AmendmentPermission):
        super().__init__(f"{permission.value} not allowed")
        self.permission = permission


def require(actor: Actor, permission: AmendmentPermission, ctx: AmendmentContext) -> None:
    if not is_allowed(actor, permission, ctx):
        raise AmendmentNotAllowed(permission)

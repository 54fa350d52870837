"""The life of an agreement as a state machine (pure; services apply it and write the audit log).

draft → consultation → negotiation → voting → adopted → under review → superseded / expired;
withdrawn from any state before adoption ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    NEGOTIATION = "negotiation"
    VOTING = "voting"
    ADOPTED = "adopted"
    UNDER_REVIEW = "under_review"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Transition(StrEnum):
    OPEN_CONSULTATION = "open_consultation"
    START_NEGOTIATION = "start_negotiation"
    PUT_TO_VOTE = "put_to_vote"
    ADOPT = "adopt"
    RETURN_TO_NEGOTIATION = "return_to_negotiation"
    START_REVIEW = "start_review"
    CONFIRM_AFTER_REVIEW = "confirm_after_review"
    SUPERSEDE = "supersede"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Edge:
    transition: Transition
    sources: frozenset[Status]
    target: Status


EDGES: tuple[Edge, ...] = (
    Edge(Transition.OPEN_CONSULTATION, frozenset({Status.DRAFT, Status.NEGOTIATION}), Status.CONSULTATION),
    Edge(Transition.START_NEGOTIATION, frozenset({Status.DRAFT, Status.CONSULTATION}), Status.NEGOTIATION),
    Edge(Transition.PUT_TO_VOTE, frozenset({Status.NEGOTIATION}), Status.VOTING),
    Edge(Transition.ADOPT, frozenset({Status.VOTING}), Status.ADOPTED),
    Edge(
        Transition.RETURN_TO_NEGOTIATION, frozenset({Status.VOTING, Status.UNDER_REVIEW}), Status.NEGOTIATION
    ),
    Edge(Transition.START_REVIEW, frozenset({Status.ADOPTED}), Status.UNDER_REVIEW),
    Edge(Transition.CONFIRM_AFTER_REVIEW, frozenset({Status.UNDER_REVIEW}), Status.ADOPTED),
    Edge(Transition.SUPERSEDE, frozenset({Status.ADOPTED, Status.UNDER_REVIEW}), Status.SUPERSEDED),
    Edge(Transition.EXPIRE, frozenset({Status.ADOPTED, Status.UNDER_REVIEW}), Status.EXPIRED),
    Edge(
        Transition.WITHDRAW,
        frozenset({Status.DRAFT, Status.CONSULTATION, Status.NEGOTIATION, Status.VOTING}),
        Status.WITHDRAWN,
    ),
)

FINAL = frozenset({Status.SUPERSEDED, Status.EXPIRED, Status.WITHDRAWN})
# Visible without signing in: what the public may comment on, and what binds.
PUBLIC = frozenset(
    {Status.CONSULTATION, Status.ADOPTED, Status.UNDER_REVIEW, Status.SUPERSEDED, Status.EXPIRED}
)
# Members with the right to edit may change the draft text only in these states.
EDITABLE = frozenset({Status.DRAFT, Status.NEGOTIATION})


class TransitionRefused(Exception):
    def __init__(self, transition: Transition, status: Status, reason: str = "not_from_this_status"):
        super().__init__(f"{transition.value} is not possible from {status.value}: {reason}")
        self.transition = transition
        self.status = status
        self.reason = reason


def available(status: Status) -> list[Transition]:
    return [edge.transition for edge in EDGES if status in edge.sources]


def next_status(status: Status, transition: Transition, *, compliant: bool = True) -> Status:
    """The status after a transition; refuses unknown moves and a vote on a non-compliant text."""
    for edge in EDGES:
        if edge.transition == transition and status in edge.sources:
            if transition == Transition.PUT_TO_VOTE and not compliant:
                raise TransitionRefused(transition, status, "framework_requirements_not_met")
            return edge.target
    raise TransitionRefused(transition, status)

"""The life of an amendment as a state machine (pure; services apply it and write the audit log).

open → accepted / rejected / withdrawn / voting; voting → accepted / rejected; accepted → merged
(its text is in the working draft). Rejected, withdrawn and merged are final.
"""

from __future__ import annotations

from enum import StrEnum


class AmendmentStatus(StrEnum):
    OPEN = "open"
    VOTING = "voting"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class AmendmentTransition(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    PUT_TO_VOTE = "put_to_vote"
    MERGE = "merge"


EDGES: dict[tuple[AmendmentStatus, AmendmentTransition], AmendmentStatus] = {
    (AmendmentStatus.OPEN, AmendmentTransition.ACCEPT): AmendmentStatus.ACCEPTED,
    (AmendmentStatus.OPEN, AmendmentTransition.REJECT): AmendmentStatus.REJECTED,
    (AmendmentStatus.OPEN, AmendmentTransition.WITHDRAW): AmendmentStatus.WITHDRAWN,
    (AmendmentStatus.OPEN, AmendmentTransition.PUT_TO_VOTE): AmendmentStatus.VOTING,
    (AmendmentStatus.VOTING, AmendmentTransition.ACCEPT): AmendmentStatus.ACCEPTED,
    (AmendmentStatus.VOTING, AmendmentTransition.REJECT): AmendmentStatus.REJECTED,
    (AmendmentStatus.ACCEPTED, AmendmentTransition.MERGE): AmendmentStatus.MERGED,
}

FINAL = frozenset({AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN, AmendmentStatus.MERGED})


class InvalidTransition(ValueError):
    def __init__(self, status: AmendmentStatus, transition: AmendmentTransition):
        super().__init__(f"cannot {transition.value} an amendment that is {status.value}")
        self.status = status
        self.transition = transition


def can(status: AmendmentStatus, transition: AmendmentTransition) -> bool:
    return (status, transition) in EDGES


def next_status(status: AmendmentStatus, transition: AmendmentTransition) -> AmendmentStatus:
    try:
        return EDGES[(status, transition)]
    except KeyError:
        raise InvalidTransition(status, transition) from None


def transitions_from(status: AmendmentStatus) -> list[AmendmentTransition]:
    return [transition for (source, transition) in EDGES if source == status]

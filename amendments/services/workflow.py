"""Amendment decisions taken by a vote (called by the decisions feature).

These functions do not commit: the caller commits them together with the motion's result. Each
writes its own audit entry with the motion's id. Who may decide was settled by the vote itself, so
only the amendment's state machine is checked.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from amendments.domain.states import AmendmentStatus, AmendmentTransition
from amendments.models import Amendment
from amendments.services.amendments import _accept, _merge_if_clean, _move, _record
from core.errors import Conflict, NotFound
from core.timeutil import utcnow


def _amendment(session: Session, amendment_id: int, *, voting: bool = False) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound("amendment not found")
    if voting and amendment.status != AmendmentStatus.VOTING:
        # Only a vote on an amendment put to the vote decides it.
        raise Conflict(f"the amendment is {amendment.status}, not put to the vote")
    return amendment


def put_to_vote_by_motion(session: Session, *, amendment_id: int, motion_id: int) -> None:
    """open → voting."""
    amendment = _amendment(session, amendment_id)
    _move(amendment, AmendmentTransition.PUT_TO_VOTE)
    _record(
        session, amendment, "put_to_vote", None, version_id=amendment.base_version_id, motion_id=motion_id
    )


def accept_by_motion(session: Session, *, amendment_id: int, motion_id: int) -> None:
    """voting → accepted, and merged into the draft when it applies cleanly. With a conflict it stays
    accepted and a facilitator resolves it in the resolution view."""
    amendment = _amendment(session, amendment_id, voting=True)
    _accept(session, amendment, None, motion_id=motion_id)
    session.flush()
    _merge_if_clean(session, amendment, None)


def reject_by_motion(session: Session, *, amendment_id: int, motion_id: int) -> None:
    """voting → rejected."""
    amendment = _amendment(session, amendment_id, voting=True)
    _move(amendment, AmendmentTransition.REJECT)
    amendment.decided_at = utcnow()
    _record(session, amendment, "rejected", None, version_id=amendment.base_version_id, motion_id=motion_id)

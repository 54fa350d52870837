"""Results, exports and recounts: the published record of a motion.

``build_export`` is the one description of a motion's ballots; the stored result is the recount
of exactly that export (decisions.recount), so anyone can recount the published ballots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.errors import PermissionDenied
from decisions.domain import Result
from decisions.models import Ballot, ElectorateMember, Motion, Participation, SecretBallot
from decisions.permissions import MotionPermission, MotionState, is_allowed
from decisions.recount import FORMAT, ballots_digest, canonical_json, party_key, recount
from decisions.services.motions import advance_due, allowed_actions, load
from governance.models import User


def _electorate(session: Session, motion: Motion) -> dict[str, int]:
    counts: dict[str, int] = {}
    for party in session.scalars(
        select(ElectorateMember.party).where(ElectorateMember.motion_id == motion.id)
    ):
        key = party_key(party)
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def anonymised_ballots(session: Session, motion: Motion) -> list[dict[str, Any]]:
    """The secret ballots as published: sorted by receipt hash, with party, choice and reason only."""
    rows = session.execute(
        select(SecretBallot.receipt_hash, SecretBallot.party, SecretBallot.choice, SecretBallot.reason)
        .where(SecretBallot.motion_id == motion.id)
        .order_by(SecretBallot.receipt_hash)
    )
    return [
        {"voter": receipt, "party": party, "choice": choice, "reason": reason or ""}
        for receipt, party, choice, reason in rows
    ]


def open_ballots(session: Session, motion: Motion, *, with_voters: bool) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Ballot.voter_id, Ballot.party, Ballot.choice, Ballot.cast_by_id, Ballot.reason)
        .where(Ballot.motion_id == motion.id)
        .order_by(Ballot.voter_id)
    ).all()
    names: dict[int, Any] = {}
    if not with_voters:  # the same ballots under pseudonyms: who voted what stays with the members
        for voter, *_rest in rows:
            names[voter] = f"voter-{len(names) + 1}"
        for row in rows:
            if row.cast_by_id is not None and row.cast_by_id not in names:
                names[row.cast_by_id] = f"voter-{len(names) + 1}"
    ballots = []
    for voter, party, choice, cast_by, reason in rows:
        entry = {
            "voter": names.get(voter, voter),
            "party": party,
            "choice": choice,
            "cast_by": None if cast_by is None else names.get(cast_by, cast_by),
            "reason": reason or "",
        }
        ballots.append(entry)
    return ballots


def build_export(session: Session, motion: Motion, *, with_voters: bool) -> dict[str, Any]:
    ballots = (
        anonymised_ballots(session, motion)
        if motion.secret
        else open_ballots(session, motion, with_voters=with_voters)
    )
    export: dict[str, Any] = {
        "format": FORMAT,
        "motion": {
            "id": motion.id,
            "title": motion.title,
            "kind": motion.kind,
            "method": motion.method,
            "parameters": motion.parameters,
            "secret": motion.secret,
            "state": motion.state,
            "options": [{"key": option.key, "title": option.title} for option in motion.options],
        },
        "electorate": _electorate(session, motion),
        "ballots": ballots,
        "result": motion.result,
    }
    if motion.secret:
        export["ballots_digest"] = ballots_digest(ballots)
    return export


def recount_export(export: dict[str, Any]) -> Result:
    return recount(export)


def export_ballots(session: Session, user: Any, motion_id: int) -> dict[str, Any]:
    """The published ballots of a closed motion. Open ballots name voters (user ids) only to the space's
    members and administrators; everyone else gets the same ballots under pseudonyms."""
    advance_due(session, motion_id=motion_id)
    motion, actor, context = load(session, user, motion_id, MotionPermission.EXPORT_BALLOTS)
    with_voters = is_allowed(actor, MotionPermission.VIEW_CHOICES, context)
    return build_export(session, motion, with_voters=with_voters)


@dataclass(frozen=True)
class Recount:
    stored: dict[str, Any]
    recounted: dict[str, Any]

    @property
    def matches(self) -> bool:
        return canonical_json(self.stored) == canonical_json(self.recounted)


def recount_motion(session: Session, user: Any, motion_id: int) -> Recount:
    export = export_ballots(session, user, motion_id)
    return Recount(export["result"] or {}, recount(export).to_dict())


# --- the motion's page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MotionPage:
    motion: Motion
    actions: dict[str, bool]
    result: dict[str, Any] | None  # the stored result, or interim results where allowed
    interim: bool
    electorate: dict[str, int]
    cast: int
    participants: list[tuple[User, User | None]]  # (voter, cast by) where the viewer may see who voted
    choices: list[Ballot]  # open ballots with their voters, where the viewer may see them


def motion_page(session: Session, user: Any, motion_id: int) -> MotionPage:
    from decisions.services.motions import ballot_count, electorate_counts

    advance_due(session, motion_id=motion_id)
    motion, actor, context = load(session, user, motion_id, MotionPermission.VIEW)
    actions = allowed_actions(actor, context)
    result = None
    interim = False
    if actions["view_results"]:
        if motion.state == MotionState.CLOSED:
            result = motion.result
        else:
            result = recount(build_export(session, motion, with_voters=True)).to_dict()
            interim = True
    participants: list[tuple[User, User | None]] = []
    choices: list[Ballot] = []
    if actions["view_choices"]:
        choices = list(
            session.scalars(
                select(Ballot)
                .where(Ballot.motion_id == motion.id)
                .options(joinedload(Ballot.voter), joinedload(Ballot.cast_by))
                .order_by(Ballot.voter_id)
            )
        )
    elif actions["view_participants"]:
        if motion.secret:
            rows = session.execute(
                select(Participation.voter_id, Participation.cast_by_id).where(
                    Participation.motion_id == motion.id
                )
            ).all()
        else:
            rows = session.execute(
                select(Ballot.voter_id, Ballot.cast_by_id).where(Ballot.motion_id == motion.id)
            ).all()
        ids = {voter for voter, _ in rows} | {cast_by for _, cast_by in rows if cast_by}
        users = {person.id: person for person in session.scalars(select(User).where(User.id.in_(ids)))}
        participants = sorted(
            ((users[voter], users.get(cast_by) if cast_by else None) for voter, cast_by in rows),
            key=lambda pair: pair[0].public_name.casefold(),
        )
    return MotionPage(
        motion=motion,
        actions=actions,
        result=result,
        interim=interim,
        electorate=electorate_counts(session, motion),
        cast=ballot_count(session, motion) if motion.state != MotionState.DRAFT else 0,
        participants=participants,
        choices=choices,
    )


def published_ballots(session: Session, user: Any, motion_id: int) -> tuple[Motion, list[dict[str, Any]]]:
    """The anonymised (secret) or pseudonymised (open) ballots of a closed motion."""
    export = export_ballots(session, user, motion_id)
    motion = session.get(Motion, motion_id)
    if motion is None:
        raise PermissionDenied("motion not found")
    return motion, export["ballots"]

"""Casting and changing ballots, proxies, and a member's own votes.

One ballot per voter and motion is enforced by unique constraints; a first ballot racing another
first ballot of the same voter loses at the database and is retried as a change (open ballots).
Casting takes a shared lock on the motion's row, so closing (an exclusive lock) waits for ballots
being cast and no ballot slips in after the count.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from core.timeutil import utcnow
from decisions.domain import InvalidBallots, Method, tally
from decisions.domain.methods import ALTERNATIVE_METHODS, ConsentChoice
from decisions.models import Ballot, ElectorateMember, Motion, Participation, Proxy, SecretBallot
from decisions.permissions import MotionPermission, MotionState
from decisions.services.motions import VOTING_ROLES, advance_due, load
from governance.models import SpaceMembership, User
from governance.parties import MembershipStatus
from governance.services.actors import as_user

MAX_REASON = 2_000
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand


class BallotRefused(DomainError):
    """A ballot that may not be cast; ``code`` says why (the views and the API explain it)."""

    def __init__(self, code: str, status: int = 409):
        super().__init__(code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class CastResult:
    motion: Motion
    changed: bool
    receipt: str | None = None  # shown once: the voter's receipt code of a new secret ballot


def new_receipt() -> str:
    """20 characters from a 32-letter alphabet (100 bits), in groups of four."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(20))
    return "-".join(code[index : index + 4] for index in range(0, 20, 4))


def receipt_hash(code: str) -> str:
    normal = "".join(char for char in (code or "").upper() if char.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).hexdigest()


# --- choices -------------------------------------------------------------------------------------------


def normalise_choice(motion: Motion, choice: Any) -> Any:
    """The choice as stored: a word, or a list of option keys (a ranking's ties as nested lists)."""
    method = Method(motion.method)
    if method not in ALTERNATIVE_METHODS:
        return choice if isinstance(choice, str) else None
    if not isinstance(choice, list | tuple):
        return None
    items: list[Any] = []
    for item in choice:
        if isinstance(item, str):
            items.append(item)
        elif isinstance(item, list | tuple) and all(isinstance(key, str) for key in item):
            items.append(list(item) if len(item) != 1 else item[0])
        else:
            return None
    if method == Method.APPROVAL_VOTING:
        order = {option.key: index for index, option in enumerate(motion.options)}
        if all(isinstance(item, str) for item in items):
            items.sort(key=lambda key: order.get(key, len(order)))
    return items


def check_choice(motion: Motion, party: str | None, choice: Any, reason: str) -> tuple[Any, str]:
    """Refuse a choice the motion's method cannot count, with the tally engine's own codes."""
    stored = normalise_choice(motion, choice)
    if stored is None:
        raise InvalidInput("invalid choice", field_errors={"choice": ["invalid_choice"]})
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput("reason too long", field_errors={"reason": ["too_long"]})
    if Method(motion.method) != Method.CONSENT or stored != ConsentChoice.OBJECT:
        reason = ""
    try:
        from decisions.recount import choice_of

        tally(
            motion.method, motion.parameters, {"voter": party}, [("voter", choice_of(stored), None, reason)]
        )
    except InvalidBallots as error:
        codes = error.codes
        name = "reason" if codes == ["objection_without_reason"] else "choice"
        raise InvalidInput("invalid choice", field_errors={name: codes}) from None
    return stored, reason


# --- casting -------------------------------------------------------------------------------------------


def _snapshot_party(session: Session, motion_id: int, user_id: int) -> tuple[bool, str | None]:
    row = session.execute(
        select(ElectorateMember.party).where(
            ElectorateMember.motion_id == motion_id, ElectorateMember.user_id == user_id
        )
    ).first()
    return (row is not None, None if row is None else row[0])


def _due(motion: Motion) -> bool:
    now = utcnow()
    if motion.state == MotionState.OPEN:
        return motion.closes_at is not None and motion.closes_at <= now
    return motion.state == MotionState.DRAFT and motion.opens_at is not None and motion.opens_at <= now


def _locked_motion(session: Session, user: Any, motion_id: int) -> Motion:
    """The motion, share-locked, if the user may see it; refusals with a reason when it is not open.

    A motion whose time has come is opened or closed first (lazily, see motions.advance_due).
    """
    stmt = select(Motion).where(Motion.id == motion_id).with_for_update(read=True)
    stmt = stmt.execution_options(populate_existing=True)  # the row as locked, not as loaded before
    motion = session.scalar(stmt)
    if motion is not None and _due(motion):
        session.rollback()
        advance_due(session, motion_id=motion_id)
        motion = session.scalar(stmt)
    if motion is None:
        raise NotFound("motion not found")
    if motion.state == MotionState.DRAFT:
        load(session, user, motion_id, MotionPermission.VIEW)  # upcoming motions only show to members
        raise BallotRefused("not_open")
    if motion.state != MotionState.OPEN:
        raise BallotRefused("closed")
    return motion


def cast_ballot(
    session: Session,
    user: User,
    motion_id: int,
    *,
    choice: Any,
    reason: str = "",
    voter_id: int | None = None,
    receipt: str | None = None,
) -> CastResult:
    """Cast or change the ballot of ``voter_id`` (default: the user) on an open motion.

    A proxy holder casts for the member who authorised them. A secret ballot is changed only with
    the receipt code shown when it was cast.
    """
    for attempt in range(2):
        try:
            return _cast(session, user, motion_id, choice, reason, voter_id, receipt)
        except IntegrityError:
            session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _cast(
    session: Session,
    user: User,
    motion_id: int,
    choice: Any,
    reason: str,
    voter_id: int | None,
    receipt: str | None,
) -> CastResult:
    if as_user(user) is None:
        raise PermissionDenied("sign in to vote")
    motion = _locked_motion(session, user, motion_id)
    voter = user.id if voter_id is None else voter_id
    cast_by: int | None = None
    if voter != user.id:
        proxy = session.scalar(select(Proxy).where(Proxy.motion_id == motion.id, Proxy.grantor_id == voter))
        if proxy is None or proxy.holder_id != user.id:
            raise BallotRefused("no_proxy", 403)
        cast_by = user.id
    eligible, party = _snapshot_party(session, motion.id, voter)
    if not eligible:
        raise BallotRefused("not_eligible", 403)
    stored, reason = check_choice(motion, party, choice, reason)
    if motion.secret:
        return _cast_secret(session, user, motion, voter, cast_by, party, stored, reason, receipt)
    existing = session.scalar(select(Ballot).where(Ballot.motion_id == motion.id, Ballot.voter_id == voter))
    details = {"motion_id": motion.id, "voter_id": voter, "choice": stored, "cast_by": cast_by}
    if existing is not None:
        if cast_by is not None and existing.cast_by_id is None:
            raise BallotRefused("cast_by_voter")  # the member voted themselves since: a state conflict
        existing.choice = stored
        existing.reason = reason
        existing.cast_by_id = cast_by
        existing.changed_at = utcnow()
        if reason:
            details["reason"] = reason
        audit.record(
            session, actor_id=user.id, action="ballot.changed", object_type="ballot", object_id=existing.id,
            details=details,
        )  # fmt: skip
        session.commit()
        return CastResult(motion, changed=True)
    ballot = Ballot(
        motion_id=motion.id, voter_id=voter, cast_by_id=cast_by, party=party, choice=stored, reason=reason
    )
    session.add(ballot)
    session.flush()  # the unique constraint speaks here
    if reason:
        details["reason"] = reason
    audit.record(
        session, actor_id=user.id, action="ballot.cast", object_type="ballot", object_id=ballot.id,
        details=details,
    )  # fmt: skip
    session.commit()
    return CastResult(motion, changed=False)


def _cast_secret(
    session: Session,
    user: User,
    motion: Motion,
    voter: int,
    cast_by: int | None,
    party: str | None,
    choice: Any,
    reason: str,
    receipt: str | None,
) -> CastResult:
    participated = session.scalar(
        select(Participation.id).where(Participation.motion_id == motion.id, Participation.voter_id == voter)
    )
    if participated is not None:
        if not receipt:
            raise BallotRefused("receipt_required")
        ballot = session.scalar(
            select(SecretBallot).where(
                SecretBallot.motion_id == motion.id, SecretBallot.receipt_hash == receipt_hash(receipt)
            )
        )
        if ballot is None:
            raise InvalidInput("wrong receipt", field_errors={"receipt": ["wrong_receipt"]})
        ballot.choice = choice
        ballot.reason = reason
        audit.record(
            session, actor_id=user.id, action="ballot.participated", object_type="motion",
            object_id=motion.id, details={"motion_id": motion.id},
        )  # fmt: skip
        session.commit()
        return CastResult(motion, changed=True)
    code = new_receipt()
    session.add(Participation(motion_id=motion.id, voter_id=voter, cast_by_id=cast_by))
    session.add(
        SecretBallot(
            id=secrets.token_hex(16),
            motion_id=motion.id,
            receipt_hash=receipt_hash(code),
            party=party,
            choice=choice,
            reason=reason,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise BallotRefused("receipt_required") from None
    audit.record(
        session, actor_id=user.id, action="ballot.participated", object_type="motion", object_id=motion.id,
        details={"motion_id": motion.id},
    )  # fmt: skip
    session.commit()
    return CastResult(motion, changed=False, receipt=code)


# --- reading one's own ballot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotPanel:
    """What the ballot form needs for one user: for whom they may vote and what they chose."""

    motion: Motion
    may_vote_self: bool
    own_ballot: Ballot | None
    own_participated: bool
    proxy_for: list[tuple[User, Ballot | None, bool]]  # grantor, their open ballot, participated (secret)


def ballot_panel(session: Session, user: Any, motion: Motion) -> BallotPanel:
    user = as_user(user)
    if user is None or motion.state == MotionState.DRAFT:
        return BallotPanel(motion, False, None, False, [])
    may_vote_self, _party = _snapshot_party(session, motion.id, user.id)
    grantors = list(
        session.scalars(
            select(User)
            .join(Proxy, Proxy.grantor_id == User.id)
            .where(Proxy.motion_id == motion.id, Proxy.holder_id == user.id)
        )
    )
    grantors = [grantor for grantor in grantors if _snapshot_party(session, motion.id, grantor.id)[0]]
    voters = [user.id, *(grantor.id for grantor in grantors)]
    open_ballots: dict[int, Ballot] = {}
    participated: set[int] = set()
    if motion.secret:
        participated = set(
            session.scalars(
                select(Participation.voter_id).where(
                    Participation.motion_id == motion.id, Participation.voter_id.in_(voters)
                )
            )
        )
    else:
        for ballot in session.scalars(
            select(Ballot).where(Ballot.motion_id == motion.id, Ballot.voter_id.in_(voters))
        ):
            open_ballots[ballot.voter_id] = ballot
    return BallotPanel(
        motion,
        may_vote_self,
        open_ballots.get(user.id),
        user.id in participated,
        [(grantor, open_ballots.get(grantor.id), grantor.id in participated) for grantor in grantors],
    )


# --- proxies -------------------------------------------------------------------------------------------


def _membership(session: Session, space_id: int, user_id: int) -> SpaceMembership | None:
    return session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space_id,
            SpaceMembership.user_id == user_id,
            SpaceMembership.status == MembershipStatus.ACTIVE,
        )
    )


def _may_vote_on(motion: Motion, membership: SpaceMembership | None) -> bool:
    if membership is None or membership.party is None:
        return False
    if membership.role not in (motion.eligible_roles or VOTING_ROLES):
        return False
    return not motion.eligible_parties or membership.party in motion.eligible_parties


def proxy_candidates(session: Session, user: Any, motion: Motion) -> list[User]:
    """Members the user could authorise: same party, eligible, holding and granting no proxy."""
    user = as_user(user)
    if user is None:
        return []
    own = _membership(session, motion.space_id, user.id)
    if not _may_vote_on(motion, own):
        return []
    busy = set()
    for proxy in session.scalars(select(Proxy).where(Proxy.motion_id == motion.id)):
        busy.update((proxy.grantor_id, proxy.holder_id))
    members = session.scalars(
        select(SpaceMembership).where(
            SpaceMembership.space_id == motion.space_id,
            SpaceMembership.status == MembershipStatus.ACTIVE,
            SpaceMembership.party == own.party,
            SpaceMembership.user_id != user.id,
        )
    )
    return sorted(
        (m.user for m in members if _may_vote_on(motion, m) and m.user_id not in busy),
        key=lambda person: person.public_name.casefold(),
    )


def grant_proxy(session: Session, user: User, motion_id: int, holder_id: int) -> Proxy:
    motion, _actor, _context = load(session, user, motion_id, MotionPermission.GRANT_PROXY, lock=True)
    grantor = _membership(session, motion.space_id, user.id)
    holder = _membership(session, motion.space_id, holder_id)
    if not _may_vote_on(motion, grantor):
        raise BallotRefused("not_eligible", 403)
    if holder_id == user.id:
        raise InvalidInput("proxy for self", field_errors={"holder_id": ["proxy_for_self"]})
    if holder is None or not _may_vote_on(motion, holder) or holder.party != grantor.party:
        raise InvalidInput("holder not eligible", field_errors={"holder_id": ["proxy_other_party"]})
    proxies = list(session.scalars(select(Proxy).where(Proxy.motion_id == motion.id)))
    if any(proxy.grantor_id == user.id for proxy in proxies):
        raise InvalidInput("already granted", field_errors={"holder_id": ["already_granted"]})
    if any(proxy.holder_id == user.id for proxy in proxies):
        raise InvalidInput("holds a proxy", field_errors={"holder_id": ["holds_proxy"]})
    if any(holder_id in (proxy.holder_id, proxy.grantor_id) for proxy in proxies):
        raise InvalidInput("holder busy", field_errors={"holder_id": ["proxy_holds_several"]})
    proxy = Proxy(motion_id=motion.id, grantor_id=user.id, holder_id=holder_id, party=grantor.party)
    session.add(proxy)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise InvalidInput("holder busy", field_errors={"holder_id": ["proxy_holds_several"]}) from None
    audit.record(
        session, actor_id=user.id, action="proxy.granted", object_type="motion", object_id=motion.id,
        details={
            "motion_id": motion.id, "grantor_id": user.id, "holder_id": holder_id, "party": grantor.party,
        },
    )  # fmt: skip
    session.commit()
    return proxy


def revoke_proxy(session: Session, user: User, motion_id: int) -> None:
    """Withdraw one's proxy: before the motion opens, or while it is open and no vote was cast for one."""
    motion, _actor, _context = load(session, user, motion_id, MotionPermission.VIEW, lock=True)
    proxy = session.scalar(select(Proxy).where(Proxy.motion_id == motion.id, Proxy.grantor_id == user.id))
    if proxy is None:
        raise NotFound("proxy not found")
    if motion.state not in (MotionState.DRAFT, MotionState.OPEN):
        raise BallotRefused("closed")
    table = Participation if motion.secret else Ballot
    voted = session.scalar(select(table.id).where(table.motion_id == motion.id, table.voter_id == user.id))
    if voted is not None:
        raise BallotRefused("already_voted")
    session.delete(proxy)
    audit.record(
        session, actor_id=user.id, action="proxy.revoked", object_type="motion", object_id=motion.id,
        details={"motion_id": motion.id, "grantor_id": user.id, "holder_id": proxy.holder_id},
    )  # fmt: skip
    session.commit()


def proxies_of(session: Session, motion: Motion) -> list[Proxy]:
    return list(session.scalars(select(Proxy).where(Proxy.motion_id == motion.id).order_by(Proxy.id)))


# --- my votes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyVote:
    motion: Motion
    choice: Any  # None for a secret ballot: the platform does not know it
    cast_by: User | None
    cast_at: datetime | None


def my_votes(session: Session, user: User) -> list[MyVote]:
    """The motions on which a vote was cast for the user (a fixed number of queries)."""
    from sqlalchemy.orm import joinedload, selectinload

    votes: list[MyVote] = []
    rows = session.execute(
        select(Ballot, Motion)
        .join(Motion, Motion.id == Ballot.motion_id)
        .where(Ballot.voter_id == user.id)
        .options(joinedload(Ballot.cast_by), selectinload(Motion.options))
    )
    for ballot, motion in rows:
        votes.append(MyVote(motion, ballot.choice, ballot.cast_by, ballot.changed_at or ballot.cast_at))
    secret = session.execute(
        select(Participation, Motion)
        .join(Motion, Motion.id == Participation.motion_id)
        .where(Participation.voter_id == user.id)
        .options(selectinload(Motion.options))
    ).all()
    holders = {row[0].cast_by_id for row in secret if row[0].cast_by_id}
    by_id = {person.id: person for person in session.scalars(select(User).where(User.id.in_(holders)))}
    for participation, motion in secret:
        votes.append(MyVote(motion, None, by_id.get(participation.cast_by_id), None))
    votes.sort(key=lambda vote: vote.motion.id, reverse=True)
    return votes

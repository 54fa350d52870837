"""Many voters casting and changing ballots at once on PostgreSQL: nothing is lost or duplicated, no
request fails, and the audit chain stays intact. (SQLite serialises every write: skipped there.)"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import AuditEntry, verify_chain
from core.extensions import db
from decisions.models import Ballot, Participation, SecretBallot
from decisions.services import ballots, motions
from decisions.services.ballots import BallotRefused
from governance.models import User
from tests.decisions_data import make_voters, open_motion

THREADS = 12


@pytest.fixture
def voters(session, make_user, space_by_code):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("concurrency needs PostgreSQL's row locks")
    return make_voters(session, make_user, space_by_code, beneficiary=12, carrier=12)


def _in_own_session(app, work):
    """Each call in its own application context, so with its own database session and connection."""

    def run(*args):
        with app.app_context():
            try:
                return work(db.session, *args)
            finally:
                db.session.rollback()
                db.session.remove()

    return run


def test_racing_first_ballots_and_changes_leave_exactly_one_ballot_per_voter(app, session, voters) -> None:
    motion = open_motion(session, voters, method="simple_majority")
    ids = [user.id for user in voters.members]

    def cast(own: Session, user_id: int, choice: str) -> bool:
        return ballots.cast_ballot(own, own.get(User, user_id), motion.id, choice=choice).changed

    run = _in_own_session(app, cast)
    with ThreadPoolExecutor(THREADS) as pool:
        # Three first ballots of every voter race each other: one is cast, the others are changes.
        first = list(pool.map(run, [i for i in ids for _ in range(3)], ["no"] * (3 * len(ids))))
        final = {user_id: ("yes" if n % 3 else "abstain") for n, user_id in enumerate(ids)}
        later = [(user_id, choice) for user_id, choice in final.items() for _ in range(4)]
        changed = list(pool.map(run, [u for u, _ in later], [c for _, c in later]))
    assert first.count(False) == len(ids) and all(changed)
    session.expire_all()
    assert session.scalar(select(func.count(Ballot.id)).where(Ballot.motion_id == motion.id)) == len(ids)
    stored = dict(
        session.execute(select(Ballot.voter_id, Ballot.choice).where(Ballot.motion_id == motion.id)).all()
    )
    assert stored == final
    actions = Counter(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.in_(("ballot.cast", "ballot.changed")))
        )
    )
    assert actions == {"ballot.cast": len(ids), "ballot.changed": 2 * len(ids) + 4 * len(ids)}
    closed = motions.close_motion(session, voters.facilitator, motion.id)
    expected = Counter(final.values())
    assert closed.result["detail"]["counts"] == {key: expected[key] for key in ("yes", "no", "abstain")}
    assert verify_chain(session).broken is None


def test_racing_first_secret_ballots_give_one_receipt_and_clear_refusals(app, session, voters) -> None:
    motion = open_motion(session, voters, secret=True)
    ids = [user.id for user in voters.members]

    def cast(own: Session, user_id: int) -> str:
        try:
            return ballots.cast_ballot(own, own.get(User, user_id), motion.id, choice="yes").receipt or "?"
        except BallotRefused as refused:
            return refused.code

    run = _in_own_session(app, cast)
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(run, [i for i in ids for _ in range(3)]))
    assert answers.count("receipt_required") == 2 * len(ids)
    assert len({answer for answer in answers if answer != "receipt_required"}) == len(ids)
    session.expire_all()
    assert session.scalar(
        select(func.count(Participation.id)).where(Participation.motion_id == motion.id)
    ) == len(ids)
    assert session.scalar(
        select(func.count(SecretBallot.id)).where(SecretBallot.motion_id == motion.id)
    ) == len(ids)
    assert verify_chain(session).broken is None


def test_closing_while_ballots_are_cast_counts_every_accepted_ballot(app, session, voters) -> None:
    motion = open_motion(session, voters)
    ids = [user.id for user in voters.members]

    def cast(own, user_id: int) -> str:
        try:
            ballots.cast_ballot(own, own.get(User, user_id), motion.id, choice="yes")
        except BallotRefused as refused:
            return refused.code
        return "accepted"

    def close(own, _ignored: int) -> str:
        motions.close_motion(own, own.get(User, voters.facilitator.id), motion.id)
        return "closed it"

    run_cast, run_close = _in_own_session(app, cast), _in_own_session(app, close)
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(run_cast, user_id) for user_id in ids[: len(ids) // 2]]
        futures.append(pool.submit(run_close, 0))
        futures += [pool.submit(run_cast, user_id) for user_id in ids[len(ids) // 2 :]]
        answers = [future.result() for future in futures]
    assert set(answers) <= {"accepted", "closed", "closed it"}
    session.expire_all()
    stored = session.scalar(select(func.count(Ballot.id)).where(Ballot.motion_id == motion.id))
    closed = session.get(type(motion), motion.id)
    assert stored == answers.count("accepted") == closed.result["turnout"]["cast"]
    assert closed.result["detail"]["counts"]["yes"] == stored

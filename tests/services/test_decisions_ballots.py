"""Proxies and secret ballots through the database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.audit import AuditEntry, verify_chain
from core.errors import InvalidInput
from decisions.models import Participation, SecretBallot
from decisions.recount import ballots_digest, recount
from decisions.services import ballots, motions, records
from decisions.services.ballots import BallotRefused
from tests.decisions_data import make_voters, motion_input


@pytest.fixture
def voters(session, make_user, space_by_code):
    return make_voters(session, make_user, space_by_code, beneficiary=3, carrier=2)


def draft(session, voters, **values):
    return motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input(**values)
    )


def test_a_proxy_votes_for_a_member_of_the_same_party_and_the_record_says_so(session, voters) -> None:
    grantor, holder = voters.of("beneficiary"), voters.of("beneficiary", 1)
    motion = draft(session, voters)
    with pytest.raises(InvalidInput) as error:
        ballots.grant_proxy(session, grantor, motion.id, voters.of("carrier").id)
    assert error.value.field_errors == {"holder_id": ["proxy_other_party"]}
    assert holder in ballots.proxy_candidates(session, grantor, motion)
    ballots.grant_proxy(session, grantor, motion.id, holder.id)
    # A holder holds at most one proxy.
    with pytest.raises(InvalidInput) as error:
        ballots.grant_proxy(session, voters.of("beneficiary", 2), motion.id, holder.id)
    assert error.value.field_errors == {"holder_id": ["proxy_holds_several"]}
    motions.open_motion(session, voters.facilitator, motion.id)
    # Proxies are granted only before a motion opens.
    with pytest.raises(Exception):  # noqa: B017 - the permission refusal
        ballots.grant_proxy(session, voters.of("carrier"), motion.id, voters.of("carrier", 1).id)
    ballots.cast_ballot(session, holder, motion.id, choice="yes", voter_id=grantor.id)
    ballots.cast_ballot(session, holder, motion.id, choice="no")
    # Revocable only until the vote is cast.
    with pytest.raises(BallotRefused) as refused:
        ballots.revoke_proxy(session, grantor, motion.id)
    assert refused.value.code == "already_voted"
    # The member may still change what their proxy cast; then the proxy may not change it back.
    ballots.cast_ballot(session, grantor, motion.id, choice="abstain")
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, holder, motion.id, choice="yes", voter_id=grantor.id)
    assert refused.value.code == "cast_by_voter"
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.result["detail"]["counts"] == {"yes": 0, "no": 1, "abstain": 1}
    cast = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "ballot.cast").order_by(AuditEntry.id)
    ).all()
    assert cast[0].details == {
        "motion_id": motion.id,
        "voter_id": grantor.id,
        "choice": "yes",
        "cast_by": holder.id,
    }


def test_a_proxy_vote_counts_as_such_in_the_result(session, voters) -> None:
    grantor, holder = voters.of("carrier"), voters.of("carrier", 1)
    motion = draft(session, voters)
    ballots.grant_proxy(session, grantor, motion.id, holder.id)
    motions.open_motion(session, voters.facilitator, motion.id)
    ballots.cast_ballot(session, holder, motion.id, choice="yes", voter_id=grantor.id)
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.result["turnout"]["by_proxy"] == 1


def test_a_proxy_can_be_revoked_before_the_vote(session, voters) -> None:
    grantor, holder = voters.of("carrier"), voters.of("carrier", 1)
    motion = draft(session, voters)
    ballots.grant_proxy(session, grantor, motion.id, holder.id)
    ballots.revoke_proxy(session, grantor, motion.id)
    motions.open_motion(session, voters.facilitator, motion.id)
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, holder, motion.id, choice="yes", voter_id=grantor.id)
    assert refused.value.code == "no_proxy"


def test_secret_ballots_keep_who_voted_apart_from_what(session, voters) -> None:
    motion = draft(session, voters, secret=True, method="consent")
    motions.open_motion(session, voters.facilitator, motion.id)
    receipts = {}
    for user, choice in zip(
        voters.members, ["agree", "agree", "stand_aside", "agree", "object"], strict=True
    ):
        reason = "Zu teuer" if choice == "object" else ""
        result = ballots.cast_ballot(session, user, motion.id, choice=choice, reason=reason)
        assert result.receipt and not result.changed
        receipts[user.id] = result.receipt
    # A second ballot needs the receipt code; with it, the ballot changes.
    objector = voters.members[-1]
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, objector, motion.id, choice="agree")
    assert refused.value.code == "receipt_required"
    with pytest.raises(InvalidInput):
        ballots.cast_ballot(session, objector, motion.id, choice="agree", receipt="AAAA-BBBB-CCCC-DDDD-EEEE")
    changed = ballots.cast_ballot(
        session, objector, motion.id, choice="agree", receipt=receipts[objector.id].lower()
    )
    assert changed.changed and changed.receipt is None
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "accepted"
    # Nothing links a participation to a ballot: no user, no time, a random key.
    assert {column.name for column in SecretBallot.__table__.columns} == {
        "id", "motion_id", "receipt_hash", "party", "choice", "reason",
    }  # fmt: skip
    assert session.query(Participation).count() == 5
    # Every voter finds their ballot in the published list by receipt.
    export = records.export_ballots(session, None, motion.id)
    published = {ballot["voter"] for ballot in export["ballots"]}
    assert {ballots.receipt_hash(code) for code in receipts.values()} == published
    assert [ballot["voter"] for ballot in export["ballots"]] == sorted(published)
    text = json.dumps(export)
    for user in voters.members:
        assert f'"{user.id}"' not in text and user.public_name not in text
    # The audit log never holds a secret choice; the sealed digest covers the published ballots.
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == "ballot.participated")):
        assert entry.details == {"motion_id": motion.id}
    sealed = session.scalars(select(AuditEntry).where(AuditEntry.action == "motion.ballots_sealed")).one()
    assert sealed.details["digest"] == ballots_digest(export["ballots"]) == export["ballots_digest"]
    assert json.dumps(recount(export).to_dict(), sort_keys=True) == json.dumps(motion.result, sort_keys=True)
    assert verify_chain(session).broken is None


def test_the_motion_page_shows_who_took_part_in_a_secret_ballot_but_not_their_choice(session, voters) -> None:
    with pytest.raises(InvalidInput) as error:
        draft(session, voters, secret=True, interim_results=True)
    assert error.value.field_errors == {"interim_results": ["not_with_secret"]}
    motion = draft(session, voters, secret=True)
    motions.open_motion(session, voters.facilitator, motion.id)
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    page = records.motion_page(session, voters.admin, motion.id)
    assert [voter.id for voter, _ in page.participants] == [voters.of("carrier").id]
    assert page.choices == [] and page.result is None


def test_interim_results_only_when_the_motion_allows_them(session, voters) -> None:
    motion = draft(session, voters)
    motions.open_motion(session, voters.facilitator, motion.id)
    assert records.motion_page(session, voters.of("carrier"), motion.id).result is None
    other = draft(session, voters, interim_results=True)
    motions.open_motion(session, voters.facilitator, other.id)
    assert records.motion_page(session, voters.of("carrier"), other.id).result is not None
    assert records.motion_page(session, None, other.id).result is None  # members only while open


def test_my_votes_lists_open_and_secret_ballots(session, voters) -> None:
    voter = voters.of("carrier")
    first = draft(session, voters)
    motions.open_motion(session, voters.facilitator, first.id)
    ballots.cast_ballot(session, voter, first.id, choice="no")
    second = draft(session, voters, secret=True)
    motions.open_motion(session, voters.facilitator, second.id)
    ballots.cast_ballot(session, voter, second.id, choice="yes")
    votes = ballots.my_votes(session, voter)
    assert [(vote.motion.id, vote.choice) for vote in votes] == [(second.id, None), (first.id, "no")]

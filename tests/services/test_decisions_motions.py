"""Motions through the database: drafts, the electorate snapshot, every method, closing and results."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.audit import AuditEntry, verify_chain
from core.errors import InvalidInput, NotFound, PermissionDenied
from decisions.models import ElectorateMember
from decisions.recount import recount
from decisions.services import ballots, motions, records
from decisions.services.ballots import BallotRefused
from decisions.services.motions import OptionInput
from governance.models import SpaceMembership
from tests.decisions_data import make_voters, motion_input, open_motion


@pytest.fixture
def voters(session, make_user, space_by_code):
    return make_voters(session, make_user, space_by_code, beneficiary=3, carrier=2)


def audit_actions(session, motion_id=None) -> list[str]:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [entry.action for entry in entries if entry.action.startswith(("motion.", "ballot.", "proxy."))]


def test_a_facilitator_drafts_opens_and_closes_a_simple_majority_motion(session, voters) -> None:
    motion = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input()
    )
    assert motion.state == "draft"
    motion = motions.open_motion(session, voters.facilitator, motion.id)
    assert motion.state == "open"
    assert motions.electorate_counts(session, motion) == {"beneficiary": 3, "carrier": 2, "none": 1}
    # Someone joining after the motion opened is not in the electorate.
    newcomer = session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == voters.observer.id))
    newcomer.role, newcomer.party = "member", "carrier"
    session.commit()
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, voters.observer, motion.id, choice="yes")
    assert refused.value.code == "not_eligible"
    for user, choice in zip(voters.members, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        ballots.cast_ballot(session, user, motion.id, choice=choice)
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "accepted"
    assert motion.result["detail"]["counts"] == {"yes": 3, "no": 1, "abstain": 1}
    actions = audit_actions(session)
    assert actions[:2] == ["motion.created", "motion.opened"]
    assert actions.count("ballot.cast") == 5 and actions[-1] == "motion.closed"
    closed = session.scalars(select(AuditEntry).where(AuditEntry.action == "motion.closed")).one()
    assert closed.details["outcome"] == "accepted" and closed.details["space_id"] == voters.space.id
    assert verify_chain(session).broken is None


def test_a_second_ballot_is_a_change_and_voting_after_close_is_refused(session, voters) -> None:
    motion = open_motion(session, voters)
    voter = voters.of("beneficiary")
    assert not ballots.cast_ballot(session, voter, motion.id, choice="no").changed
    assert ballots.cast_ballot(session, voter, motion.id, choice="yes").changed
    motions.close_motion(session, voters.facilitator, motion.id)
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, voter, motion.id, choice="no")
    assert refused.value.code == "closed"
    motion = session.get(type(motion), motion.id)
    assert motion.result["detail"]["counts"]["yes"] == 1
    assert [a for a in audit_actions(session) if a.startswith("ballot.")] == ["ballot.cast", "ballot.changed"]


def test_nobody_votes_for_someone_else_without_a_proxy(session, voters) -> None:
    motion = open_motion(session, voters)
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(
            session,
            voters.of("beneficiary", 1),
            motion.id,
            choice="yes",
            voter_id=voters.of("beneficiary").id,
        )
    assert refused.value.code == "no_proxy"


def test_invalid_choices_are_refused_with_the_tally_engines_codes(session, voters) -> None:
    motion = open_motion(session, voters, method="consent")
    with pytest.raises(InvalidInput) as error:
        ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="object", reason="  ")
    assert error.value.field_errors == {"reason": ["objection_without_reason"]}
    with pytest.raises(InvalidInput) as error:
        ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    assert error.value.field_errors == {"choice": ["unknown_choice"]}


def test_consent_is_blocked_by_one_objection_and_shows_its_reason(session, voters) -> None:
    motion = open_motion(session, voters, method="consent")
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="object", reason="Kein Budget")
    for user in voters.by_party["beneficiary"]:
        ballots.cast_ballot(session, user, motion.id, choice="agree")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "blocked"
    assert motion.result["detail"]["objections"] == [
        {"party": "carrier", "reason": "Kein Budget", "by_proxy": False}
    ]


def test_approval_by_every_party_names_the_party_that_withheld_it(session, voters) -> None:
    motion = open_motion(
        session, voters, method="every_party", parameters={"parties": ["beneficiary", "carrier"]}
    )
    for user in voters.by_party["beneficiary"]:
        ballots.cast_ballot(session, user, motion.id, choice="yes")
    for user in voters.by_party["carrier"]:
        ballots.cast_ballot(session, user, motion.id, choice="no")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "rejected"
    assert motion.result["detail"]["withheld"] == ["carrier"]


def test_qualified_majority_of_the_electorate_and_a_missed_quorum(session, voters) -> None:
    motion = open_motion(
        session, voters, method="qualified_majority",
        parameters={"threshold": {"fraction": "2/3", "base": "electorate"}, "quorum": {"overall": "1/2"}},
    )  # fmt: skip
    ballots.cast_ballot(session, voters.of("beneficiary"), motion.id, choice="yes")
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "not_decided_quorum_missed"
    assert motion.result["quorum"][0]["needed"] == 3


def test_ranked_choice_with_keep_the_current_text_and_approval_voting(session, voters) -> None:
    options = [
        OptionInput("Variante A"),
        OptionInput("Variante B"),
        OptionInput("Keep the current text", keeps_current_text=True),
    ]
    motion = open_motion(session, voters, kind="choose_alternative", method="ranked_choice", options=options)
    assert [option.key for option in motion.options] == ["o1", "o2", "keep"]
    rankings = [["o2", "o1", "keep"], ["o2", "keep"], ["o1", "o2"], [["o2", "o1"], "keep"], ["o2"]]
    for user, ranking in zip(voters.members, rankings, strict=True):
        ballots.cast_ballot(session, user, motion.id, choice=ranking)
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "decided"
    assert motion.result["detail"]["winners"] == ["o2"]
    assert len(motion.result["detail"]["pairwise"]) == 3

    approval = open_motion(
        session, voters, kind="choose_alternative", method="approval_voting", options=["A", "B"]
    )
    ballots.cast_ballot(session, voters.of("carrier"), approval.id, choice=["o2", "o1"])
    ballots.cast_ballot(session, voters.of("beneficiary"), approval.id, choice=["o1"])
    with pytest.raises(InvalidInput):
        ballots.cast_ballot(session, voters.of("beneficiary", 1), approval.id, choice=["o9"])
    approval = motions.close_motion(session, voters.facilitator, approval.id)
    assert approval.result["detail"]["approvals"] == {"o1": 2, "o2": 1}


def test_drafts_are_validated_and_hidden_from_outsiders(session, voters) -> None:
    with pytest.raises(InvalidInput) as error:
        motions.create_motion(
            session, voters.facilitator, space_id=voters.space.id,
            values=motion_input(
                title=" ", method="qualified_majority", parameters={"threshold": {"fraction": "3/2"}}
            ),
        )  # fmt: skip
    assert error.value.field_errors == {"title": ["required"], "threshold": ["fraction_out_of_range"]}
    with pytest.raises(InvalidInput) as error:
        motions.create_motion(
            session, voters.facilitator, space_id=voters.space.id,
            values=motion_input(kind="choose_alternative", method="ranked_choice", options=["Nur eine"]),
        )  # fmt: skip
    assert error.value.field_errors == {"options": ["too_few_options"]}
    with pytest.raises(PermissionDenied):
        motions.create_motion(session, voters.of("carrier"), space_id=voters.space.id, values=motion_input())
    motion = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input()
    )
    with pytest.raises(NotFound):
        motions.load(session, voters.outsider, motion.id, motions.MotionPermission.VIEW)
    with pytest.raises(PermissionDenied):
        motions.update_motion(session, voters.of("carrier"), motion.id, motion_input(title="Neuer Titel"))
    updated = motions.update_motion(session, voters.facilitator, motion.id, motion_input(title="Neuer Titel"))
    assert updated.title == "Neuer Titel"


def test_eligible_parties_and_roles_fix_the_electorate(session, voters) -> None:
    motion = open_motion(session, voters, eligible_parties=["carrier"], eligible_roles=["member"])
    snapshot = session.scalars(
        select(ElectorateMember.user_id).where(ElectorateMember.motion_id == motion.id)
    )
    assert sorted(snapshot) == sorted(user.id for user in voters.by_party["carrier"])


def test_cancelled_motions_take_no_ballots(session, voters) -> None:
    motion = open_motion(session, voters)
    motions.cancel_motion(session, voters.facilitator, motion.id)
    with pytest.raises(BallotRefused):
        ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    assert "motion.cancelled" in audit_actions(session)


def test_motions_close_by_themselves_when_their_time_has_passed(session, voters) -> None:
    from datetime import timedelta

    from core.timeutil import utcnow

    motion = open_motion(session, voters)
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    motion.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()
    with pytest.raises(BallotRefused) as refused:
        ballots.cast_ballot(session, voters.of("beneficiary"), motion.id, choice="no")
    assert refused.value.code == "closed"
    motion = session.get(type(motion), motion.id)
    assert motion.state == "closed" and motion.outcome == "accepted"


def test_the_recount_of_the_export_equals_the_stored_result(session, voters, tmp_path, capsys) -> None:
    from decisions.recount import main

    motion = open_motion(
        session, voters, method="every_party", parameters={"parties": ["beneficiary", "carrier"]}
    )
    for user, choice in zip(voters.members, ["yes", "no", "yes", "yes", "abstain"], strict=True):
        ballots.cast_ballot(session, user, motion.id, choice=choice)
    motions.close_motion(session, voters.facilitator, motion.id)
    for viewer in (voters.of("carrier"), None):
        export = records.export_ballots(session, viewer, motion.id)
        assert json.dumps(recount(export).to_dict(), sort_keys=True) == json.dumps(
            export["result"], sort_keys=True
        )
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    assert main([str(path)]) == 0
    assert "matches the published result" in capsys.readouterr().out
    # Anonymous readers get pseudonyms, never user ids.
    assert {ballot["voter"] for ballot in export["ballots"]} == {f"voter-{n}" for n in range(1, 6)}


def test_the_close_motions_command_closes_what_is_due_for_cron(app, session, voters) -> None:
    from datetime import timedelta

    from core.timeutil import utcnow

    due = open_motion(session, voters)
    later = open_motion(session, voters, closes_at=utcnow() + timedelta(days=1))
    scheduled = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input()
    )
    due.closes_at = utcnow() - timedelta(seconds=1)
    scheduled.opens_at = utcnow() - timedelta(seconds=1)
    session.commit()
    result = app.test_cli_runner().invoke(args=["close-motions"])
    assert result.exit_code == 0 and "2 motions opened or closed." in result.output
    session.expire_all()
    assert (due.state, later.state, scheduled.state) == ("closed", "open", "open")

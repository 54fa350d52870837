"""Amendments: a member proposes, the facilitator accepts (clean, three-way, with a conflict) or rejects,
the next version lists what it merged; and the decisions feature's functions for votes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agreements.services import versions
from amendments.models import Amendment
from amendments.services import amendments, publishing, workflow
from amendments.services.amendments import Outcome
from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.amendments_data import MEETINGS, draft_section, edit_draft, negotiated_agreement, propose_change

WEEKLY = "Der Runde Tisch trifft sich wöchentlich im Bürgerhaus."


@pytest.fixture
def setting(session, make_user, space_by_code):
    return negotiated_agreement(session, make_user, space_by_code)


def entries(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def test_a_member_proposes_a_change_numbered_per_agreement(session, setting) -> None:
    first = propose_change(session, setting, WEEKLY)
    second = propose_change(session, setting, "Der Runde Tisch trifft sich jede Woche.")
    assert (first.number, second.number) == (1, 2)
    assert first.status == "open" and first.party == "beneficiary"
    assert first.base_version.number == 1
    proposed = entries(session, "amendment.proposed")[0]
    assert proposed.object_type == "amendment" and proposed.object_id == str(first.id)
    assert proposed.details["document_id"] == setting.agreement.id
    assert proposed.details["space_id"] == setting.people.space.id
    assert proposed.details["author_id"] == setting.people.member.id
    assert proposed.details["number"] == 1
    assert proposed.details["version_id"] == first.base_version_id


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_observers_and_outsiders_cannot_propose(session, setting, role) -> None:
    with pytest.raises(PermissionDenied):
        propose_change(session, setting, WEEKLY, user=setting.people.role(role))


def test_a_proposal_without_rationale_or_change_is_refused_with_field_codes(session, setting) -> None:
    with pytest.raises(InvalidInput) as refused:
        amendments.propose(
            session, setting.people.member, setting.agreement.id, kind="change",
            section_key=setting.rule_key, title="Treffen", body=MEETINGS, rationale=" ",
        )  # fmt: skip
    assert refused.value.field_errors == {"rationale": ["required"]}
    with pytest.raises(InvalidInput) as unchanged:
        amendments.propose(
            session, setting.people.member, setting.agreement.id, kind="change",
            section_key=setting.rule_key, title="Treffen", body=MEETINGS, rationale="Weil.",
        )  # fmt: skip
    assert unchanged.value.field_errors == {"body": ["unchanged"]}
    with pytest.raises(InvalidInput):
        amendments.propose(
            session, setting.people.member, setting.agreement.id, kind="change",
            section_key=setting.rule_key, title="T", body="x", rationale="Weil.", base_version_number=7,
        )  # fmt: skip


def test_the_author_withdraws_an_open_amendment_but_nobody_else(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    with pytest.raises(PermissionDenied):
        amendments.withdraw(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    amendments.withdraw(session, setting.people.member, setting.agreement.id, amendment.number)
    assert amendment.status == "withdrawn"
    assert entries(session, "amendment.withdrawn")[0].details["number"] == 1
    with pytest.raises(PermissionDenied):
        amendments.withdraw(session, setting.people.member, setting.agreement.id, amendment.number)


def test_accepting_applies_the_text_when_the_draft_still_reads_as_the_base(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    with pytest.raises(PermissionDenied):
        amendments.accept(session, setting.people.member, setting.agreement.id, amendment.number)
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert outcome == Outcome.MERGED
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == WEEKLY
    assert amendment.status == "merged" and amendment.merged_at is not None
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))][-3:] == [
        "amendment.accepted",
        "draft.section_changed",
        "amendment.merged",
    ]


def test_accepting_merges_three_ways_when_the_draft_moved_on_elsewhere(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("Bürgerhaus", "Nachbarschaftshaus"))
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert outcome == Outcome.MERGED
    merged = draft_section(session, setting.agreement.id, setting.rule_key).body
    assert merged == "Der Runde Tisch trifft sich wöchentlich im Nachbarschaftshaus."


def test_a_conflict_changes_nothing_until_the_facilitator_resolves_it(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert outcome == Outcome.NEEDS_RESOLUTION
    session.refresh(amendment)
    assert amendment.status == "open"
    section = draft_section(session, setting.agreement.id, setting.rule_key)
    assert "vierteljährlich" in section.body
    with pytest.raises(InvalidInput):
        amendments.resolve(
            session, setting.people.facilitator, setting.agreement.id, amendment.number,
            draft_revision=section.revision, choices={},
        )  # fmt: skip
    with pytest.raises(Conflict):
        amendments.resolve(
            session, setting.people.facilitator, setting.agreement.id, amendment.number,
            draft_revision=section.revision - 1, choices={"body": ["alle zwei Wochen"]},
        )  # fmt: skip
    outcome = amendments.resolve(
        session, setting.people.facilitator, setting.agreement.id, amendment.number,
        draft_revision=section.revision, choices={"body": ["alle zwei Wochen"]},
    )  # fmt: skip
    assert outcome == Outcome.MERGED
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == (
        "Der Runde Tisch trifft sich alle zwei Wochen im Bürgerhaus."
    )
    session.refresh(amendment)
    assert amendment.status == "merged"


def test_rejecting_needs_a_facilitator_and_keeps_the_draft(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    amendments.reject(
        session, setting.people.facilitator, setting.agreement.id, amendment.number, note="Nein."
    )
    assert amendment.status == "rejected" and amendment.decision_note == "Nein."
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == MEETINGS
    with pytest.raises(PermissionDenied):
        amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)


def test_a_new_section_goes_after_its_anchor_or_at_the_end_when_the_anchor_was_removed(
    session, setting
) -> None:
    def add(after):
        return amendments.propose(
            session, setting.people.member, setting.agreement.id, kind="add", section_kind="quality_standard",
            after_section_key=after, title="Barrierefreiheit", body="Alle Räume sind barrierefrei.",
            rationale="Fehlt.",
        )  # fmt: skip

    after_goal = add(setting.goal_key)
    amendments.accept(session, setting.people.facilitator, setting.agreement.id, after_goal.number)
    keys = [s.key for s in sorted(setting.agreement.draft_sections, key=lambda s: s.position)]
    assert keys == [setting.goal_key, after_goal.section_key, setting.rule_key]

    after_rule = add(setting.rule_key)
    from agreements.services import drafts

    section = draft_section(session, setting.agreement.id, setting.rule_key)
    drafts.remove_section(
        session,
        setting.people.facilitator,
        setting.agreement.id,
        setting.rule_key,
        base_revision=section.revision,
    )
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, after_rule.number)
    assert outcome == Outcome.ANCHOR_MISSING
    session.expire_all()
    keys = [s.key for s in sorted(setting.agreement.draft_sections, key=lambda s: s.position)]
    assert keys[-1] == after_rule.section_key


def test_removing_a_section_the_draft_already_removed_just_completes(session, setting) -> None:
    def remove():
        return amendments.propose(
            session, setting.people.member, setting.agreement.id, kind="remove",
            section_key=setting.goal_key, rationale="Doppelt.",
        )  # fmt: skip

    first, second = remove(), remove()
    assert amendments.accept(session, setting.people.facilitator, setting.agreement.id, first.number) == (
        Outcome.MERGED
    )
    assert draft_section(session, setting.agreement.id, setting.goal_key) is None
    assert amendments.accept(session, setting.people.facilitator, setting.agreement.id, second.number) == (
        Outcome.ALREADY_DONE
    )
    session.refresh(second)
    assert second.status == "merged"


def test_the_next_version_lists_the_amendments_it_merged(session, setting) -> None:
    merged = propose_change(session, setting, WEEKLY)
    still_open = propose_change(session, setting, "Der Runde Tisch trifft sich täglich.")
    amendments.accept(session, setting.people.facilitator, setting.agreement.id, merged.number)
    version = versions.publish_version(
        session, setting.people.facilitator, setting.agreement.id, change_summary="A 1"
    )
    session.refresh(merged)
    session.refresh(still_open)
    assert merged.merged_version_id == version.id
    assert still_open.merged_version_id is None
    assert [a.number for a in publishing.merged_into(session, version)] == [1]
    # A later version does not claim it again.
    later = versions.publish_version(
        session, setting.people.facilitator, setting.agreement.id, change_summary="x"
    )
    assert publishing.merged_into(session, later) == []


def test_hidden_agreement_and_unknown_amendment(session, setting) -> None:
    with pytest.raises(NotFound):
        amendments.withdraw(session, setting.people.member, setting.agreement.id, 99)
    with pytest.raises(PermissionDenied):
        amendments.load(session, setting.people.outsider, setting.agreement.id, 1)


# --- decisions by vote -------------------------------------------------------------------------------


def test_a_vote_accepts_and_merges_a_clean_amendment_without_committing(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    workflow.put_to_vote_by_motion(session, amendment_id=amendment.id, motion_id=41)
    session.commit()
    assert amendment.status == "voting"
    with pytest.raises(PermissionDenied):
        amendments.withdraw(session, setting.people.member, setting.agreement.id, amendment.number)
    workflow.accept_by_motion(session, amendment_id=amendment.id, motion_id=42)
    session.rollback()  # nothing was committed by the function
    assert session.get(Amendment, amendment.id).status == "voting"
    workflow.accept_by_motion(session, amendment_id=amendment.id, motion_id=42)
    session.commit()
    assert session.get(Amendment, amendment.id).status == "merged"
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == WEEKLY
    accepted = entries(session, "amendment.accepted")[0]
    assert accepted.details["motion_id"] == 42 and accepted.details["number"] == amendment.number
    assert entries(session, "amendment.put_to_vote")[0].details["motion_id"] == 41


def test_a_vote_accepting_a_conflicting_amendment_leaves_it_for_the_facilitator(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    workflow.put_to_vote_by_motion(session, amendment_id=amendment.id, motion_id=1)
    workflow.accept_by_motion(session, amendment_id=amendment.id, motion_id=2)
    session.commit()
    assert amendment.status == "accepted"
    section = draft_section(session, setting.agreement.id, setting.rule_key)
    assert "vierteljährlich" in section.body
    amendments.resolve(
        session, setting.people.facilitator, setting.agreement.id, amendment.number,
        draft_revision=section.revision, choices={"body": ["wöchentlich"]},
    )  # fmt: skip
    assert session.get(Amendment, amendment.id).status == "merged"
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == WEEKLY


def test_a_vote_rejects_and_an_impossible_step_is_a_conflict(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    with pytest.raises(Conflict):
        workflow.reject_by_motion(session, amendment_id=amendment.id, motion_id=3)  # not put to the vote
    with pytest.raises(NotFound):
        workflow.put_to_vote_by_motion(session, amendment_id=999, motion_id=3)
    workflow.put_to_vote_by_motion(session, amendment_id=amendment.id, motion_id=3)
    workflow.reject_by_motion(session, amendment_id=amendment.id, motion_id=4)
    session.commit()
    assert amendment.status == "rejected"
    assert entries(session, "amendment.rejected")[0].details["motion_id"] == 4
    with pytest.raises(Conflict):
        workflow.put_to_vote_by_motion(session, amendment_id=amendment.id, motion_id=5)


def test_the_facilitator_records_the_result_of_a_vote_taken_at_the_round_table(session, setting) -> None:
    amendment = propose_change(session, setting, WEEKLY)
    amendments.put_to_vote(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert amendment.status == "voting"
    with pytest.raises(PermissionDenied):
        amendments.put_to_vote(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    with pytest.raises(PermissionDenied):
        amendments.accept(session, setting.people.member, setting.agreement.id, amendment.number)
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert outcome == Outcome.MERGED and amendment.status == "merged"
    assert [e.details.get("motion_id") for e in entries(session, "amendment.accepted")] == [None]


def test_a_change_of_a_section_the_draft_removed_is_added_again_at_the_end(session, setting) -> None:
    from agreements.services import drafts

    amendment = propose_change(session, setting, WEEKLY)
    section = draft_section(session, setting.agreement.id, setting.rule_key)
    drafts.remove_section(
        session,
        setting.people.facilitator,
        setting.agreement.id,
        setting.rule_key,
        base_revision=section.revision,
    )
    outcome = amendments.accept(session, setting.people.facilitator, setting.agreement.id, amendment.number)
    assert outcome == Outcome.NEEDS_RESOLUTION and amendment.status == "open"
    outcome = amendments.resolve(
        session,
        setting.people.facilitator,
        setting.agreement.id,
        amendment.number,
        draft_revision=None,
        choices={},
    )
    assert outcome == Outcome.ANCHOR_MISSING
    session.expire_all()
    last = sorted(setting.agreement.draft_sections, key=lambda s: s.position)[-1]
    assert (last.key, last.kind, last.body) == (setting.rule_key, "rule", WEEKLY)
    assert session.get(Amendment, amendment.id).status == "merged"


def test_removing_a_section_the_draft_changed_since_waits_for_a_person_to_confirm(session, setting) -> None:
    amendment = amendments.propose(
        session, setting.people.member, setting.agreement.id, kind="remove",
        section_key=setting.rule_key, rationale="Unnötig.",
    )  # fmt: skip
    edit_draft(session, setting, setting.rule_key, MEETINGS + " Neu dazu.")
    assert amendments.accept(session, setting.people.facilitator, setting.agreement.id, 1) == (
        Outcome.NEEDS_RESOLUTION
    )
    assert draft_section(session, setting.agreement.id, setting.rule_key) is not None
    # A vote accepts it, but the draft keeps the section until the facilitator confirms.
    workflow.put_to_vote_by_motion(session, amendment_id=amendment.id, motion_id=7)
    workflow.accept_by_motion(session, amendment_id=amendment.id, motion_id=8)
    session.commit()
    assert session.get(Amendment, amendment.id).status == "accepted"
    assert draft_section(session, setting.agreement.id, setting.rule_key) is not None
    outcome = amendments.resolve(
        session, setting.people.facilitator, setting.agreement.id, 1, draft_revision=None, choices={}
    )
    assert outcome == Outcome.MERGED
    assert draft_section(session, setting.agreement.id, setting.rule_key) is None

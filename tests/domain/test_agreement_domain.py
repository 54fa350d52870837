"""Section diffs, the workflow state machine and the compliance check — without an app."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.domain import workflow
from agreements.domain.compliance import Requirements, check, is_compliant
from agreements.domain.section_diff import diff_versions
from agreements.domain.sections import Indicator, Section, SectionKind
from agreements.domain.text_diff import new_text, old_text
from agreements.domain.workflow import Status, Transition, TransitionRefused, next_status


def section(key: str, body: str = "Text", kind: SectionKind = SectionKind.TEXT, **kw) -> Section:
    return Section(key=key, kind=kind, title=kw.pop("title", f"Abschnitt {key}"), body=body, **kw)


def test_diff_names_added_removed_changed_and_moved_sections() -> None:
    old = [section("a"), section("b", "Alt"), section("c"), section("d")]
    new = [section("c"), section("a"), section("b", "Neu"), section("e")]
    result = diff_versions(old, new)
    by_key = {change.key: change for change in result.sections}
    assert by_key["b"].change == "changed" and not by_key["b"].moved
    assert by_key["c"].moved and by_key["c"].change == "unchanged"
    assert by_key["d"].change == "removed" and by_key["e"].change == "added"
    assert (result.count("added"), result.count("removed"), result.count("changed"), result.moved) == (
        1,
        1,
        1,
        1,
    )


def test_diff_of_identical_versions_is_empty() -> None:
    sections = [section("a"), section("b")]
    assert diff_versions(sections, list(sections)).is_empty


def test_indicator_changes_show_in_the_section_diff() -> None:
    before = section(
        "q", kind=SectionKind.QUALITY_STANDARD, indicators=(Indicator("Wartezeit", "Tage", "30", "14"),)
    )
    after = section(
        "q", kind=SectionKind.QUALITY_STANDARD, indicators=(Indicator("Wartezeit", "Tage", "30", "10"),)
    )
    change = diff_versions([before], [after]).sections[0]
    assert change.change == "changed"
    assert [(h.old, h.new) for h in change.body_hunks if h.tag != "equal"] == [("14", "10")]


keys = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)


@given(keys, keys)
def test_every_section_of_both_versions_appears_once(old_keys: list[str], new_keys: list[str]) -> None:
    result = diff_versions([section(k) for k in old_keys], [section(k, "x") for k in new_keys])
    assert sorted(change.key for change in result.sections) == sorted(set(old_keys) | set(new_keys))
    for change in result.sections:
        assert old_text(list(change.body_hunks)) == (change.old.comparable_text() if change.old else "")
        assert new_text(list(change.body_hunks)) == (change.new.comparable_text() if change.new else "")


def test_the_normal_life_of_an_agreement() -> None:
    status = Status.DRAFT
    for transition in [
        Transition.OPEN_CONSULTATION, Transition.START_NEGOTIATION, Transition.PUT_TO_VOTE, Transition.ADOPT,
        Transition.START_REVIEW, Transition.CONFIRM_AFTER_REVIEW, Transition.SUPERSEDE,
    ]:  # fmt: skip
        status = next_status(status, transition)
    assert status == Status.SUPERSEDED
    assert workflow.available(status) == []


def test_a_non_compliant_text_cannot_be_put_to_a_vote() -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status(Status.NEGOTIATION, Transition.PUT_TO_VOTE, compliant=False)
    assert refused.value.reason == "framework_requirements_not_met"


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("transition", list(Transition))
def test_transitions_outside_the_graph_are_refused(status: Status, transition: Transition) -> None:
    if transition in workflow.available(status):
        assert next_status(status, transition) in Status
    else:
        with pytest.raises(TransitionRefused):
            next_status(status, transition)


def test_adopted_agreements_can_only_be_ended_not_withdrawn() -> None:
    assert Transition.WITHDRAW not in workflow.available(Status.ADOPTED)


REQUIREMENTS = Requirements(
    required_section_kinds=frozenset({SectionKind.GOAL, SectionKind.QUALITY_STANDARD, SectionKind.REVIEW}),
    indicators_need_target=True,
    required_parties=frozenset({"beneficiary", "carrier", "provider"}),
    max_review_interval_months=24,
)


def test_compliance_lists_what_is_missing() -> None:
    sections = [
        section("g", kind=SectionKind.GOAL),
        section(
            "q",
            kind=SectionKind.QUALITY_STANDARD,
            title="Erreichbarkeit",
            indicators=(Indicator("Wartezeit"),),
        ),
    ]
    findings = {f.code: f for f in check(REQUIREMENTS, sections, {"carrier"}, in_force_from=date(2027, 1, 1))}
    assert findings["section_kind:goal"].met and not findings["section_kind:review"].met
    assert findings["indicators_with_target"].missing == ("Erreichbarkeit",)
    assert findings["parties_represented"].missing == ("beneficiary", "provider")
    assert not findings["review_interval"].met


def test_a_complete_agreement_is_compliant() -> None:
    sections = [
        section("g", kind=SectionKind.GOAL),
        section("q", kind=SectionKind.QUALITY_STANDARD, indicators=(Indicator("Wartezeit", target="14"),)),
        section("r", kind=SectionKind.REVIEW, review_date=date(2028, 6, 30)),
    ]
    findings = check(
        REQUIREMENTS, sections, {"beneficiary", "carrier", "provider"}, in_force_from=date(2027, 1, 1)
    )
    assert is_compliant(findings)
    late = [*sections[:2], section("r", kind=SectionKind.REVIEW, review_date=date(2029, 6, 30))]
    assert not is_compliant(check(REQUIREMENTS, late, {"beneficiary", "carrier", "provider"},
                                  in_force_from=date(2027, 1, 1)))  # fmt: skip


def test_requirements_round_trip_as_plain_data() -> None:
    assert Requirements.from_dict(REQUIREMENTS.to_dict()) == REQUIREMENTS

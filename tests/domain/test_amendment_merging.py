"""Merging an accepted amendment into the working draft, and placing a new section (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amendments.domain.merging import place_new_section, plan_change
from amendments.domain.proposals import proposal_errors


def texts(title: str, body: str) -> dict[str, str]:
    return {"title": title, "body": body}


def test_an_unchanged_draft_takes_the_amendment_as_it_is() -> None:
    plan = plan_change(texts("Ziel", "Treffen monatlich."), texts("Ziel", "Treffen wöchentlich."),
                       texts("Ziel", "Treffen monatlich."))  # fmt: skip
    assert not plan.draft_moved and plan.is_clean
    assert plan.merged() == texts("Ziel", "Treffen wöchentlich.")


def test_a_draft_that_moved_on_elsewhere_keeps_its_change_and_gets_the_amendment() -> None:
    plan = plan_change(
        texts("Ziel", "Treffen monatlich im Haus."),
        texts("Ziel", "Treffen wöchentlich im Haus."),
        texts("Neues Ziel", "Treffen monatlich im Bürgerhaus."),
    )
    assert plan.draft_moved and plan.is_clean
    assert plan.merged() == texts("Neues Ziel", "Treffen wöchentlich im Bürgerhaus.")


def test_a_conflict_keeps_both_readings_until_someone_chooses() -> None:
    plan = plan_change(
        texts("Ziel", "Treffen monatlich."), texts("Ziel", "Treffen wöchentlich."),
        texts("Ziel", "Treffen vierteljährlich."),
    )  # fmt: skip
    assert [field.name for field in plan.conflicting] == ["body"]
    conflict = plan.conflicting[0].merge.conflicts[0]
    assert (conflict.mine, conflict.theirs) == ("wöchentlich", "vierteljährlich")
    assert plan.resolve({"body": ["alle zwei Wochen"]}) == texts("Ziel", "Treffen alle zwei Wochen.")


def test_a_new_section_goes_after_its_anchor_or_at_the_end_when_the_anchor_is_gone() -> None:
    assert place_new_section(["a", "b", "c"], "b").index == 2
    assert place_new_section(["a", "b"], None).index == 0
    gone = place_new_section(["a", "c"], "b")
    assert gone.anchor_missing and gone.index == 2


words = st.lists(st.sampled_from(["Ziel", "Treffen", "im", "Haus", ",", "neu", "."]), max_size=12).map(
    " ".join
)


@given(words, words, words)
@settings(max_examples=150)
def test_choosing_the_amendment_or_the_draft_in_every_conflict_never_gives_the_same_text(
    base: str, mine: str, theirs: str
) -> None:
    plan = plan_change(texts("T", base), texts("T", mine), texts("T", theirs))
    if not plan.is_clean:
        body = plan.conflicting[0].merge
        as_mine = body.resolve([c.mine for c in body.conflicts])
        as_theirs = body.resolve([c.theirs for c in body.conflicts])
        assert as_mine != as_theirs


def test_a_proposal_needs_a_rationale_an_existing_section_and_a_real_change() -> None:
    common = dict(section_kind=None, after_section_key=None, base_keys={"k1"}, base_title="T", base_body="B")
    assert (
        proposal_errors(kind="change", section_key="k1", title="T", body="B2", rationale="Weil.", **common)
        == {}
    )
    assert proposal_errors(
        kind="change", section_key="k1", title="T", body="B", rationale="Weil.", **common
    ) == {"body": ["unchanged"]}
    assert proposal_errors(kind="remove", section_key="zz", title="", body="", rationale="", **common) == {
        "rationale": ["required"],
        "section_key": ["unknown_section"],
    }
    assert proposal_errors(kind="nonsense", section_key=None, title="", body="", rationale="", **common) == {
        "kind": ["invalid"]
    }
    add = dict(common, section_kind="goal", after_section_key="k1")
    assert (
        proposal_errors(kind="add", section_key=None, title="Neu", body="Text", rationale="Weil.", **add)
        == {}
    )
    no_kind = dict(add, section_kind="x")
    errors = proposal_errors(kind="add", section_key=None, title="Neu", body="", rationale="Weil.", **no_kind)
    assert errors == {"section_kind": ["unknown_kind"], "body": ["required"]}

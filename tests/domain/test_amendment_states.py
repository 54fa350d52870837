"""The amendment state machine: worked examples and hypothesis properties over transition sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amendments.domain.states import (
    EDGES,
    FINAL,
    AmendmentStatus,
    AmendmentTransition,
    InvalidTransition,
    can,
    next_status,
    transitions_from,
)

S, T = AmendmentStatus, AmendmentTransition


def test_an_open_amendment_can_be_accepted_rejected_withdrawn_or_put_to_the_vote() -> None:
    assert set(transitions_from(S.OPEN)) == {T.ACCEPT, T.REJECT, T.WITHDRAW, T.PUT_TO_VOTE}
    assert next_status(S.OPEN, T.PUT_TO_VOTE) == S.VOTING
    assert next_status(S.VOTING, T.ACCEPT) == S.ACCEPTED
    assert next_status(S.ACCEPTED, T.MERGE) == S.MERGED


def test_an_amendment_put_to_the_vote_cannot_be_withdrawn_any_more() -> None:
    with pytest.raises(InvalidTransition):
        next_status(S.VOTING, T.WITHDRAW)


def test_only_an_accepted_amendment_is_merged() -> None:
    assert [status for status in S if can(status, T.MERGE)] == [S.ACCEPTED]


@pytest.mark.parametrize("status", sorted(FINAL))
def test_final_states_have_no_way_out(status: AmendmentStatus) -> None:
    assert transitions_from(status) == []


@given(st.lists(st.sampled_from(list(T)), max_size=12))
@settings(max_examples=300)
def test_no_sequence_of_transitions_leaves_a_final_state_or_merges_without_acceptance(
    steps: list[AmendmentTransition],
) -> None:
    status = S.OPEN
    history = [status]
    for step in steps:
        if not can(status, step):
            with pytest.raises(InvalidTransition):
                next_status(status, step)
            continue
        assert status not in FINAL
        status = next_status(status, step)
        history.append(status)
    if S.MERGED in history:
        assert history[history.index(S.MERGED) - 1] == S.ACCEPTED
    # Once final, the amendment stays where it is.
    finals = [index for index, status in enumerate(history) if status in FINAL]
    if finals:
        assert finals[0] == len(history) - 1


def test_every_state_is_reachable_from_open() -> None:
    reached = {S.OPEN}
    frontier = [S.OPEN]
    while frontier:
        status = frontier.pop()
        for (source, _), target in EDGES.items():
            if source == status and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S)

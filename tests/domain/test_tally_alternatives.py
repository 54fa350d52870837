"""Ranked choice (Schulze method) and approval voting: published and worked examples."""

from __future__ import annotations

import json

import pytest

from decisions.domain import InvalidBallots, Method, Outcome, tally
from decisions.domain.schulze import schulze_ranking, strongest_paths
from governance.parties import Party
from tests.domain.tally_helpers import civil_society, electorate, ranked

RANKED = Method.RANKED_CHOICE
APPROVAL = Method.APPROVAL_VOTING

# Wikipedia, "Schulze method", the example with 45 voters and five candidates A–E.
WIKIPEDIA_45 = [
    (5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
    (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC"),
]  # fmt: skip


def test_wikipedia_example_with_45_voters_elects_e() -> None:
    result = tally(RANKED, {"options": list("ABCDE")}, civil_society(45), ranked(WIKIPEDIA_45))
    assert result.detail.pairwise == (
        (0, 20, 26, 30, 22),
        (25, 0, 16, 33, 18),
        (19, 29, 0, 17, 24),
        (15, 12, 28, 0, 14),
        (23, 27, 21, 31, 0),
    )
    assert result.detail.strongest_paths == (
        (0, 28, 28, 30, 24),
        (25, 0, 28, 33, 24),
        (25, 29, 0, 29, 24),
        (25, 28, 28, 0, 24),
        (25, 28, 28, 31, 0),
    )
    assert result.outcome == Outcome.DECIDED
    assert result.detail.winners == ("E",)
    assert result.detail.ranking == (("E",), ("A",), ("C",), ("B",), ("D",))


def test_thirty_voter_example_with_four_candidates_elects_d() -> None:
    # Example 2 of Markus Schulze's published examples (electowiki, earlier Wikipedia); d and p checked
    # by hand. Links: B>A 19, A>C 20, D>A 16, C>B 21, D>B 18, C>D 17.
    groups = [(5, "ACBD"), (2, "ACDB"), (3, "ADCB"), (4, "BACD"), (3, "CBDA"), (3, "CDBA"), (1, "DACB"),
              (5, "DBAC"), (4, "DCBA")]  # fmt: skip
    result = tally(RANKED, {"options": list("ABCD")}, civil_society(30), ranked(groups))
    assert result.detail.pairwise == ((0, 11, 20, 14), (19, 0, 9, 12), (10, 21, 0, 17), (16, 18, 13, 0))
    assert result.detail.strongest_paths == (
        (0, 20, 20, 17),
        (19, 0, 19, 17),
        (19, 21, 0, 17),
        (18, 18, 18, 0),
    )
    assert result.detail.winners == ("D",)
    assert result.detail.ranking == (("D",), ("A",), ("C",), ("B",))


def test_twenty_one_voter_example_checked_by_hand_elects_d() -> None:
    # Links: B>A 13, A>C 14, D>A 11, C>B 15, D>B 19, C>D 12.
    ballots = ranked([(8, "ACDB"), (2, "BADC"), (4, "CDBA"), (4, "DBAC"), (3, "DCBA")])
    result = tally(RANKED, {"options": list("ABCD")}, civil_society(21), ballots)
    assert result.detail.pairwise == ((0, 8, 14, 10), (13, 0, 6, 2), (7, 15, 0, 12), (11, 19, 9, 0))
    assert result.detail.strongest_paths == (
        (0, 14, 14, 12),
        (13, 0, 13, 12),
        (13, 15, 0, 12),
        (13, 19, 13, 0),
    )
    assert result.detail.winners == ("D",)
    assert result.detail.ranking == (("D",), ("A",), ("C",), ("B",))


def test_a_tie_is_reported_with_the_tied_options_in_the_order_of_the_motion() -> None:
    ballots = ranked([(2, "AB"), (2, "BA")])
    result = tally(RANKED, {"options": ["B", "A"]}, civil_society(4), ballots)
    assert result.outcome == Outcome.TIED
    assert result.detail.winners == ("B", "A")
    assert result.detail.ranking == (("B", "A"),)
    assert result.to_dict()["detail"]["tie"] is True


def test_a_cycle_of_three_with_equal_strengths_is_a_three_way_tie() -> None:
    ballots = ranked([(1, "ABC"), (1, "BCA"), (1, "CAB")])
    result = tally(RANKED, {"options": list("ABC")}, civil_society(3), ballots)
    assert result.detail.winners == ("A", "B", "C")
    assert result.outcome == Outcome.TIED


def test_unranked_options_rank_below_ranked_ones_and_equal_among_themselves() -> None:
    result = tally(RANKED, {"options": list("ABC")}, civil_society(1), [("voter-0", ["A"])])
    assert result.detail.pairwise == ((0, 1, 1), (0, 0, 0), (0, 0, 0))
    assert result.detail.ranking == (("A",), ("B", "C"))


def test_options_tied_on_a_ballot_are_given_as_a_group() -> None:
    ballots = [("voter-0", [["A", "B"], "C"]), ("voter-1", ("B", "A", "C"))]
    result = tally(RANKED, {"options": list("ABC")}, civil_society(2), ballots)
    assert result.detail.pairwise == ((0, 0, 2), (1, 0, 2), (0, 0, 0))
    assert result.detail.winners == ("B",)


def test_a_full_ranking_and_the_same_ranking_without_its_last_option_count_alike() -> None:
    full = tally(RANKED, {"options": list("ABC")}, civil_society(1), [("voter-0", tuple("ABC"))])
    short = tally(RANKED, {"options": list("ABC")}, civil_society(1), [("voter-0", ("A", "B"))])
    assert full.detail.pairwise == short.detail.pairwise == ((0, 1, 1), (0, 0, 1), (0, 0, 0))


def test_an_empty_ranking_takes_part_but_prefers_nothing() -> None:
    voters = civil_society(2)
    result = tally(RANKED, {"options": ["keep", "amend"], "quorum": {"overall": "1"}}, voters,
                   [("voter-0", ()), ("voter-1", ("amend",))])  # fmt: skip
    assert result.quorum_met
    assert result.detail.pairwise == ((0, 0), (1, 0))
    assert result.detail.winners == ("amend",)


def test_keep_the_current_text_is_just_an_option() -> None:
    ballots = ranked(
        [(3, ["keep", "amendment-1", "amendment-2"]), (2, ["amendment-2", "keep", "amendment-1"])]
    )
    options = ["keep", "amendment-1", "amendment-2"]
    result = tally(RANKED, {"options": options}, civil_society(5), ballots)
    assert result.detail.winners == ("keep",)
    assert result.outcome == Outcome.DECIDED


def test_the_condorcet_winner_wins() -> None:
    # B beats A (3:2) and C (3:2), though A has the most first places.
    ballots = ranked([(2, "ABC"), (2, "CBA"), (1, "BAC")])
    result = tally(RANKED, {"options": list("ABC")}, civil_society(5), ballots)
    assert result.detail.winners == ("B",)


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        (("A", "Z"), "unknown_option"),
        (("A", "B", "A"), "option_listed_twice"),
        ((["A", "B"], "B"), "option_listed_twice"),
        (("A", 3), "unknown_option"),
        (("A", None), "unknown_option"),
        ("AB", "malformed_choice"),  # a string is not a ranking: it would be read letter by letter
        (7, "malformed_choice"),
    ],
)
def test_bad_rankings_are_refused(choice: object, code: str) -> None:
    with pytest.raises(InvalidBallots) as refused:
        tally(RANKED, {"options": list("ABC")}, civil_society(2), [("voter-0", ("A",)), ("voter-1", choice)])
    assert [(p.code, p.voter) for p in refused.value.problems] == [(code, "voter-1")]


def test_strongest_paths_and_ranking_on_a_given_matrix() -> None:
    d = [[0, 3, 0], [1, 0, 4], [2, 0, 0]]  # A>B 3:1, B>C 4:0, C>A 2:0 — a cycle
    p = strongest_paths(d)
    assert p == [[0, 3, 3], [2, 0, 4], [2, 2, 0]]
    assert schulze_ranking(p) == ((0,), (1,), (2,))


def test_a_pairwise_tie_is_no_link_in_either_direction() -> None:
    d = [[0, 2, 3], [2, 0, 0], [0, 4, 0]]  # A:B 2:2, A>C 3:0, C>B 4:0
    p = strongest_paths(d)
    assert p == [[0, 3, 3], [0, 0, 0], [0, 4, 0]]
    assert schulze_ranking(p) == ((0,), (2,), (1,))


# --- approval voting ------------------------------------------------------------------------------


def test_approval_voting_elects_the_option_with_most_approvals() -> None:
    voters = electorate(beneficiary=2, provider=2)
    ballots = [
        ("beneficiary-0", ["north", "south"]),
        ("beneficiary-1", {"south"}),
        ("provider-0", ("south", "east")),
        ("provider-1", frozenset()),
    ]
    result = tally(APPROVAL, {"options": ["north", "south", "east"]}, voters, ballots)
    assert result.outcome == Outcome.DECIDED
    assert dict(result.detail.approvals) == {"north": 1, "south": 3, "east": 1}
    assert result.detail.winners == ("south",)
    assert result.detail.ranking == (("south",), ("north", "east"))
    by_party = {entry.party: dict(entry.approvals) for entry in result.detail.parties}
    assert by_party == {
        Party.BENEFICIARY: {"north": 1, "south": 2, "east": 0},
        Party.PROVIDER: {"north": 0, "south": 1, "east": 1},
    }
    assert result.turnout.cast == 4  # approving nothing is taking part


def test_approval_voting_reports_a_tie() -> None:
    ballots = [("voter-0", ["a"]), ("voter-1", ["b"]), ("voter-2", ["a", "b", "c"])]
    result = tally(APPROVAL, {"options": ["c", "b", "a"]}, civil_society(3), ballots)
    assert result.outcome == Outcome.TIED
    assert result.detail.winners == ("b", "a")
    assert json.loads(json.dumps(result.to_dict()))["detail"]["approvals"] == {"c": 1, "b": 2, "a": 2}


@pytest.mark.parametrize(
    ("choice", "code"),
    [(["a", "z"], "unknown_option"), (["a", "a"], "option_listed_twice"), ("a", "malformed_choice")],
)
def test_bad_approval_ballots_are_refused(choice: object, code: str) -> None:
    with pytest.raises(InvalidBallots) as refused:
        tally(APPROVAL, {"options": ["a", "b"]}, civil_society(1), [("voter-0", choice)])
    assert refused.value.codes == [code]

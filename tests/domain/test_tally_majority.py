"""Simple and qualified majority, quorum and proxies: worked examples, without an app."""

from __future__ import annotations

from fractions import Fraction

import pytest

from decisions.domain import (
    Ballot,
    Base,
    Electorate,
    InvalidBallots,
    Method,
    Outcome,
    Quorum,
    Threshold,
    Vote,
    tally,
)
from decisions.domain.parameters import MotionParameters, QualifiedMajorityParameters
from governance.parties import Party
from tests.domain.tally_helpers import electorate, votes

SIMPLE = Method.SIMPLE_MAJORITY


def qualified(fraction: str, base: Base = Base.VALID_VOTES, strictly_more: bool = False) -> dict:
    return {"threshold": {"fraction": fraction, "base": base.value, "strictly_more": strictly_more}}


# --- simple majority ------------------------------------------------------------------------------


def test_simple_majority_accepts_more_yes_than_no_and_abstentions_do_not_count_against() -> None:
    voters = electorate(civil_society=15)
    ballots = votes(Party.CIVIL_SOCIETY, yes=3, no=2, abstain=10)
    result = tally(SIMPLE, None, voters, ballots)
    assert result.outcome == Outcome.ACCEPTED
    assert (result.detail.counts.yes, result.detail.counts.no, result.detail.counts.abstain) == (3, 2, 10)
    assert result.turnout.cast == 15


def test_simple_majority_tie_is_rejected() -> None:
    result = tally(SIMPLE, None, electorate(carrier=4), votes(Party.CARRIER, yes=2, no=2))
    assert result.outcome == Outcome.REJECTED
    assert not result.detail.threshold_met


def test_simple_majority_without_ballots_is_rejected() -> None:
    assert tally(SIMPLE, None, electorate(carrier=4), []).outcome == Outcome.REJECTED


def test_simple_majority_shows_every_party_of_the_electorate_in_the_breakdown() -> None:
    voters = electorate(beneficiary=3, carrier=2, provider=1)
    ballots = votes(Party.BENEFICIARY, yes=2, no=1) + votes(Party.CARRIER, no=2)
    detail = tally(SIMPLE, {}, voters, ballots).detail
    breakdown = {entry.party: (entry.counts.yes, entry.counts.no) for entry in detail.parties}
    assert breakdown == {Party.BENEFICIARY: (2, 1), Party.CARRIER: (0, 2), Party.PROVIDER: (0, 0)}
    assert [entry.party for entry in detail.parties] == [Party.BENEFICIARY, Party.CARRIER, Party.PROVIDER]


def test_choices_may_be_enum_members_named_ballots_or_plain_tuples_from_a_generator() -> None:
    voters = electorate(carrier=3)
    ballots = iter([Ballot("carrier-0", Vote.YES), ("carrier-1", "yes"), ["carrier-2", Vote.NO]])
    result = tally("simple_majority", None, voters, ballots)
    assert (result.detail.counts.yes, result.detail.counts.no) == (2, 1)


# --- qualified majority ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "outcome"),
    [
        (10, 5, 0, Outcome.ACCEPTED),  # exactly two thirds of the valid votes
        (10, 5, 20, Outcome.ACCEPTED),  # abstentions are not valid votes
        (9, 5, 0, Outcome.REJECTED),
        (0, 0, 3, Outcome.REJECTED),  # nobody took a side
    ],
)
def test_two_thirds_of_valid_votes(yes: int, no: int, abstain: int, outcome: Outcome) -> None:
    ballots = votes(Party.PROVIDER, yes=yes, no=no, abstain=abstain)
    result = tally(Method.QUALIFIED_MAJORITY, qualified("2/3"), electorate(provider=40), ballots)
    assert result.outcome == outcome


def test_strictly_more_than_the_share_rejects_exactly_the_share() -> None:
    ballots = votes(Party.PROVIDER, yes=10, no=5)
    result = tally(
        Method.QUALIFIED_MAJORITY, qualified("2/3", strictly_more=True), electorate(provider=15), ballots
    )
    assert result.outcome == Outcome.REJECTED


@pytest.mark.parametrize(("yes", "outcome"), [(19, Outcome.REJECTED), (20, Outcome.ACCEPTED)])
def test_two_thirds_of_the_electorate_counts_everyone_who_may_vote(yes: int, outcome: Outcome) -> None:
    ballots = votes(Party.CIVIL_SOCIETY, yes=yes)
    result = tally(
        Method.QUALIFIED_MAJORITY, qualified("2/3", Base.ELECTORATE), electorate(civil_society=30), ballots
    )
    assert result.outcome == outcome


def test_a_small_share_of_the_electorate_never_passes_against_more_no_votes() -> None:
    ballots = votes(Party.CIVIL_SOCIETY, yes=3, no=5)
    result = tally(
        Method.QUALIFIED_MAJORITY, qualified("1/4", Base.ELECTORATE), electorate(civil_society=10), ballots
    )
    assert result.outcome == Outcome.REJECTED


def test_absolute_majority_means_more_than_half_of_the_electorate() -> None:
    parameters = qualified("1/2", Base.ELECTORATE, strictly_more=True)
    voters = electorate(administration=10)
    assert tally(
        Method.QUALIFIED_MAJORITY, parameters, voters, votes(Party.ADMINISTRATION, yes=5)
    ).outcome == (Outcome.REJECTED)
    assert tally(
        Method.QUALIFIED_MAJORITY, parameters, voters, votes(Party.ADMINISTRATION, yes=6)
    ).outcome == (Outcome.ACCEPTED)


def test_parameters_may_be_objects() -> None:
    parameters = QualifiedMajorityParameters(Threshold(Fraction(3, 4)))
    ballots = votes(Party.CARRIER, yes=3, no=1)
    assert (
        tally(Method.QUALIFIED_MAJORITY, parameters, electorate(carrier=4), ballots).outcome
        == Outcome.ACCEPTED
    )


# --- quorum ---------------------------------------------------------------------------------------


def test_missing_the_overall_quorum_leaves_the_motion_undecided_with_the_details() -> None:
    voters = electorate(civil_society=10)
    parameters = {"quorum": {"overall": "1/2"}}
    result = tally(SIMPLE, parameters, voters, votes(Party.CIVIL_SOCIETY, yes=4))
    assert result.outcome == Outcome.NOT_DECIDED_QUORUM_MISSED
    assert result.detail.counts.yes == 4  # counted all the same, for transparency
    [check] = result.failed_quorums
    assert (check.scope, check.share, check.electorate, check.needed, check.cast) == (
        "overall",
        Fraction(1, 2),
        10,
        5,
        4,
    )
    assert result.to_dict()["quorum"] == [
        {"scope": "overall", "share": "1/2", "electorate": 10, "needed": 5, "cast": 4, "met": False}
    ]
    assert result.to_dict()["quorum_met"] is False


def test_abstentions_count_towards_the_quorum() -> None:
    voters = electorate(civil_society=10)
    result = tally(
        SIMPLE, {"quorum": {"overall": "1/2"}}, voters, votes(Party.CIVIL_SOCIETY, yes=1, abstain=4)
    )
    assert result.outcome == Outcome.ACCEPTED
    assert result.quorum_met


def test_quorum_rounds_up_to_whole_ballots() -> None:
    voters = electorate(civil_society=10)
    parameters = {"quorum": {"overall": "1/3"}}
    missed = tally(SIMPLE, parameters, voters, votes(Party.CIVIL_SOCIETY, yes=3))
    assert missed.outcome == Outcome.NOT_DECIDED_QUORUM_MISSED and missed.quorum[0].needed == 4
    assert tally(SIMPLE, parameters, voters, votes(Party.CIVIL_SOCIETY, yes=4)).outcome == Outcome.ACCEPTED


def test_a_party_quorum_can_fail_while_the_overall_quorum_is_met() -> None:
    voters = electorate(beneficiary=10, carrier=4)
    parameters = MotionParameters(
        Quorum(Fraction(1, 2), {Party.CARRIER: Fraction(1, 2), Party.BENEFICIARY: Fraction(1, 2)})
    )
    ballots = votes(Party.BENEFICIARY, yes=9) + votes(Party.CARRIER, no=1)
    result = tally(SIMPLE, parameters, voters, ballots)
    assert result.outcome == Outcome.NOT_DECIDED_QUORUM_MISSED
    assert [(check.scope, check.met) for check in result.quorum] == [
        ("overall", True),
        ("beneficiary", True),
        ("carrier", False),
    ]
    assert [check.scope for check in result.failed_quorums] == ["carrier"]


# --- proxies --------------------------------------------------------------------------------------


def test_a_proxy_ballot_counts_for_the_voter_and_is_marked() -> None:
    voters = electorate(beneficiary=3, carrier=1, proxies={"beneficiary-0": "beneficiary-1"})
    ballots = [
        Ballot("beneficiary-0", "no", cast_by="beneficiary-1"),
        Ballot("beneficiary-1", "yes"),
        ("carrier-0", "yes", None),
    ]
    result = tally(SIMPLE, None, voters, ballots)
    assert result.detail.counts.no == 1
    assert (result.turnout.cast, result.turnout.by_proxy) == (3, 1)
    assert result.turnout.party(Party.BENEFICIARY).by_proxy == 1
    assert result.turnout.party(Party.CARRIER).by_proxy == 0


def test_a_ballot_cast_by_the_voter_naming_themselves_is_not_a_proxy_ballot() -> None:
    voters = electorate(beneficiary=1)
    result = tally(SIMPLE, None, voters, [("beneficiary-0", "yes", "beneficiary-0")])
    assert result.turnout.by_proxy == 0


def test_a_proxy_needs_the_voters_authorisation() -> None:
    voters = electorate(beneficiary=3, proxies={"beneficiary-0": "beneficiary-1"})
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, voters, [("beneficiary-2", "yes", "beneficiary-1")])
    [problem] = refused.value.problems
    assert (problem.code, problem.voter, problem.detail) == (
        "proxy_not_authorised",
        "beneficiary-2",
        "beneficiary-1",
    )


def test_one_ballot_per_voter_whether_cast_by_proxy_or_not() -> None:
    voters = electorate(beneficiary=2, proxies={"beneficiary-0": "beneficiary-1"})
    ballots = [("beneficiary-0", "yes"), ("beneficiary-0", "no", "beneficiary-1")]
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, voters, ballots)
    assert [(p.code, p.index) for p in refused.value.problems] == [("duplicate_ballot", 1)]


# --- bad ballots ----------------------------------------------------------------------------------


def test_every_bad_ballot_is_reported_in_input_order_with_its_code() -> None:
    voters = electorate(carrier=3)
    ballots = [("carrier-0", "yes"), ("stranger", "yes"), ("carrier-1", "maybe"), ("carrier-0", "no")]
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, voters, ballots)
    assert [(p.code, p.voter, p.index) for p in refused.value.problems] == [
        ("voter_not_in_electorate", "stranger", 1),
        ("unknown_choice", "carrier-1", 2),
        ("duplicate_ballot", "carrier-0", 3),
    ]
    assert refused.value.codes == ["voter_not_in_electorate", "unknown_choice", "duplicate_ballot"]
    assert "voter_not_in_electorate" in str(refused.value)


@pytest.mark.parametrize(
    "ballot",
    ["carrier-0", ("carrier-0",), ("carrier-0", "yes", None, "", "extra"), None, {"voter": "carrier-0"}],
)
def test_malformed_ballots_are_refused(ballot: object) -> None:
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, electorate(carrier=2), [("carrier-1", "yes"), ballot])
    assert [(p.code, p.index) for p in refused.value.problems] == [("malformed_ballot", 1)]


def test_unhashable_voters_and_choices_are_malformed() -> None:
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, electorate(carrier=2), [(["carrier-0"], "yes")])
    assert refused.value.codes == ["malformed_ballot"]
    with pytest.raises(InvalidBallots) as refused:
        tally(SIMPLE, None, electorate(carrier=2), [("carrier-0", ["yes"])])
    assert refused.value.codes == ["malformed_choice"]


def test_voters_without_a_party_count_overall() -> None:
    voters = Electorate({"facilitator": None, "carrier-0": Party.CARRIER})
    result = tally(
        SIMPLE,
        None,
        voters,
        [
            ("facilitator", "yes"),
            ("carrier-0", "no"),
        ],
    )
    assert result.outcome == Outcome.REJECTED
    assert result.turnout.cast == 2
    assert [entry.party for entry in result.turnout.parties] == [Party.CARRIER]

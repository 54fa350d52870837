"""Properties of the tally engine, checked with hypothesis against small independent oracles."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise, permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from decisions.domain import Ballot, Electorate, Method, Outcome, tally
from governance.parties import Party
from tests.domain.tally_helpers import civil_society, electorate, voter_ids, votes

FAST = settings(max_examples=60, deadline=None)
PARTIES = list(Party)

shares = st.builds(Fraction, st.integers(1, 12), st.integers(1, 12)).filter(lambda share: share <= 1)


# --- monotonicity ---------------------------------------------------------------------------------


@FAST
@given(
    yes=st.integers(0, 20),
    no=st.integers(0, 20),
    abstain=st.integers(0, 10),
    absent=st.integers(1, 10),
    quorum=st.none() | shares,
)
def test_adding_a_yes_vote_never_turns_an_accepted_simple_majority_into_rejected(
    yes: int, no: int, abstain: int, absent: int, quorum: Fraction | None
) -> None:
    voters = electorate(provider=yes + no + abstain + absent)
    parameters = {"quorum": {"overall": None if quorum is None else str(quorum)}}
    ballots = votes(Party.PROVIDER, yes=yes, no=no, abstain=abstain)
    before = tally(Method.SIMPLE_MAJORITY, parameters, voters, ballots)
    newcomer = voter_ids(Party.PROVIDER, 1, start=yes + no + abstain)[0]
    after = tally(Method.SIMPLE_MAJORITY, parameters, voters, [*ballots, (newcomer, "yes")])
    assert before.outcome != Outcome.ACCEPTED or after.outcome == Outcome.ACCEPTED
    assert (before.outcome == Outcome.ACCEPTED) == (before.quorum_met and yes > no)


@FAST
@given(
    yes=st.integers(0, 20),
    no=st.integers(0, 20),
    absent=st.integers(1, 10),
    share=shares,
    base=st.sampled_from(["valid_votes", "electorate"]),
    strictly_more=st.booleans(),
)
def test_adding_a_yes_vote_never_turns_an_accepted_qualified_majority_into_rejected(
    yes: int, no: int, absent: int, share: Fraction, base: str, strictly_more: bool
) -> None:
    if share == 1 and strictly_more:
        return  # unreachable by definition, refused as a parameter
    voters = electorate(provider=yes + no + absent)
    parameters = {"threshold": {"fraction": str(share), "base": base, "strictly_more": strictly_more}}
    ballots = votes(Party.PROVIDER, yes=yes, no=no)
    before = tally(Method.QUALIFIED_MAJORITY, parameters, voters, ballots)
    newcomer = voter_ids(Party.PROVIDER, 1, start=yes + no)[0]
    after = tally(Method.QUALIFIED_MAJORITY, parameters, voters, [*ballots, (newcomer, "yes")])
    assert before.outcome != Outcome.ACCEPTED or after.outcome == Outcome.ACCEPTED
    whole = yes + no if base == "valid_votes" else yes + no + absent
    reached = whole > 0 and (Fraction(yes, whole) > share if strictly_more else Fraction(yes, whole) >= share)
    assert (before.outcome == Outcome.ACCEPTED) == (yes > no and reached)


# --- approval by every party ----------------------------------------------------------------------


@st.composite
def party_votes(
    draw: st.DrawFn,
) -> tuple[dict[Party, tuple[int, int, int, int]], dict[Party, Fraction | None]]:
    present = draw(st.lists(st.sampled_from(PARTIES), min_size=1, unique=True))
    counts = {party: draw(st.tuples(*[st.integers(0, 6)] * 4)) for party in present}
    listed = draw(st.lists(st.sampled_from(present), min_size=1, unique=True))
    thresholds = {party: draw(st.none() | shares) for party in listed}
    return counts, thresholds


@FAST
@given(party_votes())
def test_approval_by_every_party_never_passes_when_one_listed_party_rejects(
    case: tuple[dict[Party, tuple[int, int, int, int]], dict[Party, Fraction | None]],
) -> None:
    counts, thresholds = case
    sizes = {party.value: sum(numbers) for party, numbers in counts.items()}
    ballots = [
        ballot
        for party, (yes, no, abstain, _absent) in counts.items()
        for ballot in votes(party, yes=yes, no=no, abstain=abstain)
    ]
    parameters = {
        "parties": {
            party.value: None if share is None else {"fraction": str(share)}
            for party, share in thresholds.items()
        }
    }
    result = tally(Method.EVERY_PARTY, parameters, electorate(**sizes), ballots)

    def approves(party: Party) -> bool:
        yes, no, _abstain, _absent = counts[party]
        share = thresholds[party]
        return yes > no and (share is None or Fraction(yes, yes + no) >= share)

    rejecting = [party for party in thresholds if not approves(party)]
    assert (result.outcome == Outcome.ACCEPTED) == (not rejecting)
    assert list(result.detail.withheld) == [party for party in PARTIES if party in rejecting]


# --- Schulze --------------------------------------------------------------------------------------


@st.composite
def rankings(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, ...]]]:
    options = ["A", "B", "C", "D", "E"][: draw(st.integers(2, 5))]
    orders = st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: order[:k])
    )
    return options, [tuple(order) for order in draw(st.lists(orders, max_size=25))]


def naive_pairwise(options: list[str], ballots: list[tuple[str, ...]]) -> list[list[int]]:
    d = [[0] * len(options) for _ in options]
    for order in ballots:
        position = {option: order.index(option) if option in order else len(order) for option in options}
        for i, first in enumerate(options):
            for j, second in enumerate(options):
                d[i][j] += position[first] < position[second]
    return d


def widest_paths_by_brute_force(d: list[list[int]]) -> list[list[int]]:
    """The strongest path between every pair, trying every simple path (few options only)."""
    size = len(d)

    def link(i: int, j: int) -> int:
        return d[i][j] if d[i][j] > d[j][i] else 0

    p = [[0] * size for _ in range(size)]
    for start in range(size):
        for end in range(size):
            if start == end:
                continue
            others = [k for k in range(size) if k not in (start, end)]
            for length in range(len(others) + 1):
                for middle in permutations(others, length):
                    path = [start, *middle, end]
                    strength = min(link(a, b) for a, b in pairwise(path))
                    p[start][end] = max(p[start][end], strength)
    return p


@FAST
@given(rankings())
def test_schulze_elects_the_condorcet_winner_when_there_is_one(
    case: tuple[list[str], list[tuple[str, ...]]],
) -> None:
    options, orders = case
    result = tally(
        Method.RANKED_CHOICE,
        {"options": options},
        civil_society(len(orders)),
        [(f"voter-{n}", order) for n, order in enumerate(orders)],
    )
    d = naive_pairwise(options, orders)
    assert [list(row) for row in result.detail.pairwise] == d
    p = result.detail.strongest_paths
    assert [list(row) for row in p] == widest_paths_by_brute_force(d)
    size = len(options)
    condorcet = [i for i in range(size) if all(d[i][j] > d[j][i] for j in range(size) if j != i)]
    if condorcet:
        assert result.detail.winners == (options[condorcet[0]],)
    # The winners are exactly the options that no option beats by strongest paths.
    unbeaten = [options[i] for i in range(size) if all(p[i][j] >= p[j][i] for j in range(size))]
    assert list(result.detail.winners) == unbeaten
    assert sorted(option for tier in result.detail.ranking for option in tier) == sorted(options)


# --- approval voting ------------------------------------------------------------------------------


@FAST
@given(
    st.integers(2, 6).flatmap(
        lambda size: st.tuples(
            st.just([f"option-{n}" for n in range(size)]),
            st.lists(st.sets(st.sampled_from([f"option-{n}" for n in range(size)])), max_size=20),
        )
    )
)
def test_approval_winners_have_the_most_approvals(case: tuple[list[str], list[set[str]]]) -> None:
    options, approvals = case
    result = tally(
        Method.APPROVAL_VOTING,
        {"options": options},
        civil_society(len(approvals)),
        [(f"voter-{n}", approved) for n, approved in enumerate(approvals)],
    )
    totals = {option: sum(option in approved for approved in approvals) for option in options}
    most = max(totals.values())
    assert dict(result.detail.approvals) == totals
    assert list(result.detail.winners) == [option for option in options if totals[option] == most]
    assert result.outcome == (Outcome.DECIDED if len(result.detail.winners) == 1 else Outcome.TIED)


# --- ballot order ---------------------------------------------------------------------------------

CHOICES = {
    Method.SIMPLE_MAJORITY: st.sampled_from(["yes", "no", "abstain"]),
    Method.QUALIFIED_MAJORITY: st.sampled_from(["yes", "no", "abstain"]),
    Method.EVERY_PARTY: st.sampled_from(["yes", "no", "abstain"]),
    Method.CONSENT: st.sampled_from(["agree", "stand_aside", "object"]),
    Method.RANKED_CHOICE: st.permutations(["a", "b", "c", "d"]).map(lambda order: tuple(order[:3])),
    Method.APPROVAL_VOTING: st.frozensets(st.sampled_from(["a", "b", "c", "d"])),
}
PARAMETERS = {
    Method.SIMPLE_MAJORITY: {"quorum": {"overall": "1/2", "per_party": {"carrier": "1/3"}}},
    Method.QUALIFIED_MAJORITY: {"threshold": {"fraction": "3/5"}},
    Method.EVERY_PARTY: {"parties": {"carrier": None, "beneficiary": {"fraction": "2/3"}}},
    Method.CONSENT: {},
    Method.RANKED_CHOICE: {"options": ["a", "b", "c", "d"]},
    Method.APPROVAL_VOTING: {"options": ["a", "b", "c", "d"]},
}


@FAST
@given(st.sampled_from(list(Method)).flatmap(lambda method: st.tuples(st.just(method), st.data())))
def test_results_do_not_depend_on_the_order_of_the_ballots(case: tuple[Method, st.DataObject]) -> None:
    method, data = case
    voters = {
        **dict.fromkeys(voter_ids(Party.CARRIER, 6), Party.CARRIER),
        **dict.fromkeys(voter_ids(Party.BENEFICIARY, 6), Party.BENEFICIARY),
    }
    proxies = {"carrier-0": "carrier-1", "beneficiary-0": "beneficiary-1"}
    chosen = data.draw(st.lists(st.sampled_from(sorted(voters)), unique=True))
    reasons = st.sampled_from(["Too expensive.", "Not accessible.", "Unclear."])
    ballots = [
        Ballot(
            voter,
            data.draw(CHOICES[method]),
            proxies[voter] if voter in proxies and data.draw(st.booleans()) else None,
            data.draw(reasons),
        )
        for voter in chosen
    ]
    electorate_ = Electorate(voters, proxies)
    expected = tally(method, PARAMETERS[method], electorate_, ballots).to_dict()
    shuffled = data.draw(st.permutations(ballots))
    assert tally(method, PARAMETERS[method], electorate_, shuffled).to_dict() == expected

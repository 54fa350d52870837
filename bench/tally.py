"""Time the pure tally engine on large motions (a benchmark that prints figures, not a test).

    .venv/bin/python bench/tally.py                 # 1,000,000 simple and per-party ballots, 100,000 ranked
    .venv/bin/python bench/tally.py --repeat 5      # best and median of five runs each

Ballots are plain tuples ``(voter, choice)`` as a service would read them from the database; building
them is not timed. The electorate is built once per size (its validation is timed separately).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from decisions.domain import Electorate, Method, tally
from governance.parties import Party

PARTIES = list(Party)
# A Sozialraum's electorate leans towards beneficiaries and civil society.
PARTY_WEIGHTS = [30, 10, 5, 15, 30, 10]


def timed(repeat: int, work: Callable[[], object]) -> tuple[float, float, object]:
    """Best and median wall time in seconds over ``repeat`` runs, and the last result."""
    times: list[float] = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def electorate_of(size: int, rng: random.Random, proxies: int = 0) -> Electorate:
    parties = rng.choices(PARTIES, PARTY_WEIGHTS, k=size)
    voters = dict(zip(range(size), parties, strict=True))
    # Proxies within the same party: voter n authorises the next voter of their party.
    authorised: dict[int, int] = {}
    last_of: dict[Party, int] = {}
    for voter, party in voters.items():
        if len(authorised) >= proxies:
            break
        if party in last_of:
            authorised[last_of.pop(party)] = voter
        else:
            last_of[party] = voter
    return Electorate(voters, authorised)


def yes_no_ballots(electorate: Electorate, rng: random.Random, proxy_share: float = 0.0) -> list[tuple]:
    choices = rng.choices(["yes", "no", "abstain"], [55, 35, 10], k=electorate.size)
    ballots: list[tuple] = list(zip(electorate.voters, choices, strict=True))
    if proxy_share:
        for voter, proxy in list(electorate.proxies.items())[: int(proxy_share * electorate.size)]:
            ballots[voter] = (voter, ballots[voter][1], proxy)
    return ballots


def ranked_ballots(count: int, options: list[str], rng: random.Random, clustered: bool) -> list[tuple]:
    """Random full or partial rankings; ``clustered`` draws from a few dozen common orders instead."""
    common = [tuple(rng.sample(options, len(options))) for _ in range(40)]
    ballots = []
    for voter in range(count):
        if clustered:
            order = list(rng.choice(common))
            if rng.random() < 0.2:  # a fifth swap two neighbours
                i = rng.randrange(len(order) - 1)
                order[i], order[i + 1] = order[i + 1], order[i]
        else:
            order = rng.sample(options, len(options))
        if rng.random() < 0.3:  # some rank only their favourites
            order = order[: rng.randrange(1, len(order))]
        ballots.append((voter, tuple(order)))
    return ballots


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=1_000_000, help="simple and per-party ballots")
    parser.add_argument("--ranked", type=int, default=100_000, help="ranked ballots")
    parser.add_argument("--options", type=int, default=10, help="alternatives in the ranked motion")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    rng = random.Random(2024)

    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"best and median of {arguments.repeat} runs; wall time in seconds\n")
    rows: list[tuple[str, float, float, str]] = []

    size = arguments.ballots
    best, median, voters = timed(1, lambda: electorate_of(size, rng, proxies=size // 50))
    assert isinstance(voters, Electorate)
    rows.append(
        (f"electorate snapshot of {size:,} voters with {len(voters.proxies):,} proxies", best, median, "")
    )
    plain = yes_no_ballots(voters, rng)
    with_proxies = yes_no_ballots(voters, rng, proxy_share=0.01)

    def simple() -> object:
        return tally(Method.SIMPLE_MAJORITY, {"quorum": {"overall": "1/3"}}, voters, plain)

    best, median, result = timed(arguments.repeat, simple)
    rows.append((f"simple majority, {size:,} ballots", best, median, result.outcome))  # type: ignore[attr-defined]

    best, median, result = timed(
        arguments.repeat, lambda: tally(Method.SIMPLE_MAJORITY, None, voters, with_proxies)
    )
    by_proxy = result.turnout.by_proxy  # type: ignore[attr-defined]
    rows.append((f"simple majority, {size:,} ballots, {by_proxy:,} by proxy", best, median,
                 result.outcome))  # type: ignore[attr-defined]  # fmt: skip

    every_party = {"parties": {party.value: {"fraction": "1/2"} for party in PARTIES},
                   "quorum": {"per_party": {party.value: "1/4" for party in PARTIES}}}  # fmt: skip
    best, median, result = timed(
        arguments.repeat, lambda: tally(Method.EVERY_PARTY, every_party, voters, plain)
    )
    rows.append((f"approval by every party (6 parties), {size:,} ballots", best, median,
                 result.outcome))  # type: ignore[attr-defined]  # fmt: skip

    options = [f"option-{n}" for n in range(arguments.options)]
    ranked_voters = Electorate(dict.fromkeys(range(arguments.ranked), Party.CIVIL_SOCIETY))
    for clustered in (False, True):
        ballots = ranked_ballots(arguments.ranked, options, rng, clustered)
        distinct = len({order for _voter, order in ballots})
        best, median, result = timed(
            arguments.repeat,
            lambda b=ballots: tally(Method.RANKED_CHOICE, {"options": options}, ranked_voters, b),
        )
        label = (
            f"Schulze, {arguments.ranked:,} ranked ballots over {len(options)} options, {distinct:,} distinct"
        )
        rows.append((label, best, median, f"{result.outcome}: {', '.join(result.detail.winners)}"))  # type: ignore[attr-defined]

    width = max(len(row[0]) for row in rows)
    print(f"{'what':<{width}}  {'best':>7}  {'median':>7}  outcome")
    for label, best, median, outcome in rows:
        print(f"{label:<{width}}  {best:7.3f}  {median:7.3f}  {outcome}")


if __name__ == "__main__":
    main()

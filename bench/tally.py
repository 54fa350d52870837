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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from decisions.domain import Electorate, Method, Result, tally
from governance.parties import Party

PARTIES = list(Party)
# A Sozialraum's electorate leans towards beneficiaries and civil society.
PARTY_WEIGHTS = [30, 10, 5, 15, 30, 10]


def timed(repeat: int, work: Callable[[], object]) -> tuple[float, float, float, object]:
    """Best and median wall time and best CPU time in seconds over ``repeat`` runs, and the last result."""
    times: list[float] = []
    cpu: list[float] = []
    result: object = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), statistics.median(times), min(cpu), result


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
    print(
        f"best and median wall time and best CPU time of {arguments.repeat} runs, in seconds; on a busy "
        "machine read the CPU column\n"
    )
    rows: list[tuple[str, float, float, float, str]] = []

    def measure(label: str, work: Callable[[], Any], repeat: int = arguments.repeat) -> Any:
        best, median, cpu, result = timed(repeat, work)
        if isinstance(result, Result):
            winners = getattr(result.detail, "winners", ())
            outcome = f"{result.outcome}: {', '.join(winners)}" if winners else str(result.outcome)
        else:
            outcome = ""
        rows.append((label, best, median, cpu, outcome))
        return result

    size = arguments.ballots
    voters = measure(
        f"electorate snapshot of {size:,} voters with {size // 50:,} proxies",
        lambda: electorate_of(size, rng, proxies=size // 50),
        repeat=1,
    )
    plain = yes_no_ballots(voters, rng)
    with_proxies = yes_no_ballots(voters, rng, proxy_share=0.01)
    measure(
        f"simple majority, {size:,} ballots",
        lambda: tally(Method.SIMPLE_MAJORITY, {"quorum": {"overall": "1/3"}}, voters, plain),
    )
    proxied = sum(len(ballot) > 2 for ballot in with_proxies)
    measure(
        f"simple majority, {size:,} ballots, {proxied:,} by proxy",
        lambda: tally(Method.SIMPLE_MAJORITY, None, voters, with_proxies),
    )
    every_party = {
        "parties": {party.value: {"fraction": "1/2"} for party in PARTIES},
        "quorum": {"per_party": {party.value: "1/4" for party in PARTIES}},
    }
    measure(
        f"approval by every party (6 parties), {size:,} ballots",
        lambda: tally(Method.EVERY_PARTY, every_party, voters, plain),
    )

    options = [f"option-{n}" for n in range(arguments.options)]
    ranked_voters = Electorate(dict.fromkeys(range(arguments.ranked), Party.CIVIL_SOCIETY))
    for clustered in (False, True):
        ballots = ranked_ballots(arguments.ranked, options, rng, clustered)
        distinct = len({order for _voter, order in ballots})
        label = f"Schulze, {arguments.ranked:,} ballots over {len(options)} options, {distinct:,} distinct"
        measure(
            label,
            lambda b=ballots: tally(Method.RANKED_CHOICE, {"options": options}, ranked_voters, b),
        )

    width = max(len(row[0]) for row in rows)
    print(f"{'what':<{width}}  {'best':>7}  {'median':>7}  {'CPU':>7}  outcome")
    for label, best, median, cpu, outcome in rows:
        print(f"{label:<{width}}  {best:7.3f}  {median:7.3f}  {cpu:7.3f}  {outcome}")


if __name__ == "__main__":
    main()

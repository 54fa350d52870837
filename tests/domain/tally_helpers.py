"""Small builders for the tally tests: electorates by party and ballots by count."""

from __future__ import annotations

from decisions.domain import Electorate
from governance.parties import Party


def voter_ids(party: Party, count: int, start: int = 0) -> list[str]:
    return [f"{party.value}-{number}" for number in range(start, start + count)]


def electorate(proxies: dict[str, str] | None = None, **sizes: int) -> Electorate:
    """``electorate(beneficiary=3, carrier=2)``: voters "beneficiary-0", ..., "carrier-1"."""
    voters = {voter: Party(name) for name, size in sizes.items() for voter in voter_ids(Party(name), size)}
    return Electorate(voters, proxies or {})


def votes(party: Party, start: int = 0, **counts: int) -> list[tuple[str, str]]:
    """``votes(Party.CARRIER, yes=2, no=1)``: ballots of the party's voters, numbered from ``start``."""
    ballots: list[tuple[str, str]] = []
    number = start
    for choice, count in counts.items():
        for voter in voter_ids(party, count, number):
            ballots.append((voter, choice))
        number += count
    return ballots


def ranked(groups: list[tuple[int, str]]) -> list[tuple[str, tuple[str, ...]]]:
    """Ballots from ``[(5, "ACBED"), ...]``: five voters ranking A > C > B > E > D, and so on."""
    ballots: list[tuple[str, tuple[str, ...]]] = []
    for count, order in groups:
        for _ in range(count):
            ballots.append((f"voter-{len(ballots)}", tuple(order)))
    return ballots


def civil_society(count: int) -> Electorate:
    """``count`` voters "voter-0", ... of civil society (as ``ranked`` names them)."""
    return Electorate(dict.fromkeys((f"voter-{number}" for number in range(count)), Party.CIVIL_SOCIETY))

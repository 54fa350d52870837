"""Did enough people take part? Quorum overall and per party, as shares of the electorate."""

from __future__ import annotations

from fractions import Fraction

from decisions.domain.parameters import Quorum, in_party_order
from decisions.domain.results import QuorumCheck, Turnout
from governance.parties import Party

OVERALL = "overall"


def needed(share: Fraction, electorate: int) -> int:
    """The fewest ballots that make up at least ``share`` of ``electorate`` (rounded up)."""
    return -(-share.numerator * electorate // share.denominator)


def check_quorum(quorum: Quorum, turnout: Turnout) -> tuple[QuorumCheck, ...]:
    """One check per quorum set, overall first, then the parties in their usual order.

    Every ballot counted takes part, abstentions and "stand aside" included.
    """
    checks: list[QuorumCheck] = []
    if quorum.overall is not None:
        checks.append(_check(OVERALL, quorum.overall, turnout.electorate, turnout.cast))
    for party, share in in_party_order(quorum.per_party):
        entry = turnout.party(Party(party))
        checks.append(_check(entry.party.value, share, entry.electorate, entry.cast))
    return tuple(checks)


def _check(scope: str, share: Fraction, electorate: int, cast: int) -> QuorumCheck:
    return QuorumCheck(scope, share, electorate, needed(share, electorate), cast)

"""Approval by every party ("all sides"): each listed party decides by its own majority.

Overall numbers are shown but never decide: a motion with 99 % yes overall is rejected when one listed
party does not approve it among its own voters.
"""

from __future__ import annotations

from dataclasses import dataclass

from decisions.domain.counting import Counted
from decisions.domain.electorate import Electorate
from decisions.domain.majority import VoteCounts, count_votes
from decisions.domain.parameters import EveryPartyParameters
from decisions.domain.results import JsonMixin, Outcome
from decisions.domain.thresholds import Threshold
from governance.parties import Party


@dataclass(frozen=True)
class PartyApproval(JsonMixin):
    """One listed party: its voters, its votes, the threshold it had to reach, and whether it approved."""

    party: Party
    threshold: Threshold
    electorate: int
    counts: VoteCounts
    approved: bool


@dataclass(frozen=True)
class EveryPartyDetail(JsonMixin):
    parties: tuple[PartyApproval, ...]  # the listed parties, in their usual order
    withheld: tuple[Party, ...]  # listed parties that did not approve
    counts: VoteCounts  # everyone's votes together, for information only


def every_party(
    parameters: EveryPartyParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, EveryPartyDetail]:
    """Accepted only when every listed party reaches its own threshold among its own voters.

    A listed party without eligible voters cannot approve, so it withholds approval.
    """
    overall, by_party = count_votes(counted)
    approvals = []
    for party, threshold in parameters.parties.items():
        counts = by_party.get(party, VoteCounts())
        size = electorate.party_size(party)
        approvals.append(
            PartyApproval(
                Party(party), threshold, size, counts, threshold.passes(counts.yes, counts.no, size)
            )
        )
    withheld = tuple(approval.party for approval in approvals if not approval.approved)
    outcome = Outcome.REJECTED if withheld else Outcome.ACCEPTED
    return outcome, EveryPartyDetail(tuple(approvals), withheld, overall)

"""Simple and qualified majority: yes, no or abstain; abstentions never count against a motion."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from decisions.domain.counting import Counted
from decisions.domain.electorate import Electorate
from decisions.domain.methods import Vote
from decisions.domain.parameters import MotionParameters, QualifiedMajorityParameters
from decisions.domain.results import JsonMixin, Outcome
from decisions.domain.thresholds import SIMPLE_MAJORITY, Threshold
from governance.parties import Party

VOTES = frozenset(Vote)


@dataclass(frozen=True)
class VoteCounts(JsonMixin):
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def valid(self) -> int:
        """Yes and no votes: the votes that take a side."""
        return self.yes + self.no

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class PartyVotes(JsonMixin):
    party: Party
    counts: VoteCounts


@dataclass(frozen=True)
class MajorityDetail(JsonMixin):
    threshold: Threshold
    counts: VoteCounts
    parties: tuple[PartyVotes, ...]  # the breakdown by party, for information: it decides nothing here
    threshold_met: bool


def count_votes(counted: Counted) -> tuple[VoteCounts, dict[Party | None, VoteCounts]]:
    """Yes, no and abstain overall and per party; raises ``unknown_choice`` for any other choice."""
    counted.raise_problems(counted.choice_problems("unknown_choice", lambda choice: not _is_vote(choice)))
    per_party: dict[Party | None, dict[str, int]] = {}
    for (party, choice), number in counted.counts.items():
        per_party.setdefault(party, {})[Vote(choice).value] = number
    by_party = {party: VoteCounts(**numbers) for party, numbers in per_party.items()}
    overall = VoteCounts(
        sum(c.yes for c in by_party.values()),
        sum(c.no for c in by_party.values()),
        sum(c.abstain for c in by_party.values()),
    )
    return overall, by_party


def party_breakdown(
    electorate: Electorate, by_party: dict[Party | None, VoteCounts]
) -> tuple[PartyVotes, ...]:
    return tuple(PartyVotes(party, by_party.get(party, VoteCounts())) for party in electorate.size_by_party)


def _is_vote(choice: Hashable) -> bool:
    return isinstance(choice, str) and choice in VOTES


def _decide(threshold: Threshold, electorate: Electorate, counted: Counted) -> tuple[Outcome, MajorityDetail]:
    overall, by_party = count_votes(counted)
    met = threshold.passes(overall.yes, overall.no, electorate.size)
    detail = MajorityDetail(threshold, overall, party_breakdown(electorate, by_party), met)
    return (Outcome.ACCEPTED if met else Outcome.REJECTED), detail


def simple_majority(
    parameters: MotionParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, MajorityDetail]:
    """Accepted when there are more yes than no votes; a tie is rejected."""
    return _decide(SIMPLE_MAJORITY, electorate, counted)


def qualified_majority(
    parameters: QualifiedMajorityParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, MajorityDetail]:
    """Accepted when yes votes reach the share of valid votes or of the electorate (see Threshold)."""
    return _decide(parameters.threshold, electorate, counted)

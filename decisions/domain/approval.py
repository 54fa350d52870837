"""Approval voting among alternatives: each ballot approves any number of options; most approvals win."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from decisions.domain.alternatives import (
    OPTION_LISTED_TWICE,
    UNKNOWN_OPTION,
    Reading,
    lookup,
    outcome_of,
    read_choices,
    tiers_by_score,
)
from decisions.domain.counting import MALFORMED, Counted
from decisions.domain.electorate import Electorate
from decisions.domain.parameters import AlternativesParameters
from decisions.domain.results import JsonMixin, Outcome, fields_to_jsonable
from governance.parties import Party

SET_TYPES = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class PartyApprovals(JsonMixin):
    party: Party
    approvals: Mapping[str, int]  # option → approvals from this party's voters, in the motion's order


@dataclass(frozen=True)
class ApprovalDetail(JsonMixin):
    options: tuple[str, ...]
    approvals: Mapping[str, int]  # option → approvals, in the motion's order
    parties: tuple[PartyApprovals, ...]  # the breakdown by party, for information
    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...]  # tiers of equal approvals, most first

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1

    def to_dict(self) -> dict[str, Any]:
        return {**fields_to_jsonable(self), "tie": self.tie}


def freeze_approvals(choice: Any) -> Hashable:
    """The approved options as a hashable key (lists keep their order, so repeats can be found)."""
    if isinstance(choice, str) or not isinstance(choice, SET_TYPES):
        return MALFORMED
    if isinstance(choice, set):
        return frozenset(choice)
    return choice if isinstance(choice, frozenset) else tuple(choice)


def read_approvals(options: Sequence[str]) -> Any:
    position = lookup(options)

    def read(choice: Hashable) -> Reading:
        indexes = [position(option) for option in choice]  # type: ignore[attr-defined]
        if None in indexes:
            return Reading(problem=UNKNOWN_OPTION)
        if len(set(indexes)) != len(indexes):
            return Reading(problem=OPTION_LISTED_TWICE)
        return Reading(tuple(sorted(indexes)))  # type: ignore[type-var]

    return read


def approval_voting(
    parameters: AlternativesParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, ApprovalDetail]:
    """The options with the most approvals win; ``tied`` when several share the most."""
    options = parameters.options
    canonical = read_choices(counted, read_approvals(options))
    totals = [0] * len(options)
    by_party: dict[Party | None, list[int]] = {}
    for (party, choice), number in counted.counts.items():
        party_totals = by_party.setdefault(party, [0] * len(options))
        for index in canonical[choice]:  # type: ignore[attr-defined]
            totals[index] += number
            party_totals[index] += number
    tiers = tuple(tuple(options[index] for index in tier) for tier in tiers_by_score(totals))
    parties = tuple(
        PartyApprovals(party, dict(zip(options, by_party.get(party, [0] * len(options)), strict=True)))
        for party in electorate.size_by_party
    )
    detail = ApprovalDetail(options, dict(zip(options, totals, strict=True)), parties, tiers[0], tiers)
    return outcome_of(detail.winners), detail

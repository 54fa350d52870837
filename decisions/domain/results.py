"""What a tally returns: frozen dataclasses that turn into JSON with ``to_dict()``.

Results hold counts, never voter ids, so a result can be published even for a secret ballot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from fractions import Fraction
from typing import Any

from decisions.domain.methods import Method
from governance.parties import Party


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    BLOCKED = "blocked"  # consent: at least one objection
    DECIDED = "decided"  # alternatives: exactly one winner
    TIED = "tied"  # alternatives: several options share first place
    NOT_DECIDED_QUORUM_MISSED = "not_decided_quorum_missed"


def to_jsonable(value: Any) -> Any:
    """Objects with ``to_dict``, dataclasses, enums, fractions, tuples and mappings as JSON types."""
    if callable(getattr(value, "to_dict", None)) and not isinstance(value, type):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_to_jsonable(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Mapping):
        return {str(to_jsonable(key)): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [to_jsonable(item) for item in value]
    return value


def fields_to_jsonable(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a JSON object."""
    return {item.name: to_jsonable(getattr(value, item.name)) for item in dataclasses.fields(value)}


class JsonMixin:
    def to_dict(self) -> dict[str, Any]:
        return fields_to_jsonable(self)


@dataclass(frozen=True)
class PartyTurnout(JsonMixin):
    party: Party
    electorate: int  # eligible voters of the party
    cast: int  # ballots counted for them (abstentions included)
    by_proxy: int  # of which cast by a proxy


@dataclass(frozen=True)
class Turnout(JsonMixin):
    electorate: int
    cast: int
    by_proxy: int
    parties: tuple[PartyTurnout, ...]  # every party with eligible voters, in the parties' usual order

    def party(self, party: Party) -> PartyTurnout:
        for entry in self.parties:
            if entry.party == party:
                return entry
        return PartyTurnout(party, 0, 0, 0)


@dataclass(frozen=True)
class QuorumCheck(JsonMixin):
    """One quorum: ``scope`` is "overall" or a party; ``needed`` ballots out of ``electorate``."""

    scope: str
    share: Fraction
    electorate: int
    needed: int
    cast: int

    @property
    def met(self) -> bool:
        return self.cast >= self.needed

    def to_dict(self) -> dict[str, Any]:
        return {**fields_to_jsonable(self), "met": self.met}


@dataclass(frozen=True)
class Result(JsonMixin):
    """The outcome of a motion with everything needed to explain it.

    ``detail`` is the method's own account (counts, objections, per-party approvals, the Schulze
    matrices, approvals per option); it is computed even when the quorum was missed, for transparency.
    """

    method: Method
    outcome: Outcome
    turnout: Turnout
    quorum: tuple[QuorumCheck, ...]
    detail: Any
    parameters: Mapping[str, Any]  # the parameters' JSON form, so the result can be recounted

    @property
    def quorum_met(self) -> bool:
        return all(check.met for check in self.quorum)

    @property
    def failed_quorums(self) -> tuple[QuorumCheck, ...]:
        return tuple(check for check in self.quorum if not check.met)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method.value,
            "outcome": self.outcome.value,
            "quorum_met": self.quorum_met,
            "turnout": self.turnout.to_dict(),
            "quorum": [check.to_dict() for check in self.quorum],
            "detail": to_jsonable(self.detail),
            "parameters": dict(self.parameters),
        }

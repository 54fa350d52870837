"""Who may vote (the electorate, fixed when a motion opens) and what a ballot is.

A ballot is a plain tuple ``(voter, choice)``, ``(voter, choice, cast_by)`` or
``(voter, choice, cast_by, reason)``; :class:`Ballot` is the same tuple with names. A ballot cast by
a proxy counts for the voter it was cast for, and is marked as cast by proxy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from decisions.domain.errors import InvalidElectorate, Problem
from governance.parties import Party

VoterId = Hashable
# Voters who speak for no party (a neutral facilitator) may be eligible; party rules ignore them.
PARTY_VALUES: frozenset[Party | None] = frozenset({*Party, None})


class Ballot(NamedTuple):
    voter: VoterId  # whose vote this is
    choice: Any  # "yes"/"no"/"abstain", "agree"/"stand_aside"/"object", a ranking or a set of options
    cast_by: VoterId | None = None  # the proxy who cast it; None when the voter cast it themselves
    reason: str = ""  # why the voter objects (consent)


@dataclass(frozen=True)
class Electorate:
    """Snapshot of the eligible voters with their party, and the proxies authorised for them.

    ``proxies`` maps a voter to the member who may vote for them. A proxy must be in the electorate,
    speak for the same party, and hold at most one proxy.
    """

    voters: Mapping[VoterId, Party | None]
    proxies: Mapping[VoterId, VoterId] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Copies: the snapshot must not change when the caller's dicts do.
        object.__setattr__(self, "voters", dict(self.voters))
        object.__setattr__(self, "proxies", dict(self.proxies))
        problems = self._party_problems() + self._proxy_problems()
        if problems:
            raise InvalidElectorate(problems)

    def _party_problems(self) -> list[Problem]:
        unknown = set(self.voters.values()) - PARTY_VALUES  # Party is a StrEnum: "carrier" is fine
        if not unknown:
            return []
        return [
            Problem("unknown_party", voter=voter, detail=str(party))
            for voter, party in self.voters.items()
            if party in unknown
        ]

    def _proxy_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        held = Counter(self.proxies.values())
        for voter, proxy in self.proxies.items():
            if voter not in self.voters:
                problems.append(Problem("voter_not_in_electorate", field="proxies", voter=voter))
            elif proxy == voter:
                problems.append(Problem("proxy_for_self", field="proxies", voter=voter))
            elif proxy not in self.voters:
                problems.append(
                    Problem("proxy_not_in_electorate", field="proxies", voter=voter, detail=str(proxy))
                )
            elif self.voters[proxy] != self.voters[voter]:
                problems.append(Problem("proxy_other_party", field="proxies", voter=voter, detail=str(proxy)))
            if held[proxy] > 1:
                problems.append(
                    Problem("proxy_holds_several", field="proxies", voter=voter, detail=str(proxy))
                )
        return problems

    @property
    def size(self) -> int:
        return len(self.voters)

    @cached_property
    def size_by_party(self) -> dict[Party, int]:
        """Number of eligible voters of each party that has any, in the parties' usual order."""
        counts = Counter(self.voters.values())
        return {party: counts[party] for party in Party if counts[party]}

    def party_size(self, party: Party) -> int:
        return self.size_by_party.get(party, 0)

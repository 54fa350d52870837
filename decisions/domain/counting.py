"""One pass over the ballots that every method shares: check who voted, then count choices by party.

Built for a million ballots: the work per ballot happens in C (``map``, ``set``, ``Counter`` over
``zip``); Python loops run only over the distinct choices, over proxy ballots, and over the ballots
of a refused input to say which ones are wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from decisions.domain.electorate import Electorate, VoterId
from decisions.domain.errors import InvalidBallots, Problem
from decisions.domain.results import PartyTurnout, Turnout
from governance.parties import Party

BALLOT_TYPES = (tuple, list)
BALLOT_LENGTHS = frozenset({2, 3, 4})


class Malformed:
    """Returned by a choice's freeze function for a choice that cannot be read at all."""

    def __repr__(self) -> str:
        return "MALFORMED"


MALFORMED: Any = Malformed()

Freeze = Callable[[Any], Hashable]


@dataclass(frozen=True)
class Counted:
    """The ballots, checked for who cast them, with their choices counted by party.

    ``counts`` maps ``(party, choice key)`` to a number of ballots; ``choices`` holds each ballot's
    choice key in input order (for pointing at a wrong ballot). ``problems`` are the voter problems
    found so far; the method adds its own about choices and raises them all together.
    """

    ballots: Sequence[Sequence[Any]]
    voters: list[VoterId]
    choices: list[Hashable]
    counts: Counter[tuple[Party | None, Hashable]]
    proxied: frozenset[int]  # indexes of the ballots cast by a proxy
    turnout: Turnout
    problems: tuple[Problem, ...]

    @cached_property
    def by_choice(self) -> Counter[Hashable]:
        """Ballots per choice key, all parties together."""
        totals: Counter[Hashable] = Counter()
        for (_party, choice), number in self.counts.items():
            totals[choice] += number
        return totals

    def choice_problems(self, code: str, wrong: Callable[[Hashable], bool]) -> list[Problem]:
        """A problem with ``code`` for each ballot whose choice key is ``wrong`` (tested once per key)."""
        bad = {choice for choice in self.by_choice if wrong(choice)}
        if not bad:
            return []
        return [
            Problem(code, voter=voter, index=index, detail=_shown(choice))
            for index, (voter, choice) in enumerate(zip(self.voters, self.choices, strict=True))
            if choice in bad
        ]

    def raise_problems(self, more: Iterable[Problem] = ()) -> None:
        """Raise every problem found, ordered by ballot, or return when there is none."""
        problems = [*self.problems, *more]
        if problems:
            problems.sort(key=lambda problem: -1 if problem.index is None else problem.index)
            raise InvalidBallots(problems)


def count_ballots(
    electorate: Electorate, ballots: Iterable[Sequence[Any]], freeze: Freeze | None = None
) -> Counted:
    """Check and count ``ballots`` (tuples ``(voter, choice[, cast_by[, reason]])``) of ``electorate``.

    ``freeze`` turns a choice into a hashable key (rankings and sets of options arrive as lists);
    it returns ``MALFORMED`` for a choice that cannot be read.
    """
    seq = ballots if isinstance(ballots, list | tuple) else list(ballots)
    _refuse_malformed(seq)
    voters = list(map(itemgetter(0), seq))
    choices = list(map(itemgetter(1), seq))
    if freeze is not None:
        choices = list(map(freeze, choices))
    problems = _voter_problems(electorate, voters)
    cast_by = _cast_by(seq)
    proxied = _proxied(cast_by, voters)
    for index in proxied:
        voter = voters[index]
        if voter in electorate.voters and electorate.proxies.get(voter) != cast_by[index]:
            problems.append(
                Problem("proxy_not_authorised", voter=voter, index=index, detail=str(cast_by[index]))
            )
    # Unknown voters count as speaking for no party here; their problem is reported all the same.
    parties = list(map(electorate.voters.get, voters))
    try:
        counts = Counter(zip(parties, choices, strict=True))
    except TypeError:  # a choice that is not hashable: a list where a word was expected
        counts = Counter()
        problems.extend(_malformed_choices(voters, choices))
    if freeze is not None and any(choice is MALFORMED for _party, choice in counts):
        problems.extend(_malformed_choices(voters, choices))
    cast = Counter(parties)
    by_proxy = Counter(parties[index] for index in proxied)
    turnout = _turnout(electorate, cast, by_proxy)
    return Counted(seq, voters, choices, counts, frozenset(proxied), turnout, tuple(problems))


def _refuse_malformed(seq: Sequence[Any]) -> None:
    kinds = set(map(type, seq))
    if all(issubclass(kind, BALLOT_TYPES) for kind in kinds) and set(map(len, seq)) <= BALLOT_LENGTHS:
        return
    raise InvalidBallots(
        Problem("malformed_ballot", index=index)
        for index, ballot in enumerate(seq)
        if not isinstance(ballot, BALLOT_TYPES) or len(ballot) not in BALLOT_LENGTHS
    )


def _voter_problems(electorate: Electorate, voters: list[VoterId]) -> list[Problem]:
    try:
        distinct = set(voters)
    except TypeError:
        raise InvalidBallots(
            Problem("malformed_ballot", index=index, detail="voter")
            for index, voter in enumerate(voters)
            if not _hashable(voter)
        ) from None
    problems: list[Problem] = []
    unknown = distinct - electorate.voters.keys()
    if unknown:
        problems.extend(
            Problem("voter_not_in_electorate", voter=voter, index=index)
            for index, voter in enumerate(voters)
            if voter in unknown
        )
    if len(distinct) != len(voters):
        seen: set[VoterId] = set()
        for index, voter in enumerate(voters):
            if voter in seen:
                problems.append(Problem("duplicate_ballot", voter=voter, index=index))
            seen.add(voter)
    return problems


def _proxied(cast_by: list[VoterId | None] | None, voters: list[VoterId]) -> list[int]:
    """Indexes of the ballots that someone cast for another voter."""
    if cast_by is None or cast_by.count(None) == len(cast_by):
        return []
    return [index for index, proxy in enumerate(cast_by) if proxy is not None and proxy != voters[index]]


def _cast_by(seq: Sequence[Sequence[Any]]) -> list[VoterId | None] | None:
    lengths = set(map(len, seq))
    if lengths <= {2}:
        return None
    if 2 not in lengths:
        return list(map(itemgetter(2), seq))
    return [ballot[2] if len(ballot) > 2 else None for ballot in seq]


def _malformed_choices(voters: list[VoterId], choices: list[Hashable]) -> list[Problem]:
    return [
        Problem("malformed_choice", voter=voter, index=index)
        for index, (voter, choice) in enumerate(zip(voters, choices, strict=True))
        if choice is MALFORMED or not _hashable(choice)
    ]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _turnout(electorate: Electorate, cast: Counter[Party | None], by_proxy: Counter[Party | None]) -> Turnout:
    return Turnout(
        electorate=electorate.size,
        cast=sum(cast.values()),
        by_proxy=sum(by_proxy.values()),
        parties=tuple(
            PartyTurnout(party, size, cast[party], by_proxy[party])
            for party, size in electorate.size_by_party.items()
        ),
    )


def _shown(choice: Hashable) -> str:
    text = repr(choice)
    return text if len(text) <= 80 else text[:77] + "..."

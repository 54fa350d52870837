"""What ranked choice and approval voting share: reading options from ballots, and ranking by score."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from decisions.domain.counting import MALFORMED, Counted
from decisions.domain.errors import Problem
from decisions.domain.results import Outcome

UNKNOWN_OPTION = "unknown_option"
OPTION_LISTED_TWICE = "option_listed_twice"


@dataclass(frozen=True)
class Reading:
    """A ballot's choice read against the options: a canonical value, or the problem that stops it."""

    value: Hashable = None
    problem: str | None = None


def read_choices(counted: Counted, read: Callable[[Hashable], Reading]) -> dict[Hashable, Hashable]:
    """Read each distinct choice once; raise every ballot problem together, or return the readings."""
    # A malformed choice is already among the counted problems; it is not read.
    readings = {choice: Reading() if choice is MALFORMED else read(choice) for choice in counted.by_choice}
    problems: list[Problem] = []
    for code in (UNKNOWN_OPTION, OPTION_LISTED_TWICE):
        problems.extend(
            counted.choice_problems(code, lambda choice, code=code: readings[choice].problem == code)
        )
    counted.raise_problems(problems)
    return {choice: reading.value for choice, reading in readings.items()}


def lookup(options: Sequence[str]) -> Callable[[object], int | None]:
    """A function giving an option's position among ``options``, or None for anything else."""
    positions = {option: index for index, option in enumerate(options)}

    def position(option: object) -> int | None:
        return positions.get(option) if isinstance(option, str) else None

    return position


def tiers_by_score(scores: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """Option indexes grouped by equal score, highest first; ties keep the order of the motion."""
    return tuple(
        tuple(index for index, score in enumerate(scores) if score == level)
        for level in sorted(set(scores), reverse=True)
    )


def outcome_of(winners: Sequence[object]) -> Outcome:
    return Outcome.DECIDED if len(winners) == 1 else Outcome.TIED

"""Why a tally was refused: each problem has a stable code the UI and the API can translate.

Codes (``Problem.code``):

- parameters: ``unknown_method``, ``unknown_parameter``, ``not_a_fraction``, ``fraction_out_of_range``,
  ``threshold_unreachable``, ``threshold_required``, ``unknown_base``, ``not_a_boolean``,
  ``unknown_party``, ``parties_required``, ``options_required``, ``too_few_options``,
  ``duplicate_option``, ``invalid_option``, ``wrong_parameters_type``;
- electorate: ``unknown_party``, ``proxy_not_in_electorate``, ``proxy_for_self``, ``proxy_other_party``,
  ``proxy_holds_several``;
- ballots: ``malformed_ballot``, ``malformed_choice``, ``voter_not_in_electorate``, ``duplicate_ballot``,
  ``proxy_not_authorised``, ``unknown_choice``, ``objection_without_reason``, ``unknown_option``,
  ``option_listed_twice``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: a code, and where it was found (a parameter, a voter, a ballot)."""

    code: str
    field: str | None = None  # the parameter, e.g. "threshold" or "quorum.per_party.carrier"
    voter: Hashable | None = None
    index: int | None = None  # position of the ballot in the input, when the voter is unknown
    detail: str | None = None  # the offending value, for the log and the API

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in vars(self).items() if value is not None}


class TallyError(ValueError):
    """The input cannot be counted. ``problems`` lists everything found, in input order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        shown = ", ".join(_short(problem) for problem in self.problems[:5])
        more = f" and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
        super().__init__(f"{type(self).__name__}: {shown}{more}")

    @property
    def codes(self) -> list[str]:
        """The distinct problem codes, in the order they first occur."""
        return list(dict.fromkeys(problem.code for problem in self.problems))


class InvalidParameters(TallyError):
    """The method's parameters are wrong (a threshold above 1, an unknown party, ...)."""


class InvalidElectorate(TallyError):
    """The electorate snapshot is inconsistent (an unknown party, a proxy of another party, ...)."""


class InvalidBallots(TallyError):
    """Some ballots cannot be counted (not eligible, cast twice, an unknown choice, ...)."""


def _short(problem: Problem) -> str:
    where = problem.field or (repr(problem.voter) if problem.voter is not None else None)
    if where is None and problem.index is not None:
        where = f"#{problem.index}"
    return f"{problem.code} ({where})" if where else problem.code

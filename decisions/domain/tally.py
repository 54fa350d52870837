"""The single entry point: ``tally(method, parameters, electorate, ballots) -> Result``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from decisions.domain.approval import approval_voting, freeze_approvals
from decisions.domain.consent import consent
from decisions.domain.counting import Counted, Freeze, count_ballots
from decisions.domain.electorate import Electorate
from decisions.domain.every_party import every_party
from decisions.domain.majority import qualified_majority, simple_majority
from decisions.domain.methods import Method
from decisions.domain.parameters import Parameters, method_of, parse_parameters, validate_parameters
from decisions.domain.quorum import check_quorum
from decisions.domain.results import Outcome, Result
from decisions.domain.schulze import freeze_ranking, ranked_choice

Counter_ = Callable[[Any, Electorate, Counted], tuple[Outcome, Any]]

COUNTERS: dict[Method, Counter_] = {
    Method.SIMPLE_MAJORITY: simple_majority,
    Method.QUALIFIED_MAJORITY: qualified_majority,
    Method.CONSENT: consent,
    Method.EVERY_PARTY: every_party,
    Method.RANKED_CHOICE: ranked_choice,
    Method.APPROVAL_VOTING: approval_voting,
}
FREEZERS: dict[Method, Freeze] = {
    Method.RANKED_CHOICE: freeze_ranking,
    Method.APPROVAL_VOTING: freeze_approvals,
}


def tally(
    method: Method | str,
    parameters: Parameters | Mapping[str, Any] | None,
    electorate: Electorate | Mapping[Any, Any],
    ballots: Iterable[Sequence[Any]],
) -> Result:
    """Count ``ballots`` of ``electorate`` by ``method`` with ``parameters``.

    ``parameters`` are a parameters object or their JSON form; ``electorate`` is an :class:`Electorate`
    or a mapping voter → party; ``ballots`` are tuples ``(voter, choice[, cast_by[, reason]])`` or
    :class:`Ballot`. Raises :class:`InvalidParameters`, :class:`InvalidElectorate` or
    :class:`InvalidBallots` with every problem found. A motion that misses a quorum is
    ``not_decided_quorum_missed``; its counts are still in the result.
    """
    method = method_of(method)
    if parameters is None or isinstance(parameters, Mapping):
        parameters = parse_parameters(method, parameters)
    else:
        validate_parameters(method, parameters)
    if not isinstance(electorate, Electorate):
        electorate = Electorate(electorate)
    counted = count_ballots(electorate, ballots, FREEZERS.get(method))
    outcome, detail = COUNTERS[method](parameters, electorate, counted)
    counted.raise_problems()  # every method raises them itself; this keeps it so
    checks = check_quorum(parameters.quorum, counted.turnout)
    if not all(check.met for check in checks):
        outcome = Outcome.NOT_DECIDED_QUORUM_MISSED
    return Result(method, outcome, counted.turnout, checks, detail, parameters.to_dict())

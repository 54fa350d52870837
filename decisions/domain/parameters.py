"""Each method's parameters, their validation, and their JSON form.

``parse_parameters(method, data)`` reads the JSON form (fractions as strings such as ``"2/3"``) and
``validate_parameters(method, parameters)`` checks objects built in code; both raise
:class:`InvalidParameters` listing every problem. ``to_dict()`` gives the JSON form back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from decisions.domain.errors import InvalidParameters, Problem
from decisions.domain.methods import Method
from decisions.domain.thresholds import Base, Threshold
from governance.parties import Party


def _fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Quorum:
    """Shares of the electorate that must take part: overall, and per party (of that party's voters)."""

    overall: Fraction | None = None
    per_party: Mapping[Party, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_party", dict(self.per_party))

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": _fraction_text(self.overall),
            "per_party": {Party(party).value: str(share) for party, share in in_party_order(self.per_party)},
        }


@dataclass(frozen=True)
class MotionParameters:
    """Simple majority and consent: nothing but the quorum."""

    quorum: Quorum = field(default_factory=Quorum)

    def to_dict(self) -> dict[str, Any]:
        return {"quorum": self.quorum.to_dict()}


@dataclass(frozen=True)
class QualifiedMajorityParameters:
    threshold: Threshold
    quorum: Quorum = field(default_factory=Quorum)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold.to_dict(), "quorum": self.quorum.to_dict()}


@dataclass(frozen=True)
class EveryPartyParameters:
    """The parties that must each approve, with the threshold each must reach among its own voters."""

    parties: Mapping[Party, Threshold]
    quorum: Quorum = field(default_factory=Quorum)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parties", dict(in_party_order(self.parties)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "parties": {Party(party).value: threshold.to_dict() for party, threshold in self.parties.items()},
            "quorum": self.quorum.to_dict(),
        }


@dataclass(frozen=True)
class AlternativesParameters:
    """Ranked choice and approval voting: the options (stable ids, in the order the motion lists them)."""

    options: tuple[str, ...]
    quorum: Quorum = field(default_factory=Quorum)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))

    def to_dict(self) -> dict[str, Any]:
        return {"options": list(self.options), "quorum": self.quorum.to_dict()}


Parameters = MotionParameters | QualifiedMajorityParameters | EveryPartyParameters | AlternativesParameters

PARAMETER_TYPES: dict[Method, type] = {
    Method.SIMPLE_MAJORITY: MotionParameters,
    Method.QUALIFIED_MAJORITY: QualifiedMajorityParameters,
    Method.CONSENT: MotionParameters,
    Method.EVERY_PARTY: EveryPartyParameters,
    Method.RANKED_CHOICE: AlternativesParameters,
    Method.APPROVAL_VOTING: AlternativesParameters,
}


def in_party_order(mapping: Mapping[Party, Any]) -> list[tuple[Party, Any]]:
    order = {party: position for position, party in enumerate(Party)}
    return sorted(mapping.items(), key=lambda item: order.get(item[0], len(order)))


def method_of(value: Method | str) -> Method:
    """The method named by ``value``; ``unknown_method`` otherwise."""
    try:
        return Method(value)
    except ValueError:
        raise InvalidParameters([Problem("unknown_method", field="method", detail=str(value))]) from None


# --- validation of objects ----------------------------------------------------------------------


def validate_parameters(method: Method, parameters: Parameters) -> None:
    """Raise :class:`InvalidParameters` unless ``parameters`` suit ``method`` and are in range."""
    problems: list[Problem] = []
    expected = PARAMETER_TYPES[method]
    if not isinstance(parameters, expected):
        problems.append(Problem("wrong_parameters_type", detail=type(parameters).__name__))
        raise InvalidParameters(problems)
    _check_quorum(parameters.quorum, problems)
    if isinstance(parameters, QualifiedMajorityParameters):
        if parameters.threshold.fraction is None:
            problems.append(Problem("threshold_required", field="threshold.fraction"))
        _check_threshold(parameters.threshold, "threshold", problems)
    elif isinstance(parameters, EveryPartyParameters):
        if not parameters.parties:
            problems.append(Problem("parties_required", field="parties"))
        for party, threshold in parameters.parties.items():
            if party not in Party.__members__.values():
                problems.append(Problem("unknown_party", field="parties", detail=str(party)))
            else:
                _check_threshold(threshold, f"parties.{Party(party).value}", problems)
    elif isinstance(parameters, AlternativesParameters):
        _check_options(parameters.options, problems)
    if problems:
        raise InvalidParameters(problems)


def _check_share(share: Any, name: str, problems: list[Problem]) -> None:
    if not isinstance(share, Fraction):
        problems.append(Problem("not_a_fraction", field=name, detail=repr(share)))
    elif not 0 < share <= 1:
        problems.append(Problem("fraction_out_of_range", field=name, detail=str(share)))


def _check_quorum(quorum: Quorum, problems: list[Problem]) -> None:
    if quorum.overall is not None:
        _check_share(quorum.overall, "quorum.overall", problems)
    for party, share in quorum.per_party.items():
        if party not in Party.__members__.values():
            problems.append(Problem("unknown_party", field="quorum.per_party", detail=str(party)))
        else:
            _check_share(share, f"quorum.per_party.{Party(party).value}", problems)


def _check_threshold(threshold: Threshold, name: str, problems: list[Problem]) -> None:
    if not isinstance(threshold, Threshold):
        problems.append(Problem("not_a_threshold", field=name, detail=repr(threshold)))
        return
    if threshold.base not in Base.__members__.values():
        problems.append(Problem("unknown_base", field=f"{name}.base", detail=str(threshold.base)))
    if not isinstance(threshold.strictly_more, bool):
        problems.append(Problem("not_a_boolean", field=f"{name}.strictly_more"))
    if threshold.fraction is not None:
        _check_share(threshold.fraction, f"{name}.fraction", problems)
        if threshold.fraction == 1 and threshold.strictly_more:
            problems.append(Problem("threshold_unreachable", field=f"{name}.fraction", detail="1"))


def _check_options(options: tuple[str, ...], problems: list[Problem]) -> None:
    if len(options) < 2:
        problems.append(Problem("too_few_options", field="options", detail=str(len(options))))
    seen: set[str] = set()
    for option in options:
        if not isinstance(option, str) or not option.strip():
            problems.append(Problem("invalid_option", field="options", detail=repr(option)))
        elif option in seen:
            problems.append(Problem("duplicate_option", field="options", detail=option))
        else:
            seen.add(option)


# --- parsing of the JSON form -------------------------------------------------------------------

_KEYS: dict[type, frozenset[str]] = {
    MotionParameters: frozenset({"quorum"}),
    QualifiedMajorityParameters: frozenset({"threshold", "quorum"}),
    EveryPartyParameters: frozenset({"parties", "quorum"}),
    AlternativesParameters: frozenset({"options", "quorum"}),
}


def parse_parameters(method: Method | str, data: Mapping[str, Any] | None) -> Parameters:
    """Build and validate the parameters of ``method`` from their JSON form.

    ``quorum``: ``{"overall": "1/2", "per_party": {"carrier": "1/3"}}`` (both optional);
    ``threshold``: ``{"fraction": "2/3", "base": "valid_votes" | "electorate", "strictly_more": false}``;
    ``parties``: ``{"beneficiary": null, "carrier": {"fraction": "2/3"}}`` (null: simple majority) or a
    list of parties that each decide by simple majority; ``options``: a list of option ids.
    """
    method = method_of(method)
    data = {} if data is None else data
    kind = PARAMETER_TYPES[method]
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise InvalidParameters([Problem("wrong_parameters_type", detail=type(data).__name__)])
    problems.extend(Problem("unknown_parameter", field=str(key)) for key in data if key not in _KEYS[kind])
    quorum = _parse_quorum(data.get("quorum"), problems)
    parameters: Parameters
    if kind is MotionParameters:
        parameters = MotionParameters(quorum)
    elif kind is QualifiedMajorityParameters:
        if data.get("threshold") is None:
            problems.append(Problem("threshold_required", field="threshold"))
        parameters = QualifiedMajorityParameters(
            _parse_threshold(data.get("threshold"), "threshold", problems), quorum
        )
    elif kind is EveryPartyParameters:
        parameters = EveryPartyParameters(_parse_parties(data.get("parties"), problems), quorum)
    else:
        options = data.get("options")
        if not isinstance(options, list | tuple):
            problems.append(Problem("options_required", field="options"))
            options = ()
        parameters = AlternativesParameters(tuple(options), quorum)
    if problems:
        raise InvalidParameters(problems)
    validate_parameters(method, parameters)
    return parameters


def _parse_fraction(value: Any, name: str, problems: list[Problem]) -> Fraction | None:
    if isinstance(value, Fraction):
        return value
    # Floats are refused: 0.67 is not two thirds. Strings ("2/3", "0.5") and integers are exact.
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            pass
    problems.append(Problem("not_a_fraction", field=name, detail=repr(value)))
    return None


def _parse_party(value: Any, name: str, problems: list[Problem]) -> Party | None:
    try:
        return Party(value)
    except ValueError:
        problems.append(Problem("unknown_party", field=name, detail=repr(value)))
        return None


def _parse_quorum(data: Any, problems: list[Problem]) -> Quorum:
    if data is None:
        return Quorum()
    if not isinstance(data, Mapping):
        problems.append(Problem("wrong_parameters_type", field="quorum", detail=type(data).__name__))
        return Quorum()
    problems.extend(
        Problem("unknown_parameter", field=f"quorum.{key}")
        for key in data
        if key not in ("overall", "per_party")
    )
    overall = None
    if data.get("overall") is not None:
        overall = _parse_fraction(data["overall"], "quorum.overall", problems)
    per_party: dict[Party, Fraction] = {}
    raw = data.get("per_party") or {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("wrong_parameters_type", field="quorum.per_party", detail=type(raw).__name__))
        raw = {}
    for key, value in raw.items():
        party = _parse_party(key, "quorum.per_party", problems)
        share = _parse_fraction(value, f"quorum.per_party.{key}", problems)
        if party is not None and share is not None:
            per_party[party] = share
    return Quorum(overall, per_party)


def _parse_threshold(data: Any, name: str, problems: list[Problem]) -> Threshold:
    if data is None:
        return Threshold()
    if not isinstance(data, Mapping):
        problems.append(Problem("wrong_parameters_type", field=name, detail=type(data).__name__))
        return Threshold()
    problems.extend(
        Problem("unknown_parameter", field=f"{name}.{key}")
        for key in data
        if key not in ("fraction", "base", "strictly_more")
    )
    fraction = None
    if data.get("fraction") is not None:
        fraction = _parse_fraction(data["fraction"], f"{name}.fraction", problems)
    try:
        base = Base(data.get("base", Base.VALID_VOTES))
    except ValueError:
        problems.append(Problem("unknown_base", field=f"{name}.base", detail=repr(data.get("base"))))
        base = Base.VALID_VOTES
    strictly_more = data.get("strictly_more", False)
    if not isinstance(strictly_more, bool):
        problems.append(Problem("not_a_boolean", field=f"{name}.strictly_more", detail=repr(strictly_more)))
        strictly_more = False
    return Threshold(fraction, base, strictly_more)


def _parse_parties(data: Any, problems: list[Problem]) -> dict[Party, Threshold]:
    if isinstance(data, list | tuple):
        data = dict.fromkeys(data)
    if not isinstance(data, Mapping) or not data:
        problems.append(Problem("parties_required", field="parties"))
        return {}
    parties: dict[Party, Threshold] = {}
    for key, value in data.items():
        party = _parse_party(key, "parties", problems)
        threshold = _parse_threshold(value, f"parties.{key}", problems)
        if party is not None:
            parties[party] = threshold
    return parties

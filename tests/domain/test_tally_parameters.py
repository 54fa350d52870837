"""Parameters, the electorate snapshot, method descriptions and the JSON form of results."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from decisions.domain import (
    METHOD_DESCRIPTIONS,
    Electorate,
    InvalidElectorate,
    InvalidParameters,
    Method,
    Quorum,
    Threshold,
    parse_parameters,
    tally,
)
from decisions.domain.parameters import (
    AlternativesParameters,
    EveryPartyParameters,
    MotionParameters,
    QualifiedMajorityParameters,
    validate_parameters,
)
from decisions.domain.thresholds import Base
from governance.parties import Party
from tests.domain.tally_helpers import civil_society, electorate, votes

# --- parameters -----------------------------------------------------------------------------------


def test_json_parameters_are_read_into_objects_and_written_back() -> None:
    data = {
        "parties": {"beneficiary": None, "carrier": {"fraction": "2/3", "base": "electorate"}},
        "quorum": {"overall": "1/3", "per_party": {"carrier": "1/2"}},
    }
    parameters = parse_parameters("every_party", data)
    assert parameters == EveryPartyParameters(
        {Party.BENEFICIARY: Threshold(), Party.CARRIER: Threshold(Fraction(2, 3), Base.ELECTORATE)},
        Quorum(Fraction(1, 3), {Party.CARRIER: Fraction(1, 2)}),
    )
    again = json.loads(json.dumps(parameters.to_dict()))
    assert parse_parameters("every_party", again) == parameters


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        (Method.SIMPLE_MAJORITY, MotionParameters(Quorum(Fraction(1, 2)))),
        (Method.CONSENT, MotionParameters()),
        (
            Method.QUALIFIED_MAJORITY,
            QualifiedMajorityParameters(Threshold(Fraction(3, 4), strictly_more=True)),
        ),
        (Method.RANKED_CHOICE, AlternativesParameters(("keep", "amendment-1"))),
        (
            Method.APPROVAL_VOTING,
            AlternativesParameters(("a", "b", "c"), Quorum(per_party={Party.PROVIDER: Fraction(1)})),
        ),
    ],
)
def test_every_method_round_trips_its_parameters_through_json(method: Method, parameters: object) -> None:
    assert parse_parameters(method, json.loads(json.dumps(parameters.to_dict()))) == parameters  # type: ignore[attr-defined]


def test_fractions_are_read_from_strings_and_integers_but_never_floats() -> None:
    read = parse_parameters(Method.QUALIFIED_MAJORITY, {"threshold": {"fraction": " 0.75 "}})
    assert read.threshold.fraction == Fraction(3, 4)  # type: ignore[union-attr]
    assert parse_parameters(Method.SIMPLE_MAJORITY, {"quorum": {"overall": 1}}).quorum.overall == 1
    with pytest.raises(InvalidParameters) as refused:
        parse_parameters(Method.QUALIFIED_MAJORITY, {"threshold": {"fraction": 0.67}})
    assert [(p.code, p.field) for p in refused.value.problems] == [("not_a_fraction", "threshold.fraction")]


@pytest.mark.parametrize(
    ("method", "data", "expected"),
    [
        ("secret_handshake", {}, [("unknown_method", "method")]),
        (Method.SIMPLE_MAJORITY, {"threshold": {"fraction": "2/3"}}, [("unknown_parameter", "threshold")]),
        (Method.SIMPLE_MAJORITY, {"quorum": {"overal": "1/2"}}, [("unknown_parameter", "quorum.overal")]),
        (Method.SIMPLE_MAJORITY, {"quorum": {"overall": "0"}}, [("fraction_out_of_range", "quorum.overall")]),
        (Method.SIMPLE_MAJORITY, {"quorum": {"overall": "1/0"}}, [("not_a_fraction", "quorum.overall")]),
        (
            Method.SIMPLE_MAJORITY,
            {"quorum": {"per_party": {"guests": "1/2"}}},
            [("unknown_party", "quorum.per_party")],
        ),
        (Method.SIMPLE_MAJORITY, ["quorum"], [("wrong_parameters_type", None)]),
        (Method.QUALIFIED_MAJORITY, {}, [("threshold_required", "threshold")]),
        (
            Method.QUALIFIED_MAJORITY,
            {"threshold": {"base": "electorate"}},
            [("threshold_required", "threshold.fraction")],
        ),
        (
            Method.QUALIFIED_MAJORITY,
            {"threshold": {"fraction": "3/2"}},
            [("fraction_out_of_range", "threshold.fraction")],
        ),
        (
            Method.QUALIFIED_MAJORITY,
            {"threshold": {"fraction": "1", "strictly_more": True}},
            [("threshold_unreachable", "threshold.fraction")],
        ),
        (
            Method.QUALIFIED_MAJORITY,
            {"threshold": {"fraction": "2/3", "base": "present"}},
            [("unknown_base", "threshold.base")],
        ),
        (
            Method.QUALIFIED_MAJORITY,
            {"threshold": {"fraction": "2/3", "strictly_more": "yes"}},
            [("not_a_boolean", "threshold.strictly_more")],
        ),
        (Method.EVERY_PARTY, {}, [("parties_required", "parties")]),
        (Method.EVERY_PARTY, {"parties": []}, [("parties_required", "parties")]),
        (Method.EVERY_PARTY, {"parties": ["carrier", "guests"]}, [("unknown_party", "parties")]),
        (
            Method.EVERY_PARTY,
            {"parties": {"carrier": {"fraction": "2"}}},
            [("fraction_out_of_range", "parties.carrier.fraction")],
        ),
        (Method.RANKED_CHOICE, {}, [("options_required", "options")]),
        (Method.RANKED_CHOICE, {"options": ["keep"]}, [("too_few_options", "options")]),
        (Method.APPROVAL_VOTING, {"options": ["a", "b", "a"]}, [("duplicate_option", "options")]),
        (
            Method.APPROVAL_VOTING,
            {"options": ["a", " ", 3]},
            [("invalid_option", "options"), ("invalid_option", "options")],
        ),
    ],
)
def test_bad_parameters_are_refused_with_codes(method: str, data: object, expected: list) -> None:
    with pytest.raises(InvalidParameters) as refused:
        parse_parameters(method, data)  # type: ignore[arg-type]
    assert [(p.code, p.field) for p in refused.value.problems] == expected


def test_parameter_objects_are_validated_too() -> None:
    with pytest.raises(InvalidParameters) as refused:
        validate_parameters(Method.RANKED_CHOICE, MotionParameters())
    assert refused.value.codes == ["wrong_parameters_type"]
    with pytest.raises(InvalidParameters) as refused:
        tally(Method.QUALIFIED_MAJORITY, QualifiedMajorityParameters(Threshold()), electorate(carrier=1), [])
    assert refused.value.codes == ["threshold_required"]
    with pytest.raises(InvalidParameters) as refused:
        tally(Method.SIMPLE_MAJORITY, MotionParameters(Quorum(0.5)), electorate(carrier=1), [])  # type: ignore[arg-type]
    assert refused.value.codes == ["not_a_fraction"]


# --- electorate -----------------------------------------------------------------------------------


def test_the_electorate_is_a_snapshot_with_counts_per_party() -> None:
    voters = {"a": Party.CARRIER, "b": "carrier", "c": Party.BENEFICIARY}
    snapshot = Electorate(voters)
    voters["d"] = Party.PROVIDER
    assert snapshot.size == 3
    assert snapshot.size_by_party == {Party.BENEFICIARY: 1, Party.CARRIER: 2}


@pytest.mark.parametrize(
    ("voters", "proxies", "expected"),
    [
        ({"a": "guests"}, {}, [("unknown_party", "a")]),
        ({"a": "carrier"}, {"a": "a"}, [("proxy_for_self", "a")]),
        ({"a": "carrier"}, {"a": "z"}, [("proxy_not_in_electorate", "a")]),
        ({"a": "carrier", "b": "provider"}, {"a": "b"}, [("proxy_other_party", "a")]),
        ({"z": "carrier"}, {"a": "z"}, [("voter_not_in_electorate", "a")]),
        (
            {"a": "carrier", "b": "carrier", "c": "carrier"},
            {"a": "c", "b": "c"},
            [("proxy_holds_several", "a"), ("proxy_holds_several", "b")],
        ),
    ],
)
def test_inconsistent_electorates_are_refused(voters: dict, proxies: dict, expected: list) -> None:
    with pytest.raises(InvalidElectorate) as refused:
        Electorate(voters, proxies)
    assert [(p.code, p.voter) for p in refused.value.problems] == expected


def test_a_plain_mapping_is_accepted_as_electorate() -> None:
    result = tally(Method.SIMPLE_MAJORITY, None, {"a": "carrier"}, [("a", "yes")])
    assert result.turnout.party(Party.CARRIER).cast == 1


# --- descriptions and JSON ------------------------------------------------------------------------


def test_every_method_is_described_in_plain_words() -> None:
    assert set(METHOD_DESCRIPTIONS) == set(Method)
    for description in METHOD_DESCRIPTIONS.values():
        assert description.name and description.summary.endswith(".")
        sentences = [s for s in description.summary.split(". ") if s]
        assert max(len(sentence.split()) for sentence in sentences) <= 25  # short sentences


BALLOTS_BY_METHOD = {
    Method.SIMPLE_MAJORITY: ({}, votes(Party.CIVIL_SOCIETY, yes=2, no=1)),
    Method.QUALIFIED_MAJORITY: ({"threshold": {"fraction": "2/3"}}, votes(Party.CIVIL_SOCIETY, yes=2, no=1)),
    Method.CONSENT: ({}, [("civil_society-0", "object", None, "Too expensive.")]),
    Method.EVERY_PARTY: ({"parties": ["civil_society"]}, votes(Party.CIVIL_SOCIETY, yes=1)),
    Method.RANKED_CHOICE: ({"options": ["x", "y"]}, [("civil_society-0", ("y", "x"))]),
    Method.APPROVAL_VOTING: ({"options": ["x", "y"]}, [("civil_society-0", ["x"])]),
}


@pytest.mark.parametrize("method", list(Method))
def test_results_turn_into_json_without_voter_ids(method: Method) -> None:
    parameters, ballots = BALLOTS_BY_METHOD[method]
    parameters = {**parameters, "quorum": {"overall": "1/3", "per_party": {"civil_society": "1/4"}}}
    result = tally(method, parameters, electorate(civil_society=3), ballots)
    published = json.dumps(result.to_dict())
    data = json.loads(published)
    assert data["method"] == method.value and data["outcome"] == result.outcome.value
    assert data["parameters"] == parse_parameters(method, parameters).to_dict()
    assert "civil_society-" not in published


def test_the_largest_electorates_are_counted_exactly() -> None:
    # Fractions keep two thirds exact where a float would round: 2/3 of 3,000,000 is exactly 2,000,000.
    threshold = Threshold(Fraction(2, 3), Base.ELECTORATE)
    assert threshold.passes(2_000_000, 0, 3_000_000)
    assert not threshold.passes(1_999_999, 0, 3_000_000)
    assert civil_society(0).size == 0

"""Hostile and malformed input to the agreements API: always a clear 400/404/413/422 problem, never a 500.

Runs on both databases: PostgreSQL refuses NUL characters and lone surrogates that SQLite stores.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from agreements.models import DraftSection
from tests.api.conftest import Cast


@pytest.fixture
def agreement(make_agreement) -> Any:
    return make_agreement(sections=("Beratung",), published=1)


@pytest.fixture
def writer(session, cast: Cast) -> dict[str, str]:
    cast.users["facilitator"].locale = "en"  # problems answer in the token owner's language
    session.commit()
    return cast.tokens["facilitator"]


def _problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


@pytest.mark.parametrize(
    ("data", "content_type", "says"),
    [
        (b'{"kind": "goal", "title": "x"}', "text/plain", "Content-Type"),
        (b"kind=goal&title=x", "application/x-www-form-urlencoded", "Content-Type"),
        (b"", "application/json", "not valid JSON"),
        (b"{", "application/json", "not valid JSON"),
        (b"{'kind': 'goal'}", "application/json", "not valid JSON"),
        (b'{"title": NaN}', "application/json", "not valid JSON"),
        (b'{"title": Infinity}', "application/json", "not valid JSON"),
        (b'{"title": "\xff\xfe"}', "application/json", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "not valid JSON"),
        (b'{"amount": ' + b"9" * 5000 + b"}", "application/json", "not valid JSON"),
        (b"[]", "application/json", "JSON object"),
        (b'"a section"', "application/json", "JSON object"),
        (b"null", "application/json", "JSON object"),
        (b"42", "application/json", "JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(
    client, agreement, writer, data: bytes, content_type: str, says: str
) -> None:
    response = client.post(
        f"/api/v1/agreements/{agreement.id}/draft/sections",
        data=data,
        content_type=content_type,
        headers=writer,
    )
    assert says in _problem(response, 400)["detail"]


def test_a_body_larger_than_two_megabytes_is_a_413_problem(client, agreement, writer) -> None:
    body = b'{"kind": "goal", "title": "x", "body": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = client.post(
        f"/api/v1/agreements/{agreement.id}/draft/sections",
        data=body,
        content_type="application/json",
        headers=writer,
    )
    _problem(response, 413)


HOSTILE_SECTIONS: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
    ({"kind": 1, "title": ["x"]}, {"kind": ["not_a_string"], "title": ["not_a_string"]}),
    ({"title": "x"}, {"kind": ["required"]}),
    ({"kind": "goal", "title": "x", "colour": "red"}, {"colour": ["unknown_field"]}),
    ({"kind": "goal", "title": "Null\x00byte"}, {"title": ["invalid_characters"]}),
    ({"kind": "goal", "title": "x", "body": "half \ud800 surrogate"}, {"body": ["invalid_characters"]}),
    ({"kind": "goal", "title": "x", "indicators": "many"}, {"indicators": ["not_a_list"]}),
    ({"kind": "goal", "title": "x", "indicators": [1, None]}, {"indicators[0]": ["not_an_object"],
                                                                "indicators[1]": ["not_an_object"]}),
    ({"kind": "goal", "title": "x", "indicators": [{"name": 5}]}, {"indicators[0].name": ["not_a_string"]}),
    ({"kind": "goal", "title": "x", "indicators": [{"nme": "x"}]}, {"indicators[0].nme": ["unknown_field"]}),
    ({"kind": "goal", "title": "x", "indicators": [{"unit": "%"}]}, {"indicators": ["invalid_indicator"]}),
    ({"kind": "goal", "title": "x", "indicators": [{"name": "n"}] * 51},
     {"indicators": ["invalid_indicator"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"label": "B", "amount_euros": -1}]},
     {"budget_lines[0].amount_euros": ["out_of_range"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"label": "B", "amount_euros": 10**13}]},
     {"budget_lines[0].amount_euros": ["out_of_range"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"label": "B", "amount_euros": "12"}]},
     {"budget_lines[0].amount_euros": ["not_an_integer"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"label": "B", "amount_euros": True}]},
     {"budget_lines[0].amount_euros": ["not_an_integer"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"label": "B", "amount_euros": 1.5}]},
     {"budget_lines[0].amount_euros": ["not_an_integer"]}),
    ({"kind": "financing", "title": "x", "budget_lines": [{"amount_euros": 5}]},
     {"budget_lines": ["invalid_budget_line"]}),
    ({"kind": "review", "title": "x", "review_date": "2025-02-30"}, {"review_date": ["not_a_date"]}),
    ({"kind": "review", "title": "x", "review_date": "tomorrow"}, {"review_date": ["not_a_date"]}),
    ({"kind": "review", "title": "x", "review_date": 20250101}, {"review_date": ["not_a_date"]}),
    ({"kind": "poem", "title": "x"}, {"kind": ["unknown_kind"]}),
    ({"kind": "goal", "title": "   "}, {"title": ["required"]}),
    ({"kind": "goal", "title": "x" * 301}, {"title": ["too_long"]}),
    ({"kind": "goal", "title": "x", "plain_language": "x" * 100_001}, {"plain_language": ["too_long"]}),
    ({"kind": "goal", "title": "x", "after_key": "\x00"}, {"after_key": ["invalid_characters"]}),
    ({"kind": "goal", "title": "x", "after_key": 7}, {"after_key": ["not_a_string"]}),
]  # fmt: skip


@pytest.mark.parametrize(("body", "codes"), HOSTILE_SECTIONS)
def test_invalid_members_are_a_422_with_a_code_and_a_message_for_each(
    client, session, agreement, writer, body: dict[str, Any], codes: dict[str, list[str]]
) -> None:
    before = session.scalar(select(func.count()).select_from(DraftSection))
    response = client.post(f"/api/v1/agreements/{agreement.id}/draft/sections", json=body, headers=writer)
    problem = _problem(response, 422)
    assert problem["codes"] == codes
    assert set(problem["errors"]) == set(codes)
    for name, messages in problem["errors"].items():
        assert len(messages) == len(codes[name]) and not set(messages) & set(codes[name]), (
            "codes, not messages"
        )
    assert session.scalar(select(func.count()).select_from(DraftSection)) == before


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({"base_revision": "1"}, {"base_revision": ["not_an_integer"]}),
        ({"base_revision": True}, {"base_revision": ["not_an_integer"]}),
        ({"base_revision": 2**40}, {"base_revision": ["out_of_range"]}),
        ({"base_revision": 0}, {"base_revision": ["out_of_range"]}),
        ({"base_revision": None}, {"base_revision": ["required"]}),
        ({"base": None}, {"base": ["required"]}),
        ({"base": "Beratung"}, {"base": ["not_an_object"]}),
        ({"base": {"title": "x", "colour": 1}}, {"base.colour": ["unknown_field"]}),
        ({"base": {"title": 1}}, {"base.title": ["not_a_string"]}),
        ({"key": "other"}, {"key": ["unknown_field"]}),
    ],
)
def test_invalid_updates_are_a_422(client, agreement, writer, change: dict, codes: dict) -> None:
    key = agreement.draft_sections[0].key
    body = {"kind": "goal", "title": "Beratung", "base_revision": 1, "base": {"title": "Beratung"}, **change}
    response = client.put(
        f"/api/v1/agreements/{agreement.id}/draft/sections/{key}", json=body, headers=writer
    )
    assert _problem(response, 422)["codes"] == codes


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"transition": 5}, {"transition": ["not_a_string"]}),
        ({}, {"transition": ["required"]}),
        ({"transition": "open_consultation", "consultation_starts_on": "01.02.2025",
          "consultation_ends_on": "2025-03-01"}, {"consultation_starts_on": ["not_a_date"]}),
        ({"transition": "open_consultation", "consultation_starts_on": "2025-02-01",
          "consultation_ends_on": "2025-03-01", "consultation_audience": "everyone"},
         {"consultation_audience": ["invalid"]}),
        ({"transition": "withdraw", "note": "x" * 5001}, {"note": ["too_long"]}),
        ({"transition": "withdraw", "actor": "admin"}, {"actor": ["unknown_field"]}),
    ],
)  # fmt: skip
def test_invalid_transitions_are_a_422(client, agreement, writer, body: dict, codes: dict) -> None:
    response = client.post(f"/api/v1/agreements/{agreement.id}/transitions", json=body, headers=writer)
    assert _problem(response, 422)["codes"] == codes


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"title": "T", "framework_id": "1", "framework_version": 1}, {"framework_id": ["not_an_integer"]}),
        ({"title": "T", "framework_id": 0, "framework_version": 1}, {"framework_id": ["out_of_range"]}),
        ({"title": "T", "framework_version": 1}, {"framework_id": ["required"]}),
        ({"title": "x" * 301}, {"title": ["too_long"]}),
        ({"title": "T", "preamble": {"text": "x"}}, {"preamble": ["not_a_string"]}),
    ],
)
def test_invalid_new_agreements_are_a_422(client, cast: Cast, writer, body: dict, codes: dict) -> None:
    response = client.post(f"/api/v1/spaces/{cast.space.id}/agreements", json=body, headers=writer)
    assert _problem(response, 422)["codes"] == codes


@pytest.mark.parametrize(
    "suffix",
    [
        "/draft/sections/" + "k" * 41,
        "/draft/sections/%00",
        "/draft/sections/%C3%A4",
        "/draft/sections/%ED%A0%80",
        "/versions/99999999999",
        "/versions/0",
    ],
)
def test_strange_ids_and_keys_are_simply_not_found(client, agreement, writer, suffix: str) -> None:
    _problem(client.get(f"/api/v1/agreements/{agreement.id}{suffix}", headers=writer), 404)


@pytest.mark.parametrize(
    ("method", "suffix", "names"),
    [
        ("DELETE", "/draft/sections/{key}?base_revision=abc", ["base_revision"]),
        ("DELETE", "/draft/sections/{key}?base_revision=99999999999", ["base_revision"]),
        ("DELETE", "/draft/sections/{key}?base_revision=%00", ["base_revision"]),
        ("DELETE", "/draft/sections/{key}", ["base_revision"]),
        ("GET", "/diff?from=abc&to=1", ["from"]),
        ("GET", "/diff?from=1&to=99999999999", ["to"]),
        ("GET", "/diff", ["from", "to"]),
        ("GET", "/diff?from=1&to=1", ["to"]),
    ],
)
def test_bad_query_parameters_are_a_400_naming_each(
    client, agreement, writer, method: str, suffix: str, names: list[str]
) -> None:
    url = f"/api/v1/agreements/{agreement.id}" + suffix.format(key=agreement.draft_sections[0].key)
    assert sorted(_problem(client.open(url, method=method, headers=writer), 400)["errors"]) == names


def test_list_filters_with_nul_characters_are_a_400(client) -> None:
    for query in ("status=%00", "space=%00", "limit=%00"):
        _problem(client.get(f"/api/v1/agreements?{query}"), 400)


def test_a_key_with_a_nul_character_is_not_found_when_writing_either(client, agreement, writer) -> None:
    body = {"kind": "goal", "title": "x", "base_revision": 1, "base": {}}
    _problem(
        client.put(f"/api/v1/agreements/{agreement.id}/draft/sections/%00", json=body, headers=writer), 404
    )
    _problem(client.delete(f"/api/v1/agreements/{agreement.id}/draft/sections/%00?base_revision=1",
                           headers=writer), 404)  # fmt: skip


def test_unicode_text_is_stored_and_returned_exactly(client, agreement, writer) -> None:
    text = "Grüße aus Gröpelingen – „Teilhabe“ für alle 👋\n\n* Leichte Sprache\t✓"
    added = client.post(
        f"/api/v1/agreements/{agreement.id}/draft/sections",
        json={"kind": "text", "title": "Ünïcödé", "body": text, "plain_language": text},
        headers=writer,
    )
    assert added.status_code == 201
    stored = client.get(added.headers["Location"], headers=writer).get_json()
    assert (stored["title"], stored["body"], stored["plain_language"]) == ("Ünïcödé", text, text)


def test_methods_the_api_does_not_offer_are_405_problems(client, agreement, writer) -> None:
    for method, url in [
        ("PATCH", f"/api/v1/agreements/{agreement.id}/draft/sections/{agreement.draft_sections[0].key}"),
        ("DELETE", f"/api/v1/agreements/{agreement.id}"),
        ("PUT", f"/api/v1/agreements/{agreement.id}/versions/1"),
        ("POST", f"/api/v1/frameworks/{agreement.id}/transitions"),
    ]:
        response = client.open(url, method=method, headers=writer)
        assert response.status_code in (404, 405) and response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({}, {"parties": ["required"]}),
        ({"parties": None}, {"parties": ["required"]}),
        ({"parties": {"organisation_id": 1}}, {"parties": ["not_a_list"]}),
        (
            {"parties": [{"organisation_id": "1", "party": "provider"}]},
            {"parties[0].organisation_id": ["not_an_integer"]},
        ),
        ({"parties": [{"organisation_id": 1}]}, {"parties[0].party": ["required"]}),
        ({"parties": [{"organisation_id": 1, "party": "king"}]}, {"parties": ["invalid"]}),
        ({"parties": [{"organisation_id": 2**31 - 1, "party": "provider"}]}, {"parties": ["invalid"]}),
    ],
)
def test_invalid_parties_are_a_422(client, agreement, writer, body: dict, codes: dict) -> None:
    response = client.put(f"/api/v1/agreements/{agreement.id}/draft/parties", json=body, headers=writer)
    assert _problem(response, 422)["codes"] == codes


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"required_section_kinds": "goal"}, {"required_section_kinds": ["not_a_list"]}),
        ({"required_section_kinds": ["goal", "poem", 3]}, {"required_section_kinds": ["invalid"]}),
        ({"required_parties": ["everyone"]}, {"required_parties": ["invalid"]}),
        ({"indicators_need_target": "yes"}, {"indicators_need_target": ["not_a_boolean"]}),
        ({"indicators_need_target": 1}, {"indicators_need_target": ["not_a_boolean"]}),
        ({"max_review_interval_months": 121}, {"max_review_interval_months": ["out_of_range"]}),
        ({"max_review_interval_months": "12"}, {"max_review_interval_months": ["not_an_integer"]}),
        ({"max_review_months": 12}, {"max_review_months": ["unknown_field"]}),
    ],
)
def test_invalid_requirements_are_a_422(client, cast: Cast, make_framework, body: dict, codes: dict) -> None:
    framework = make_framework()
    response = client.put(
        f"/api/v1/frameworks/{framework.id}/draft/requirements", json=body, headers=cast.tokens["admin"]
    )
    assert _problem(response, 422)["codes"] == codes

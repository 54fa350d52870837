"""Real responses of every endpoint, successes and errors, validated against the OpenAPI document.

The cases must exercise every status code the document promises for every operation, so the
document cannot drift from what the API really answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openapi_core.exceptions import OpenAPIError
from openapi_schema_validator import OAS31Validator

from governance.models import Organisation
from governance.services import spaces as spaces_service
from governance.services.tokens import create_token, revoke_token


@dataclass
class World:
    space_id: int
    group_id: int
    organisation_id: int
    member_token: dict[str, str]
    revoked_token: dict[str, str]
    deactivated_token: dict[str, str]


@pytest.fixture
def world(session, make_user, space_by_code, add_member, bearer) -> World:
    groepelingen = space_by_code("04011440")
    organisation = Organisation(name="Quartiersladen Gröpelingen", kind="civil_society", description="")
    session.add(organisation)
    session.commit()
    group = spaces_service.create_group(
        session,
        make_user("admin", admin=True),
        name="Sozialzentrum Gröpelingen/Walle",
        description="",
        unit_ids=[groepelingen.id, space_by_code("04011430").id],
    )
    member = make_user("maria", pseudonym="Sonnenblume")
    add_member(groepelingen, member, "beneficiary")
    add_member(groepelingen, make_user("paul"), "provider", organisation=organisation)
    rita = make_user("rita")
    old_token, old_secret = create_token(session, rita, name="old laptop")
    revoke_token(session, rita, old_token.id)
    leaver = make_user("dieter")
    deactivated = bearer(leaver)
    leaver.active = False
    session.commit()
    return World(
        space_id=groepelingen.id,
        group_id=group.id,
        organisation_id=organisation.id,
        member_token=bearer(member),
        revoked_token={"Authorization": f"Bearer {old_secret}"},
        deactivated_token=deactivated,
    )


GARBAGE = {"Authorization": "Bearer rr_not-a-real-token"}
NOT_BEARER = {"Authorization": "Basic dXNlcjpwYXNz"}


@dataclass
class Case:
    name: str
    path: str  # as in the document
    status: int
    url: Callable[[World], str]
    headers: Callable[[World], dict[str, str]] = lambda world: {}


CASES = [
    Case("document", "/openapi.json", 200, lambda w: "/api/v1/openapi.json"),
    Case("document, bad token", "/openapi.json", 401, lambda w: "/api/v1/openapi.json", lambda w: GARBAGE),
    Case("all spaces", "/spaces", 200, lambda w: "/api/v1/spaces"),
    Case("search", "/spaces", 200, lambda w: "/api/v1/spaces?q=gropelingen&level=stadtteil&limit=5"),
    Case("children", "/spaces", 200, lambda w: "/api/v1/spaces?parent=1&offset=0"),
    Case("groups", "/spaces", 200, lambda w: "/api/v1/spaces?level=group", lambda w: w.member_token),
    Case("last page", "/spaces", 200, lambda w: "/api/v1/spaces?limit=100&offset=100"),
    Case("bad limit", "/spaces", 400, lambda w: "/api/v1/spaces?limit=0"),
    Case("bad filters", "/spaces", 400, lambda w: "/api/v1/spaces?level=planet&parent=x&q=" + "x" * 101),
    Case("spaces, revoked token", "/spaces", 401, lambda w: "/api/v1/spaces", lambda w: w.revoked_token),
    Case("space, anonymous", "/spaces/{space_id}", 200, lambda w: f"/api/v1/spaces/{w.space_id}"),
    Case(
        "space, member",
        "/spaces/{space_id}",
        200,
        lambda w: f"/api/v1/spaces/{w.space_id}",
        lambda w: w.member_token,
    ),
    Case("group", "/spaces/{space_id}", 200, lambda w: f"/api/v1/spaces/{w.group_id}"),
    Case("the Land", "/spaces/{space_id}", 200, lambda w: "/api/v1/spaces/1"),
    Case("unknown space", "/spaces/{space_id}", 404, lambda w: "/api/v1/spaces/2147483647"),
    Case(
        "space, deactivated account",
        "/spaces/{space_id}",
        401,
        lambda w: f"/api/v1/spaces/{w.space_id}",
        lambda w: w.deactivated_token,
    ),
    Case("organisations", "/organisations", 200, lambda w: "/api/v1/organisations"),
    Case("by kind", "/organisations", 200, lambda w: "/api/v1/organisations?kind=civil_society&q=laden"),
    Case("unknown kind", "/organisations", 400, lambda w: "/api/v1/organisations?kind=party"),
    Case("orgs, not bearer", "/organisations", 401, lambda w: "/api/v1/organisations", lambda w: NOT_BEARER),
    Case(
        "organisation",
        "/organisations/{organisation_id}",
        200,
        lambda w: f"/api/v1/organisations/{w.organisation_id}",
    ),
    Case(
        "unknown organisation",
        "/organisations/{organisation_id}",
        404,
        lambda w: f"/api/v1/organisations/{w.organisation_id + 1000}",
    ),
    Case(
        "organisation, garbage token",
        "/organisations/{organisation_id}",
        401,
        lambda w: f"/api/v1/organisations/{w.organisation_id}",
        lambda w: GARBAGE,
    ),
    Case("me", "/me", 200, lambda w: "/api/v1/me", lambda w: w.member_token),
    Case("me, anonymous", "/me", 401, lambda w: "/api/v1/me"),
    Case("me, revoked token", "/me", 401, lambda w: "/api/v1/me", lambda w: w.revoked_token),
]


def test_every_response_matches_the_document_and_every_documented_status_is_seen(
    client, world: World, conforms, openapi_document: dict
) -> None:
    failures = []
    seen = set()
    for case in CASES:
        response = client.get(case.url(world), headers={"Accept-Language": "en", **case.headers(world)})
        if response.status_code != case.status:
            failures.append(f"{case.name}: {response.status_code} instead of {case.status}")
            continue
        try:
            conforms(response)
        except OpenAPIError as error:
            failures.append(f"{case.name}: {error!r} {getattr(error, '__cause__', '')}")
        seen.add((case.path, str(case.status)))
    assert not failures, "\n".join(failures)
    # The agreements' paths have their own cases (test_agreements_api_contract.py checks that the
    # two lists together cover every path).
    covered = {case.path for case in CASES}
    documented = {
        (path, status)
        for path, item in openapi_document["paths"].items()
        if path in covered
        for status in item["get"]["responses"]
        if status != "default"
    }
    assert documented <= seen, f"never exercised: {sorted(documented - seen)}"


def test_a_signed_in_browser_session_conforms_too(client, login, make_user, conforms) -> None:
    login(make_user("browser"))
    for url in ("/api/v1/me", "/api/v1/spaces/1", "/api/v1/spaces?limit=1"):
        assert conforms(client.get(url)).status_code == 200


def test_an_unexpected_failure_is_a_documented_500_problem(client, conforms, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(spaces_service, "search_spaces_page", broken)
    response = conforms(client.get("/api/v1/spaces"))
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "fire" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/nothing-here", 404),
        ("GET", "/api/v1/spaces/abc", 404),
        ("GET", "/api/v1/spaces/0", 404),
        ("GET", "/api/v1/spaces/99999999999999999999", 404),
        ("GET", "/api/v1/spaces/", 404),
        ("GET", "/api/v1", 404),
        ("POST", "/api/v1/spaces", 405),
        ("DELETE", "/api/v1/spaces/1", 405),
        ("PUT", "/api/v1/me", 405),
    ],
)
def test_undocumented_paths_and_methods_answer_with_a_problem_document(
    client, openapi_document: dict, method: str, url: str, status: int
) -> None:
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    OAS31Validator(openapi_document["components"]["schemas"]["Problem"]).validate(body)
    assert body["status"] == status
    if status == 405:
        assert "GET" in response.headers["Allow"].split(", ")
        assert method in body["detail"] and "GET" in body["detail"]


def test_the_checker_notices_an_undocumented_field(client, conforms, monkeypatch) -> None:
    """The contract test can fail: an extra field in a response breaks it."""
    from governance import api

    original = api.space_ref

    def leaky(space):
        return {**original(space), "created_by_id": 1}

    monkeypatch.setattr(api, "space_ref", leaky)
    with pytest.raises(OpenAPIError):
        conforms(client.get("/api/v1/spaces/1"))

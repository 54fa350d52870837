"""Fixtures for the JSON API: the served OpenAPI document, a response checker, tokens and members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.deserializing.media_types.util import json_loads
from werkzeug.test import TestResponse


@pytest.fixture(scope="session")
def openapi_document(app: Flask) -> dict:
    """The document as the API serves it (not as the Python module builds it)."""
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture(scope="session")
def openapi(openapi_document: dict) -> OpenAPI:
    # Problem details are JSON too; openapi-core only knows application/json by default.
    config = Config(extra_media_type_deserializers={"application/problem+json": json_loads})
    return OpenAPI.from_dict(openapi_document, config=config)


@pytest.fixture
def conforms(openapi: OpenAPI) -> Callable[[TestResponse], TestResponse]:
    """Assert that a real response (and, when it succeeded, its request) matches the document."""

    def check(response: TestResponse) -> TestResponse:
        body = response.request.environ.get("wsgi.input")
        if body is not None and body.seekable():
            body.seek(0)  # the application has read the request body already; read it again
        request = WerkzeugOpenAPIRequest(response.request)
        openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
        if response.status_code < 400:
            openapi.validate_request(request)
        return response

    return check


@pytest.fixture
def bearer(session) -> Callable[..., dict[str, str]]:
    """Authorization header with a fresh personal access token of the given user."""
    from governance.services.tokens import create_token

    def header_for(user, name: str = "script") -> dict[str, str]:
        _, secret = create_token(session, user, name=name)
        return {"Authorization": f"Bearer {secret}"}

    return header_for


@pytest.fixture
def add_member(session) -> Callable[..., object]:
    """An active member of a space, speaking for a party (and an organisation, if given)."""
    from governance.models import SpaceMembership

    def add(space, user, party: str = "beneficiary", *, role: str = "member", organisation=None):
        membership = SpaceMembership(
            space=space, user=user, party=party, role=role, status="active", organisation=organisation
        )
        session.add(membership)
        session.commit()
        return membership

    return add


# --- agreements and frameworks (tests/api/test_agreements_api*.py) ---------------------------------


@dataclass
class Cast:
    """Gröpelingen with one person in every role, and a bearer token for each ("anonymous": none)."""

    space: Any
    users: dict[str, Any]
    tokens: dict[str, dict[str, str]]


ROLES = ("anonymous", "outsider", "member", "observer", "facilitator", "admin")


@pytest.fixture
def cast(make_user, space_by_code, add_member, bearer) -> Cast:
    space = space_by_code("04011440")
    users = {
        "outsider": make_user("otto"),
        "member": make_user("mia", pseudonym="Sonnenblume"),
        "observer": make_user("olga"),
        "facilitator": make_user("fritz"),
        "admin": make_user("ada", admin=True),
    }
    add_member(space, users["member"], "beneficiary")
    add_member(space, users["observer"], "civil_society", role="observer")
    add_member(space, users["facilitator"], "administration", role="facilitator")
    tokens = {role: bearer(user) for role, user in users.items()}
    return Cast(space, users, {"anonymous": {}, **tokens})


# Transitions (with the values they need) that bring a new agreement with a version to a status.
STATUS_PATHS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "draft": [],
    "negotiation": [("start_negotiation", {})],
    "consultation": [
        (
            "open_consultation",
            {"consultation_starts_on": date(2025, 1, 1), "consultation_ends_on": date(2099, 12, 31)},
        )
    ],
    "voting": [("start_negotiation", {}), ("put_to_vote", {})],
    "adopted": [
        ("start_negotiation", {}),
        ("put_to_vote", {}),
        ("adopt", {"in_force_from": date(2025, 1, 1)}),
    ],
    "withdrawn": [("withdraw", {})],
}


def goal(title: str, body: str = "") -> Any:
    from agreements.services.snapshots import SectionContent

    return SectionContent(kind="goal", title=title, body=body or f"{title}: alle machen mit.")


@pytest.fixture
def make_agreement(session, cast: Cast) -> Callable[..., Any]:
    """An agreement of Gröpelingen written by its facilitator through the services."""
    from agreements.services import drafts, lifecycle, versions

    def make(
        *,
        status: str = "draft",
        sections: tuple[str, ...] = ("Beratung",),
        published: int = 0,
        title: str = "Teilhabe in Gröpelingen",
        framework_version_id: int | None = None,
    ):
        author = cast.users["facilitator"]
        agreement = drafts.create_agreement(
            session, author, space_id=cast.space.id, title=title, framework_version_id=framework_version_id
        )
        for section_title in sections:
            drafts.add_section(session, author, agreement.id, goal(section_title))
        for number in range(1, published + 1):
            versions.publish_version(session, author, agreement.id, change_summary=f"Fassung {number}")
        for transition, values in STATUS_PATHS[status]:
            lifecycle.change_status(session, author, agreement.id, transition, **values)
        return agreement

    return make


@pytest.fixture
def make_framework(session, cast: Cast) -> Callable[..., Any]:
    """A framework written by the administrator; published unless told otherwise."""
    from agreements.domain.compliance import Requirements
    from agreements.services import drafts, versions

    def make(*, published: int = 1, sections: tuple[str, ...] = ("Leitsatz",), requirements=None):
        admin = cast.users["admin"]
        framework = drafts.create_framework(session, admin, title="Leitsätze Sozialraumorientierung")
        for section_title in sections:
            drafts.add_section(session, admin, framework.id, goal(section_title))
        drafts.set_requirements(session, admin, framework.id, requirements or Requirements())
        for number in range(1, published + 1):
            versions.publish_version(session, admin, framework.id, change_summary=f"Fassung {number}")
        return framework

    return make

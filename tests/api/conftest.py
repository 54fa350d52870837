"""Fixtures for the JSON API: the served OpenAPI document, a response checker, tokens and members."""

from __future__ import annotations

from collections.abc import Callable

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

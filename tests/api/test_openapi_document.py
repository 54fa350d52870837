"""The OpenAPI 3.1 document: valid, and describing exactly the routes the application has."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from governance.openapi import build_document

PREFIX = "/api/v1"
METHODS = {"get", "put", "post", "delete", "patch"}


def _as_openapi_path(rule: str) -> str:
    """'/api/v1/spaces/<int(min=1):space_id>' -> '/spaces/{space_id}'."""
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.removeprefix(PREFIX))


def test_the_served_document_is_valid_openapi_3_1(openapi_document: dict) -> None:
    validate(openapi_document)
    assert openapi_document["openapi"].startswith("3.1")
    assert openapi_document["servers"] == [{"url": "/api/v1"}]
    assert openapi_document["info"]["title"] and openapi_document["info"]["version"]


def test_the_validator_would_notice_a_broken_document() -> None:
    document = build_document()
    document["components"]["securitySchemes"]["bearerAuth"]["type"] = "password"
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_every_api_route_is_documented_and_every_documented_path_exists(
    app: Flask, openapi_document: dict
) -> None:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/"):
            methods = {method.lower() for method in rule.methods or ()} & METHODS
            routes.setdefault(_as_openapi_path(rule.rule), set()).update(methods)
    documented = {
        path: {method for method in item if method in METHODS}
        for path, item in openapi_document["paths"].items()
    }
    assert routes, "no API routes found"
    assert routes == documented


def test_path_parameters_are_described_for_every_templated_path(openapi_document: dict) -> None:
    parameters = openapi_document["components"]["parameters"]
    for path, item in openapi_document["paths"].items():
        declared = set()
        for reference in item.get("parameters", []):
            parameter = parameters[reference["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "path":
                declared.add(parameter["name"])
        assert declared == set(re.findall(r"{(\w+)}", path)), path


def test_every_operation_documents_success_and_problem_json_errors(openapi_document: dict) -> None:
    components = openapi_document["components"]
    for path, item in openapi_document["paths"].items():
        for method in METHODS & set(item):
            responses = item[method]["responses"]
            successes = [status for status in responses if status.startswith("2")]
            assert len(successes) == 1 and "default" in responses, (path, method)
            assert "401" in responses, "a wrong token is refused on every endpoint"
            for status, response in responses.items():
                if status in successes:
                    continue
                resolved = components["responses"][response["$ref"].rsplit("/", 1)[1]]
                assert list(resolved["content"]) == ["application/problem+json"], (path, status)
                schema = resolved["content"]["application/problem+json"]["schema"]
                # A problem document, perhaps with more members (e.g. the merge of a 409).
                problem = {"$ref": "#/components/schemas/Problem"}
                if schema != problem:
                    extended = components["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                    assert problem in extended["allOf"], (path, status)


def test_problem_schema_has_the_rfc_9457_members_and_an_errors_map(openapi_document: dict) -> None:
    problem = openapi_document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert problem["properties"]["errors"]["additionalProperties"]["items"] == {"type": "string"}


def test_security_schemes_are_bearer_token_and_session_cookie(app: Flask, openapi_document: dict) -> None:
    schemes = openapi_document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieSession"]["in"] == "cookie"
    assert schemes["cookieSession"]["name"] == app.config["SESSION_COOKIE_NAME"]
    # Public data may be read anonymously; /me needs one of the two.
    assert {} in openapi_document["security"]
    assert {} not in openapi_document["paths"]["/me"]["get"]["security"]


def test_member_names_are_documented_as_null_for_anonymous_callers(openapi_document: dict) -> None:
    members = openapi_document["components"]["schemas"]["SpaceDetail"]["properties"]["members_by_party"]
    assert {"type": "null"} in members["anyOf"]
    assert "anonymous" in members["description"]

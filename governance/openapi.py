"""The OpenAPI 3.1 document of the JSON API /api/v1, built in Python so its enumerations follow the domain.

Tests validate the document itself, every real response against it, and that every URL rule under
/api/v1 is described here.
"""

from __future__ import annotations

from typing import Any

from governance.parties import OrganisationKind, Party, SpaceRole, UnitLevel
from governance.services.spaces import MAX_ID, MAX_QUERY_LENGTH

API_VERSION = "1.1.0"  # 1.1: agreements and frameworks
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = MAX_ID

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def closed_object(properties: dict[str, Schema], description: str = "") -> Schema:
    """Every property is always present (perhaps null); anything undocumented is an error."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


ID_SCHEMA: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
LINK: Schema = {"type": "string", "format": "uri-reference"}

_SPACE_FIELDS: dict[str, Schema] = {
    "id": ID_SCHEMA,
    "code": {
        "type": ["string", "null"],
        "description": "Official 8-digit code of a territorial unit; null for a group of units.",
    },
    "name": {"type": "string"},
    "alt_name": {"type": ["string", "null"], "description": "Alternative name, if the unit has one."},
    "level": ref("SpaceLevel"),
    "parent_id": {"type": ["integer", "null"], "description": "The unit one level up; null for the Land."},
    "population": {
        "type": ["integer", "null"],
        "minimum": 0,
        "description": "Residents on 31 Dec 2023; for a group, the sum over its units.",
    },
    "area_km2": {"type": ["number", "null"], "description": "Area in km²; null for groups."},
    "url": {**LINK, "description": "The space's page on the website."},
    "api_url": {**LINK, "description": "This space in the API."},
}

_ORGANISATION_FIELDS: dict[str, Schema] = {
    "id": ID_SCHEMA,
    "name": {"type": "string"},
    "kind": ref("OrganisationKind"),
    "description": {"type": "string", "description": "Markdown text; may be empty."},
    "website": {"type": ["string", "null"], "format": "uri"},
    "url": {**LINK, "description": "The organisation's page on the website."},
    "api_url": {**LINK, "description": "This organisation in the API."},
}


def _schemas() -> dict[str, Schema]:
    parties = [party.value for party in Party]
    return {
        "Problem": {
            "type": "object",
            "description": "An error (RFC 9457). Title and detail are in the caller's language.",
            "properties": {
                "type": {"type": "string", "format": "uri-reference", "examples": ["about:blank"]},
                "title": {"type": "string", "description": "Short summary of the kind of error."},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string", "description": "What went wrong in this request."},
                "errors": {
                    "type": "object",
                    "description": "For invalid query parameters or request bodies: messages per parameter "
                    "or body member (nested members as `base.title`, `indicators[0].name`), or why a step "
                    "was refused.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
                "codes": {
                    "type": "object",
                    "description": "With 422: the same names as `errors`, with stable error codes for "
                    "scripts (e.g. `required`, `not_a_string`, `framework_requirements_not_met`).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
            },
            "required": ["type", "title", "status", "detail"],
        },
        "SpaceLevel": {
            "type": "string",
            "enum": [level.value for level in UnitLevel],
            "description": "Official territorial level of the Land Bremen, or `group` for a named group "
            "of units.",
        },
        "Party": {
            "type": "string",
            "enum": parties,
            "description": "Which side a member speaks for in a space (Beteiligtengruppe).",
        },
        "SpaceRole": {"type": "string", "enum": [role.value for role in SpaceRole]},
        "OrganisationKind": {"type": "string", "enum": [kind.value for kind in OrganisationKind]},
        "Space": closed_object(_SPACE_FIELDS, "A social space in a list."),
        "SpaceRef": closed_object(
            {
                "id": ID_SCHEMA,
                "code": _SPACE_FIELDS["code"],
                "name": {"type": "string"},
                "level": ref("SpaceLevel"),
                "api_url": LINK,
            },
            "A short reference to another space.",
        ),
        "SpaceList": closed_object(
            {
                "items": {"type": "array", "items": ref("Space")},
                "total": {"type": "integer", "minimum": 0, "description": "Matching spaces on all pages."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                "offset": {"type": "integer", "minimum": 0},
                "next": {**nullable(LINK), "description": "The next page; null on the last page."},
                "previous": {**nullable(LINK), "description": "The previous page; null on the first."},
            }
        ),
        "OrganisationRef": closed_object({"id": ID_SCHEMA, "name": {"type": "string"}}),
        "Member": closed_object(
            {
                "public_name": {"type": "string", "description": "Pseudonym if chosen, else display name."},
                "role": ref("SpaceRole"),
                "organisation": {
                    **nullable(ref("OrganisationRef")),
                    "description": "The organisation the member speaks for, if any.",
                },
            }
        ),
        "PartyCounts": closed_object(
            {party: {"type": "integer", "minimum": 0} for party in parties},
            "Number of active members per party; every party is present.",
        ),
        "MembersByParty": closed_object(
            {party: {"type": "array", "items": ref("Member")} for party in parties},
            "Active members per party, in the order they joined; every party is present.",
        ),
        "SpaceDetail": closed_object(
            {
                **_SPACE_FIELDS,
                "description": {"type": "string", "description": "Markdown text; may be empty."},
                "ancestors": {
                    "type": "array",
                    "items": ref("SpaceRef"),
                    "description": "From the Land down to the parent.",
                },
                "children": {"type": "array", "items": ref("SpaceRef")},
                "units": {
                    "type": "array",
                    "items": ref("SpaceRef"),
                    "description": "The official units of a group; empty for official units.",
                },
                "party_counts": ref("PartyCounts"),
                "members_by_party": {
                    **nullable(ref("MembersByParty")),
                    "description": "Names are shown to signed-in callers only: null for anonymous requests, "
                    "because being listed (e.g. as a beneficiary) can reveal health-related facts.",
                },
            },
            "A social space with its place in the hierarchy and its members.",
        ),
        "Organisation": closed_object(_ORGANISATION_FIELDS),
        "OrganisationList": closed_object(
            {
                "items": {"type": "array", "items": ref("Organisation")},
                "total": {"type": "integer", "minimum": 0},
            }
        ),
        "Me": closed_object(
            {
                "id": ID_SCHEMA,
                "public_name": {"type": "string"},
                "locale": {"type": "string", "enum": ["de", "en"]},
                "is_admin": {"type": "boolean"},
            },
            "The authenticated caller.",
        ),
    }


def _headers() -> dict[str, Schema]:
    return {
        "CacheControl": {
            "description": "`public, max-age=60` for successful anonymous requests; `private, no-store` "
            "when the request carries a session cookie or an Authorization header; `no-store` for "
            "anonymous errors.",
            "required": True,
            "schema": {"type": "string"},
        },
        "Vary": {
            "description": "Always `Authorization, Cookie, Accept-Language` (among others).",
            "required": True,
            "schema": {"type": "string"},
        },
        "ContentLanguage": {
            "description": "The language of titles and messages (`de` or `en`).",
            "required": True,
            "schema": {"type": "string", "enum": ["de", "en"]},
        },
    }


COMMON_HEADERS = {
    "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
    "Vary": {"$ref": "#/components/headers/Vary"},
    "Content-Language": {"$ref": "#/components/headers/ContentLanguage"},
}


def problem_response(description: str, **headers: Schema) -> Schema:
    return {
        "description": description,
        "headers": {**COMMON_HEADERS, **headers},
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }


def _responses() -> dict[str, Schema]:
    return {
        "BadRequest": problem_response(
            "A query parameter is not valid; `errors` names each one with its messages."
        ),
        "Unauthorized": problem_response(
            "No valid credentials: the bearer token is unknown, revoked or belongs to a deactivated "
            "account, or the endpoint needs a signed-in caller. A wrong token is always an error, even "
            "on public endpoints.",
            **{
                "WWW-Authenticate": {
                    "description": 'e.g. `Bearer realm="Raumrat", error="invalid_token"`',
                    "required": True,
                    "schema": {"type": "string", "pattern": "^Bearer"},
                }
            },
        ),
        "NotFound": problem_response("There is nothing with this id."),
        "Error": problem_response("Any other error, e.g. 500 (never HTML)."),
    }


def ok(schema: Schema, description: str) -> Schema:
    return {
        "description": description,
        "headers": COMMON_HEADERS,
        "content": {"application/json": {"schema": schema}},
    }


def _error_refs(*names: str) -> dict[str, Schema]:
    statuses = {"BadRequest": "400", "Unauthorized": "401", "NotFound": "404"}
    refs = {statuses[name]: {"$ref": f"#/components/responses/{name}"} for name in names}
    refs["default"] = {"$ref": "#/components/responses/Error"}
    return refs


def _parameters() -> dict[str, Schema]:
    query_text = {
        "type": "string",
        "maxLength": MAX_QUERY_LENGTH,
    }
    return {
        "SpaceId": {"name": "space_id", "in": "path", "required": True, "schema": ID_SCHEMA},
        "OrganisationId": {"name": "organisation_id", "in": "path", "required": True, "schema": ID_SCHEMA},
        "SpaceQuery": {
            "name": "q",
            "in": "query",
            "description": "Words that must all occur in the name, alternative name or code; umlauts "
            "match however they are typed (ö, oe, o).",
            "schema": query_text,
        },
        "Level": {"name": "level", "in": "query", "schema": ref("SpaceLevel")},
        "Parent": {
            "name": "parent",
            "in": "query",
            "description": "Only the direct children of this space.",
            "schema": ID_SCHEMA,
        },
        "Limit": {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        },
        "Offset": {
            "name": "offset",
            "in": "query",
            "description": "How many matching spaces to skip (in official order, by code).",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
        "Kind": {"name": "kind", "in": "query", "schema": ref("OrganisationKind")},
        "OrganisationQuery": {
            "name": "q",
            "in": "query",
            "description": "Words that must all occur in the organisation's name.",
            "schema": query_text,
        },
    }


def param(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def _paths() -> dict[str, Schema]:
    signed_in_only = [{"bearerAuth": []}, {"cookieSession": []}]
    return {
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "tags": ["meta"],
                "responses": {
                    "200": ok({"type": "object"}, "The OpenAPI 3.1 document of this API."),
                    **_error_refs("Unauthorized"),
                },
            }
        },
        "/spaces": {
            "get": {
                "operationId": "listSpaces",
                "summary": "Search the social spaces",
                "description": "Official territorial units and named groups of units, in official order "
                "(by code; groups last, by name).",
                "tags": ["spaces"],
                "parameters": [param(name) for name in ("SpaceQuery", "Level", "Parent", "Limit", "Offset")],
                "responses": {
                    "200": ok(ref("SpaceList"), "One page of matching spaces."),
                    **_error_refs("BadRequest", "Unauthorized"),
                },
            }
        },
        "/spaces/{space_id}": {
            "parameters": [param("SpaceId")],
            "get": {
                "operationId": "getSpace",
                "summary": "One social space",
                "description": "With its ancestors, children, units (for groups), member counts per party "
                "and, for signed-in callers only, the members' public names by party.",
                "tags": ["spaces"],
                "responses": {
                    "200": ok(ref("SpaceDetail"), "The space."),
                    **_error_refs("Unauthorized", "NotFound"),
                },
            },
        },
        "/organisations": {
            "get": {
                "operationId": "listOrganisations",
                "summary": "The organisations, by name",
                "tags": ["organisations"],
                "parameters": [param("Kind"), param("OrganisationQuery")],
                "responses": {
                    "200": ok(ref("OrganisationList"), "Every matching organisation."),
                    **_error_refs("BadRequest", "Unauthorized"),
                },
            }
        },
        "/organisations/{organisation_id}": {
            "parameters": [param("OrganisationId")],
            "get": {
                "operationId": "getOrganisation",
                "summary": "One organisation",
                "tags": ["organisations"],
                "responses": {
                    "200": ok(ref("Organisation"), "The organisation."),
                    **_error_refs("Unauthorized", "NotFound"),
                },
            },
        },
        "/me": {
            "get": {
                "operationId": "getMe",
                "summary": "The authenticated caller",
                "tags": ["account"],
                "security": signed_in_only,
                "responses": {
                    "200": ok(ref("Me"), "Who the credentials belong to."),
                    **_error_refs("Unauthorized"),
                },
            }
        },
    }


DESCRIPTION = """\
Raumrat's social spaces and organisations (read only), and its agreements and frameworks: read them,
compare their versions, and write drafts, publish versions and change an agreement's status.

**Authentication** is optional for public data: send a personal access token
(`Authorization: Bearer <token>`, created under Settings) or use the website's session cookie.
A token that is unknown, revoked or belongs to a deactivated account is refused with 401, even on
public endpoints. Member names are only shown to signed-in callers.

**Writing** (POST, PUT, DELETE) needs a token or a session; the same permission rules apply as on
the website. Scripts send the token, which needs no CSRF protection; a browser session must send the
CSRF token of its page in the `X-CSRFToken` header. Request bodies are JSON objects
(`Content-Type: application/json`); unknown members are refused.

**Errors** are always `application/problem+json` (RFC 9457) with `title` and `detail` in the
caller's language (`Accept-Language: de` or `en`, or the account's language): 400 for invalid query
parameters (with an `errors` map per parameter) or a body that is not a JSON object, 401 when
credentials are missing or wrong, 403 when the caller may not do this, 404 for unknown ids and paths,
405 (with an `Allow` header) for methods an address does not accept, 409 when someone else changed
the text in the meantime, 422 for a body with invalid members or a refused step (with `errors` and
`codes` per member), 500 if something breaks on our side.

**Caching**: anonymous successful responses are `public, max-age=60`; anything sent with credentials
is `private, no-store`. Responses vary by `Authorization`, `Cookie` and `Accept-Language`.
"""


def build_document(session_cookie_name: str = "session") -> dict[str, Any]:
    # Imported here: the agreements part builds on this module's helpers.
    from agreements import openapi_paths as agreements
    from decisions import openapi_paths as decisions

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Raumrat API",
            "version": API_VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{}, {"bearerAuth": []}, {"cookieSession": []}],
        "tags": [
            {"name": "spaces", "description": "Social spaces (Sozialräume)"},
            {"name": "organisations"},
            {"name": "account"},
            {"name": "meta"},
            *agreements.tags(),
            *decisions.tags(),
        ],
        "paths": {**_paths(), **agreements.paths(), **decisions.paths()},
        "components": {
            "schemas": {**_schemas(), **agreements.schemas(), **decisions.schemas()},
            "parameters": {**_parameters(), **agreements.parameters(), **decisions.parameters()},
            "responses": {**_responses(), **agreements.responses(), **decisions.responses()},
            "headers": _headers(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token (starts with `rr_`).",
                },
                "cookieSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": session_cookie_name,
                    "description": "The website's session after signing in (browsers only).",
                },
            },
        },
    }

"""The OpenAPI 3.1 document of the JSON API /api/v1, built in Python so its enumerations follow the domain.

Tests validate the document itself, every real response against it, and that every URL rule under
/api/v1 is described here.
"""

from __future__ import annotations

from typing import Any

from governance.parties import OrganisationKind, Party, SpaceRole, UnitLevel
from governance.services.spaces import MAX_ID, MAX_QUERY_LENGTH

API_VERSION = "1.0.0"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = MAX_ID

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _closed_object(properties: dict[str, Schema], description: str = "") -> Schema:
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


_ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_LINK: Schema = {"type": "string", "format": "uri-reference"}

_SPACE_FIELDS: dict[str, Schema] = {
    "id": _ID,
    "code": {
        "type": ["string", "null"],
        "description": "Official 8-digit code of a territorial unit; null for a group of units.",
    },
    "name": {"type": "string"},
    "alt_name": {"type": ["string", "null"], "description": "Alternative name, if the unit has one."},
    "level": _ref("SpaceLevel"),
    "parent_id": {"type": ["integer", "null"], "description": "The unit one level up; null for the Land."},
    "population": {
        "type": ["integer", "null"],
        "minimum": 0,
        "description": "Residents on 31 Dec 2023; for a group, the sum over its units.",
    },
    "area_km2": {"type": ["number", "null"], "description": "Area in km²; null for groups."},
    "url": {**_LINK, "description": "The space's page on the website."},
    "api_url": {**_LINK, "description": "This space in the API."},
}

_ORGANISATION_FIELDS: dict[str, Schema] = {
    "id": _ID,
    "name": {"type": "string"},
    "kind": _ref("OrganisationKind"),
    "description": {"type": "string", "description": "Markdown text; may be empty."},
    "website": {"type": ["string", "null"], "format": "uri"},
    "url": {**_LINK, "description": "The organisation's page on the website."},
    "api_url": {**_LINK, "description": "This organisation in the API."},
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
                    "description": "For invalid query parameters: messages per parameter name.",
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
        "Space": _closed_object(_SPACE_FIELDS, "A social space in a list."),
        "SpaceRef": _closed_object(
            {
                "id": _ID,
                "code": _SPACE_FIELDS["code"],
                "name": {"type": "string"},
                "level": _ref("SpaceLevel"),
                "api_url": _LINK,
            },
            "A short reference to another space.",
        ),
        "SpaceList": _closed_object(
            {
                "items": {"type": "array", "items": _ref("Space")},
                "total": {"type": "integer", "minimum": 0, "description": "Matching spaces on all pages."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                "offset": {"type": "integer", "minimum": 0},
                "next": {**_nullable(_LINK), "description": "The next page; null on the last page."},
                "previous": {**_nullable(_LINK), "description": "The previous page; null on the first."},
            }
        ),
        "OrganisationRef": _closed_object({"id": _ID, "name": {"type": "string"}}),
        "Member": _closed_object(
            {
                "public_name": {"type": "string", "description": "Pseudonym if chosen, else display name."},
                "role": _ref("SpaceRole"),
                "organisation": {
                    **_nullable(_ref("OrganisationRef")),
                    "description": "The organisation the member speaks for, if any.",
                },
            }
        ),
        "PartyCounts": _closed_object(
            {party: {"type": "integer", "minimum": 0} for party in parties},
            "Number of active members per party; every party is present.",
        ),
        "MembersByParty": _closed_object(
            {party: {"type": "array", "items": _ref("Member")} for party in parties},
            "Active members per party, in the order they joined; every party is present.",
        ),
        "SpaceDetail": _closed_object(
            {
                **_SPACE_FIELDS,
                "description": {"type": "string", "description": "Markdown text; may be empty."},
                "ancestors": {
                    "type": "array",
                    "items": _ref("SpaceRef"),
                    "description": "From the Land down to the parent.",
                },
                "children": {"type": "array", "items": _ref("SpaceRef")},
                "units": {
                    "type": "array",
                    "items": _ref("SpaceRef"),
                    "description": "The official units of a group; empty for official units.",
                },
                "party_counts": _ref("PartyCounts"),
                "members_by_party": {
                    **_nullable(_ref("MembersByParty")),
                    "description": "Names are shown to signed-in callers only: null for anonymous requests, "
                    "because being listed (e.g. as a beneficiary) can reveal health-related facts.",
                },
            },
            "A social space with its place in the hierarchy and its members.",
        ),
        "Organisation": _closed_object(_ORGANISATION_FIELDS),
        "OrganisationList": _closed_object(
            {
                "items": {"type": "array", "items": _ref("Organisation")},
                "total": {"type": "integer", "minimum": 0},
            }
        ),
        "Me": _closed_object(
            {
                "id": _ID,
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


_COMMON_HEADERS = {
    "Cache-Control": {"$ref": "#/components/headers/CacheControl"},
    "Vary": {"$ref": "#/components/headers/Vary"},
    "Content-Language": {"$ref": "#/components/headers/ContentLanguage"},
}


def _problem_response(description: str, **headers: Schema) -> Schema:
    return {
        "description": description,
        "headers": {**_COMMON_HEADERS, **headers},
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


def _responses() -> dict[str, Schema]:
    return {
        "BadRequest": _problem_response(
            "A query parameter is not valid; `errors` names each one with its messages."
        ),
        "Unauthorized": _problem_response(
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
        "NotFound": _problem_response("There is nothing with this id."),
        "Error": _problem_response("Any other error, e.g. 500 (never HTML)."),
    }


def _ok(schema: Schema, description: str) -> Schema:
    return {
        "description": description,
        "headers": _COMMON_HEADERS,
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
        "SpaceId": {"name": "space_id", "in": "path", "required": True, "schema": _ID},
        "OrganisationId": {"name": "organisation_id", "in": "path", "required": True, "schema": _ID},
        "SpaceQuery": {
            "name": "q",
            "in": "query",
            "description": "Words that must all occur in the name, alternative name or code; umlauts "
            "match however they are typed (ö, oe, o).",
            "schema": query_text,
        },
        "Level": {"name": "level", "in": "query", "schema": _ref("SpaceLevel")},
        "Parent": {
            "name": "parent",
            "in": "query",
            "description": "Only the direct children of this space.",
            "schema": _ID,
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
        "Kind": {"name": "kind", "in": "query", "schema": _ref("OrganisationKind")},
        "OrganisationQuery": {
            "name": "q",
            "in": "query",
            "description": "Words that must all occur in the organisation's name.",
            "schema": query_text,
        },
    }


def _param(name: str) -> Schema:
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
                    "200": _ok({"type": "object"}, "The OpenAPI 3.1 document of this API."),
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
                "parameters": [_param(name) for name in ("SpaceQuery", "Level", "Parent", "Limit", "Offset")],
                "responses": {
                    "200": _ok(_ref("SpaceList"), "One page of matching spaces."),
                    **_error_refs("BadRequest", "Unauthorized"),
                },
            }
        },
        "/spaces/{space_id}": {
            "parameters": [_param("SpaceId")],
            "get": {
                "operationId": "getSpace",
                "summary": "One social space",
                "description": "With its ancestors, children, units (for groups), member counts per party "
                "and, for signed-in callers only, the members' public names by party.",
                "tags": ["spaces"],
                "responses": {
                    "200": _ok(_ref("SpaceDetail"), "The space."),
                    **_error_refs("Unauthorized", "NotFound"),
                },
            },
        },
        "/organisations": {
            "get": {
                "operationId": "listOrganisations",
                "summary": "The organisations, by name",
                "tags": ["organisations"],
                "parameters": [_param("Kind"), _param("OrganisationQuery")],
                "responses": {
                    "200": _ok(_ref("OrganisationList"), "Every matching organisation."),
                    **_error_refs("BadRequest", "Unauthorized"),
                },
            }
        },
        "/organisations/{organisation_id}": {
            "parameters": [_param("OrganisationId")],
            "get": {
                "operationId": "getOrganisation",
                "summary": "One organisation",
                "tags": ["organisations"],
                "responses": {
                    "200": _ok(_ref("Organisation"), "The organisation."),
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
                    "200": _ok(_ref("Me"), "Who the credentials belong to."),
                    **_error_refs("Unauthorized"),
                },
            }
        },
    }


DESCRIPTION = """\
Read access to Raumrat's social spaces and organisations.

**Authentication** is optional for public data: send a personal access token
(`Authorization: Bearer <token>`, created under Settings) or use the website's session cookie.
A token that is unknown, revoked or belongs to a deactivated account is refused with 401, even on
public endpoints. Member names are only shown to signed-in callers.

**Errors** are always `application/problem+json` (RFC 9457) with `title` and `detail` in the
caller's language (`Accept-Language: de` or `en`, or the account's language): 400 for invalid query
parameters (with an `errors` map per parameter), 401, 404 for unknown ids and paths, 405 (with an
`Allow` header) for methods other than GET, 500 if something breaks on our side.

**Caching**: anonymous successful responses are `public, max-age=60`; anything sent with credentials
is `private, no-store`. Responses vary by `Authorization`, `Cookie` and `Accept-Language`.
"""


def build_document(session_cookie_name: str = "session") -> dict[str, Any]:
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
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
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

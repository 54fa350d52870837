"""The decisions part of the OpenAPI document (merged by governance.openapi): motions, ballots,
results and the published ballots. Enumerations come from the domain, so the document follows it."""

from __future__ import annotations

from decisions.domain.methods import Method
from decisions.domain.results import Outcome
from decisions.permissions import MotionState
from decisions.services.ballots import MAX_REASON
from decisions.services.motions import KINDS, MAX_TEXT, MAX_TITLE, VOTING_ROLES
from governance.openapi import (
    COMMON_HEADERS,
    ID_SCHEMA,
    LINK,
    Schema,
    closed_object,
    nullable,
    ok,
    param,
    problem_response,
    ref,
)
from governance.parties import Party

_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
_PARTIES: Schema = {"type": "array", "items": {"type": "string", "enum": [party.value for party in Party]}}
_ANY_JSON: Schema = {}
_WRITERS = [{"bearerAuth": []}, {"cookieSession": []}]


def tags() -> list[Schema]:
    return [{"name": "decisions", "description": "Motions put to the vote, ballots and results"}]


def schemas() -> dict[str, Schema]:
    option_input = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": MAX_TITLE},
            "amendment_id": nullable(ID_SCHEMA),
            "keeps_current_text": {"type": "boolean", "default": False},
        },
        "additionalProperties": False,
    }
    return {
        "MotionKind": {"type": "string", "enum": list(KINDS)},
        "VotingMethod": {"type": "string", "enum": [method.value for method in Method]},
        "MotionState": {"type": "string", "enum": [state.value for state in MotionState]},
        "MotionOutcome": {"type": "string", "enum": [outcome.value for outcome in Outcome]},
        "MotionOption": closed_object(
            {
                "key": {
                    "type": "string",
                    "description": "The option's id in ballots (`o1`, `o2`, …, `keep`).",
                },
                "title": {"type": "string"},
                "amendment_id": nullable(ID_SCHEMA),
                "keeps_current_text": {"type": "boolean"},
            }
        ),
        "MotionOptionInput": option_input,
        "MotionInput": {
            "type": "object",
            "description": "A motion as a draft. `parameters` take the tally engine's JSON form: `threshold` "
            '(`{"fraction": "2/3", "base": "valid_votes" | "electorate"}`), `parties` (approval by every '
            'party: a list of parties, or an object party → threshold), `quorum` (`{"overall": "1/2", '
            '"per_party": {"carrier": "1/3"}}`). Shares are exact fractions as strings.',
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                "text": {"type": "string", "maxLength": MAX_TEXT},
                "kind": ref("MotionKind"),
                "method": ref("VotingMethod"),
                "parameters": {"type": "object"},
                "options": {"type": "array", "items": ref("MotionOptionInput"), "maxItems": 20},
                "document_id": nullable(ID_SCHEMA),
                "document_version_id": nullable(ID_SCHEMA),
                "amendment_id": nullable(ID_SCHEMA),
                "eligible_parties": _PARTIES,
                "eligible_roles": {"type": "array", "items": {"type": "string", "enum": list(VOTING_ROLES)}},
                "opens_at": _TIME,
                "closes_at": _TIME,
                "secret": {"type": "boolean"},
                "interim_results": {"type": "boolean"},
            },
            "required": ["title"],
            "additionalProperties": False,
        },
        "Motion": closed_object(
            {
                "id": ID_SCHEMA,
                "space_id": ID_SCHEMA,
                "kind": ref("MotionKind"),
                "title": {"type": "string"},
                "text": {"type": "string", "description": "Markdown."},
                "method": ref("VotingMethod"),
                "parameters": {"type": "object"},
                "options": {"type": "array", "items": ref("MotionOption")},
                "document_id": nullable(ID_SCHEMA),
                "document_version_id": nullable(ID_SCHEMA),
                "amendment_id": nullable(ID_SCHEMA),
                "eligible_parties": _PARTIES,
                "eligible_roles": {"type": "array", "items": {"type": "string"}},
                "opens_at": _TIME,
                "closes_at": _TIME,
                "secret": {"type": "boolean"},
                "interim_results": {"type": "boolean"},
                "state": ref("MotionState"),
                "outcome": nullable(ref("MotionOutcome")),
                "effect": {
                    "type": "string",
                    "description": "What the outcome did to the agreement or amendment.",
                },
                "opened_at": _TIME,
                "closed_at": _TIME,
                "electorate": {
                    "type": "object",
                    "description": "People who may vote, per party (`none`: no party); fixed when the "
                    "motion opens.",
                    "additionalProperties": {"type": "integer", "minimum": 0},
                },
                "ballots_cast": {"type": "integer", "minimum": 0},
                "result": nullable(ref("TallyResult")),
                "links": closed_object({"self": LINK, "page": LINK}),
            },
            "A motion; `result` when the caller may see it (after close, or interim where allowed).",
        ),
        "TallyResult": {
            "type": "object",
            "description": "The tally engine's result: `outcome`, `turnout` (overall and per party), "
            "`quorum` checks, the method's `detail` (counts, per-party approvals, objections with reasons, "
            "the Schulze `pairwise` and `strongest_paths` matrices, approvals) and the `parameters` "
            "counted with.",
            "properties": {
                "method": ref("VotingMethod"),
                "outcome": ref("MotionOutcome"),
                "quorum_met": {"type": "boolean"},
                "turnout": {"type": "object"},
                "quorum": {"type": "array", "items": {"type": "object"}},
                "detail": {"type": "object"},
                "parameters": {"type": "object"},
            },
            "required": ["method", "outcome", "quorum_met", "turnout", "quorum", "detail", "parameters"],
        },
        "MotionSummary": closed_object(
            {
                "id": ID_SCHEMA,
                "title": {"type": "string"},
                "kind": ref("MotionKind"),
                "method": ref("VotingMethod"),
                "state": ref("MotionState"),
                "outcome": nullable(ref("MotionOutcome")),
                "secret": {"type": "boolean"},
                "opens_at": _TIME,
                "closes_at": _TIME,
                "links": closed_object({"self": LINK, "page": LINK}),
            }
        ),
        "MotionList": closed_object(
            {
                "open": {"type": "array", "items": ref("MotionSummary")},
                "upcoming": {
                    "type": "array",
                    "items": ref("MotionSummary"),
                    "description": "Drafts; only for members of the space and administrators.",
                },
                "closed": {
                    "type": "array",
                    "items": ref("MotionSummary"),
                    "description": "Closed or cancelled.",
                },
            },
            "The motions of a social space, newest first.",
        ),
        "MotionResult": closed_object(
            {"motion_id": ID_SCHEMA, "interim": {"type": "boolean"}, "result": ref("TallyResult")}
        ),
        "BallotInput": {
            "type": "object",
            "properties": {
                "choice": {
                    "description": '"yes" / "no" / "abstain"; "agree" / "stand_aside" / "object" (consent); '
                    "a list of option keys best first, ties as nested lists (ranked choice); a list of "
                    "option keys (approval voting).",
                },
                "reason": {"type": "string", "maxLength": MAX_REASON, "description": "Needed to object."},
                "voter_id": {
                    **ID_SCHEMA,
                    "description": "Vote as proxy for this member (default: yourself).",
                },
                "receipt": {"type": "string", "description": "Needed to change a secret ballot."},
            },
            "required": ["choice"],
            "additionalProperties": False,
        },
        "BallotRecorded": closed_object(
            {
                "motion_id": ID_SCHEMA,
                "voter_id": ID_SCHEMA,
                "changed": {"type": "boolean", "description": "A ballot existed and was changed."},
                "receipt": {
                    "type": ["string", "null"],
                    "description": "Secret ballots: the receipt code, returned once when the ballot is "
                    "first cast.",
                },
            }
        ),
        "BallotExport": {
            "type": "object",
            "description": "The published ballots of a closed motion, as `python -m decisions.recount` reads "
            "them. Secret ballots are named by the SHA-256 of their receipt code, sorted by it, with party "
            "and choice only; `ballots_digest` is sealed in the audit log. Open ballots name voters by user "
            "id for the space's members, by pseudonym for everyone else.",
            "properties": {
                "format": {"type": "string", "const": "raumrat-ballots/1"},
                "motion": {"type": "object"},
                "electorate": {"type": "object", "additionalProperties": {"type": "integer"}},
                "ballots": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "voter": {"type": ["string", "integer"]},
                            "party": {"type": ["string", "null"]},
                            "choice": _ANY_JSON,
                            "cast_by": {"type": ["string", "integer", "null"]},
                            "reason": {"type": "string"},
                        },
                        "required": ["voter", "party", "choice", "reason"],
                        "additionalProperties": False,
                    },
                },
                "result": nullable(ref("TallyResult")),
                "ballots_digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
            "required": ["format", "motion", "electorate", "ballots", "result"],
            "additionalProperties": False,
        },
    }


def parameters() -> dict[str, Schema]:
    return {"MotionId": {"name": "motion_id", "in": "path", "required": True, "schema": ID_SCHEMA}}


def responses() -> dict[str, Schema]:
    return {
        "BallotRefused": problem_response(
            "The vote is not open (`code`: `not_open`, `closed`), a secret ballot needs its receipt "
            "code to be changed (`receipt_required`), or the member voted themselves, so their proxy may "
            "no longer change the ballot (`cast_by_voter`)."
        ),
        "VoteForbidden": problem_response(
            "The caller may not vote here: not in the electorate (`code`: `not_eligible`), or no proxy "
            "for this member (`no_proxy`)."
        ),
    }


_STATUS_OF = {
    "BadBody": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "VoteForbidden": "403",
    "NotFound": "404",
    "BallotRefused": "409",
    "Unprocessable": "422",
}


def _errors(*names: str) -> dict[str, Schema]:
    refs = {_STATUS_OF[name]: {"$ref": f"#/components/responses/{name}"} for name in names}
    refs["default"] = {"$ref": "#/components/responses/Error"}
    return refs


def _write(operation: Schema) -> Schema:
    return {
        **operation,
        "security": _WRITERS,
        "parameters": [param("CsrfToken"), *operation.get("parameters", [])],
    }


def _body(name: str) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


def paths() -> dict[str, Schema]:
    tag = ["decisions"]
    motion = [param("MotionId")]
    created = ok(ref("Motion"), "The new motion (a draft).")
    created["headers"] = {
        **COMMON_HEADERS,
        "Location": {"description": "Where the new motion is.", "required": True, "schema": LINK},
    }
    return {
        "/spaces/{space_id}/motions": {
            "parameters": [param("SpaceId")],
            "get": {
                "operationId": "listMotions",
                "summary": "The motions of a social space",
                "tags": tag,
                "responses": {
                    "200": ok(ref("MotionList"), "Open, upcoming and closed motions."),
                    **_errors("Unauthorized", "NotFound"),
                },
            },
            "post": _write(
                {
                    "operationId": "createMotion",
                    "summary": "Put a motion to the vote (as a draft)",
                    "description": "Facilitators of the space and administrators.",
                    "tags": tag,
                    "requestBody": _body("MotionInput"),
                    "responses": {
                        "201": created,
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/motions/{motion_id}": {
            "parameters": motion,
            "get": {
                "operationId": "getMotion",
                "summary": "One motion",
                "description": "Upcoming motions (drafts) only for members of the space.",
                "tags": tag,
                "responses": {"200": ok(ref("Motion"), "The motion."), **_errors("Unauthorized", "NotFound")},
            },
        },
        "/motions/{motion_id}/open": {
            "parameters": motion,
            "post": _write(
                {
                    "operationId": "openMotion",
                    "summary": "Open the vote: fixes the electorate",
                    "tags": tag,
                    "responses": {
                        "200": ok(ref("Motion"), "The open motion."),
                        **_errors("Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/motions/{motion_id}/close": {
            "parameters": motion,
            "post": _write(
                {
                    "operationId": "closeMotion",
                    "summary": "Close the vote: counts, stores and applies the result",
                    "tags": tag,
                    "responses": {
                        "200": ok(ref("Motion"), "The closed motion with its result."),
                        **_errors("Unauthorized", "Forbidden", "NotFound"),
                    },
                }
            ),
        },
        "/motions/{motion_id}/ballot": {
            "parameters": motion,
            "put": _write(
                {
                    "operationId": "castBallot",
                    "summary": "Cast or change a ballot",
                    "description": "One ballot per voter: a second one changes the first. A proxy votes with "
                    "`voter_id`. A secret ballot returns a receipt code once; changing it needs the code.",
                    "tags": tag,
                    "requestBody": _body("BallotInput"),
                    "responses": {
                        "200": ok(ref("BallotRecorded"), "The ballot was recorded."),
                        **_errors(
                            "BadBody",
                            "Unauthorized",
                            "VoteForbidden",
                            "NotFound",
                            "BallotRefused",
                            "Unprocessable",
                        ),
                    },
                }
            ),
        },
        "/motions/{motion_id}/results": {
            "parameters": motion,
            "get": {
                "operationId": "getMotionResults",
                "summary": "The result (interim results where the motion allows them)",
                "tags": tag,
                "responses": {
                    "200": ok(ref("MotionResult"), "The result."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
        },
        "/motions/{motion_id}/ballots": {
            "parameters": motion,
            "get": {
                "operationId": "exportMotionBallots",
                "summary": "The published ballots of a closed motion, for a recount",
                "tags": tag,
                "responses": {
                    "200": ok(
                        ref("BallotExport"), "The ballots, the electorate per party and the stored result."
                    ),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
        },
    }

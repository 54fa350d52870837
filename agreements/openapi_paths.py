"""The agreements and frameworks part of the OpenAPI document (merged by governance.openapi).

Enumerations come from the domain, so the document follows it. Frameworks and agreements share
their version, diff and draft operations; one function describes them for both kinds.
"""

from __future__ import annotations

from agreements.api_input import MAX_EUROS
from agreements.domain.sections import SectionKind
from agreements.domain.workflow import Status, Transition
from agreements.framework_forms import MAX_REVIEW_MONTHS, REQUIRABLE_KINDS
from agreements.services.drafts import MAX_ROWS, MAX_TEXT, MAX_TITLE
from agreements.services.lifecycle import MAX_NOTE
from agreements.services.snapshots import INDICATOR_FIELDS
from agreements.services.versions import MAX_SUMMARY
from governance.openapi import (
    COMMON_HEADERS,
    ID_SCHEMA,
    LINK,
    MAX_LIMIT,
    MAX_OFFSET,
    Schema,
    closed_object,
    nullable,
    ok,
    param,
    problem_response,
    ref,
)
from governance.parties import Party

KINDS = ("agreement", "framework")
_TEXT: Schema = {"type": "string"}
_DATE: Schema = {"type": "string", "format": "date"}
_OPTIONAL_DATE: Schema = {"type": ["string", "null"], "format": "date"}
_NUMBER: Schema = {"type": "integer", "minimum": 1}
_ACTIONS = (
    "view_published",
    "view_draft",
    "edit_draft",
    "publish_version",
    "change_status",
    "change_framework_version",
)


def tags() -> list[Schema]:
    return [
        {"name": "agreements", "description": "Agreements of a social space (Vereinbarungen)"},
        {"name": "frameworks", "description": "Land-wide frameworks (Rahmen)"},
    ]


# --- schemas -----------------------------------------------------------------------------------------


def _section_fields(*, request: bool = False) -> dict[str, Schema]:
    """A section's content; in requests, indicators and budget lines need only a name or label."""
    rows = "Input" if request else ""
    return {
        "kind": ref("SectionKind"),
        "title": {"type": "string", "maxLength": MAX_TITLE},
        "body": {"type": "string", "maxLength": MAX_TEXT, "description": "The binding text, in Markdown."},
        "plain_language": {
            "type": "string",
            "maxLength": MAX_TEXT,
            "description": "The same in plain language (Leichte Sprache); may be empty.",
        },
        "indicators": {
            "type": "array",
            "items": ref(f"Indicator{rows}"),
            "maxItems": MAX_ROWS,
            "description": "For quality standards.",
        },
        "budget_lines": {
            "type": "array",
            "items": ref(f"BudgetLine{rows}"),
            "maxItems": MAX_ROWS,
            "description": "For financing.",
        },
        "review_date": {**_OPTIONAL_DATE, "description": "For review sections."},
    }


def _input(properties: dict[str, Schema], required: list[str], description: str) -> Schema:
    """A request body: only the listed members; null means the same as leaving a member out."""
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "description": description,
    }


def _list_of(item: str, description: str) -> Schema:
    return closed_object(
        {
            "items": {"type": "array", "items": ref(item)},
            "total": {"type": "integer", "minimum": 0, "description": description},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0},
            "next": {**nullable(LINK), "description": "The next page; null on the last page."},
            "previous": {**nullable(LINK), "description": "The previous page; null on the first."},
        }
    )


def _document_fields() -> dict[str, Schema]:
    return {
        "id": ID_SCHEMA,
        "title": {"type": "string", "description": "The current title (of the working draft)."},
        "latest_version": {**nullable(_NUMBER), "description": "Number of the newest published version."},
        "actions": ref("Actions"),
        "draft": {
            **nullable(ref("Draft")),
            "description": "The working draft; null unless the caller may see it.",
        },
        "url": {**LINK, "description": "The page on the website."},
        "api_url": LINK,
        "versions_url": LINK,
    }


def _hunk_list() -> Schema:
    return {"type": "array", "items": ref("Hunk")}


def _text_members(schema: Schema) -> Schema:
    return closed_object({name: schema for name in ("title", "body", "plain_language")})


def schemas() -> dict[str, Schema]:
    section_fields = _section_fields()
    section_input = _section_fields(request=True)
    party = {"type": "string", "enum": [p.value for p in Party]}
    indicator = {name: _TEXT for name in INDICATOR_FIELDS}
    budget_line = {
        "label": _TEXT,
        "amount_euros": {"type": "integer", "minimum": 0, "maximum": MAX_EUROS},
        "funded_by": _TEXT,
    }
    return {
        "DocumentStatus": {
            "type": "string",
            "enum": [status.value for status in Status],
            "description": "Where an agreement stands in its workflow.",
        },
        "Transition": {
            "type": "string",
            "enum": [transition.value for transition in Transition],
            "description": "A step of the workflow from one status to the next.",
        },
        "SectionKind": {"type": "string", "enum": [kind.value for kind in SectionKind]},
        "Indicator": closed_object(indicator, "A measurable indicator (Kennzahl)."),
        "IndicatorInput": _input(indicator, ["name"], "An indicator; members left out are empty."),
        "BudgetLine": closed_object(budget_line, "One line of a financing section."),
        "BudgetLineInput": _input(budget_line, ["label"], "A budget line; members left out are empty (0)."),
        "Section": closed_object(
            {"key": {"type": "string", "description": "Stays the same across versions."}, **section_fields},
            "A section as published in a version.",
        ),
        "DraftSection": closed_object(
            {
                "key": {"type": "string"},
                **section_fields,
                "revision": {
                    **_NUMBER,
                    "description": "Send it back as `base_revision` when you change the section.",
                },
                "updated_at": {"type": "string", "format": "date-time"},
                "api_url": LINK,
            },
            "A section of the working draft.",
        ),
        "SectionContent": closed_object(section_fields, "A section's content as it is saved now."),
        "Requirements": closed_object(
            {
                "required_section_kinds": {"type": "array", "items": ref("SectionKind")},
                "indicators_need_target": {"type": "boolean"},
                "required_parties": {"type": "array", "items": party},
                "max_review_interval_months": {"type": ["integer", "null"], "minimum": 1},
            },
            "What a framework version requires of the agreements that adopt it.",
        ),
        "Draft": closed_object(
            {
                "revision": {**_NUMBER, "description": "Revision of the title and preamble."},
                "title": _TEXT,
                "preamble": _TEXT,
                "requirements": {
                    **nullable(ref("Requirements")),
                    "description": "Frameworks: what the next version will require; null for agreements.",
                },
                "sections": {"type": "array", "items": ref("DraftSection")},
            },
            "The working draft that the next version will freeze.",
        ),
        "Actions": closed_object(
            {name: {"type": "boolean"} for name in _ACTIONS},
            "What the caller may do with this document now.",
        ),
        "AgreementSummary": closed_object(
            {
                "id": ID_SCHEMA,
                "title": _TEXT,
                "status": ref("DocumentStatus"),
                "space": ref("SpaceRef"),
                "latest_version": nullable(_NUMBER),
                "url": LINK,
                "api_url": LINK,
            }
        ),
        "FrameworkSummary": closed_object(
            {
                "id": ID_SCHEMA,
                "title": _TEXT,
                "latest_version": nullable(_NUMBER),
                "url": LINK,
                "api_url": LINK,
            }
        ),
        "AgreementList": _list_of("AgreementSummary", "Matching agreements the caller may read."),
        "FrameworkList": _list_of("FrameworkSummary", "Frameworks the caller may read."),
        "FrameworkVersionRef": closed_object(
            {"framework_id": ID_SCHEMA, "title": _TEXT, "number": _NUMBER, "api_url": LINK},
            "A version of a framework.",
        ),
        "AgreementParty": closed_object({"organisation": ref("OrganisationRef"), "party": party}),
        "Finding": closed_object(
            {
                "code": {
                    "type": "string",
                    "description": "`section_kind:<kind>`, `indicators_with_target`, `parties_represented` "
                    "or `review_interval`.",
                },
                "met": {"type": "boolean"},
                "missing": {
                    "type": "array",
                    "items": _TEXT,
                    "description": "Section titles or parties that are missing.",
                },
            },
            "One line of the compliance checklist.",
        ),
        "TimelineStep": closed_object(
            {
                "transition": ref("Transition"),
                "from_status": ref("DocumentStatus"),
                "to_status": ref("DocumentStatus"),
                "note": _TEXT,
                "actor": {"type": ["string", "null"], "description": "Public name of who took the step."},
                "at": {"type": "string", "format": "date-time"},
            }
        ),
        "Consultation": closed_object(
            {
                "starts_on": _OPTIONAL_DATE,
                "ends_on": _OPTIONAL_DATE,
                "audience": {"type": "string", "enum": ["registered", "members"]},
            }
        ),
        "Agreement": closed_object(
            {
                **_document_fields(),
                "status": ref("DocumentStatus"),
                "space": ref("SpaceRef"),
                "framework_version": {
                    **nullable(ref("FrameworkVersionRef")),
                    "description": "The framework version the agreement adopted.",
                },
                "newer_framework_version": {
                    **nullable(_NUMBER),
                    "description": "Number of a newer version of that framework, if there is one.",
                },
                "parties": {"type": "array", "items": ref("AgreementParty")},
                "consultation": nullable(ref("Consultation")),
                "in_force_from": _OPTIONAL_DATE,
                "compliance": {
                    **nullable({"type": "array", "items": ref("Finding")}),
                    "description": "The newest version checked against the framework version's "
                    "requirements; null without a framework.",
                },
                "available_transitions": {
                    "type": "array",
                    "items": ref("Transition"),
                    "description": "Steps the caller may try now (POST …/transitions).",
                },
                "timeline": {"type": "array", "items": ref("TimelineStep")},
            },
            "An agreement of a social space.",
        ),
        "Framework": closed_object(
            {
                **_document_fields(),
                "requirements": {
                    **nullable(ref("Requirements")),
                    "description": "What the newest version requires; null before the first version.",
                },
            },
            "A Land-wide framework.",
        ),
        "VersionSummary": closed_object(_version_summary_fields()),
        "VersionList": closed_object(
            {"items": {"type": "array", "items": ref("VersionSummary")}, "total": {"type": "integer"}},
            "Every version, oldest first.",
        ),
        "VersionParty": closed_object(
            {"organisation_id": {"type": ["integer", "null"]}, "name": _TEXT, "party": _TEXT},
            "An organisation that was party to the agreement when the version was published.",
        ),
        "Version": closed_object(
            {
                **_version_summary_fields(),
                "document_id": ID_SCHEMA,
                "preamble": _TEXT,
                "framework_version": nullable(ref("FrameworkVersionRef")),
                "requirements": {
                    **nullable(ref("Requirements")),
                    "description": "Frameworks: what this version requires; null for agreements.",
                },
                "parties": {"type": "array", "items": ref("VersionParty")},
                "sections": {"type": "array", "items": ref("Section")},
            },
            "A published version (Fassung). Its text never changes.",
        ),
        "Hunk": closed_object(
            {
                "tag": {"type": "string", "enum": ["equal", "insert", "delete", "replace"]},
                "old": _TEXT,
                "new": _TEXT,
            },
            "A run of words; joining every `old` gives the old text, every `new` the new one.",
        ),
        "SectionHeading": closed_object({"kind": ref("SectionKind"), "title": _TEXT}),
        "SectionChange": closed_object(
            {
                "key": _TEXT,
                "change": {"type": "string", "enum": ["added", "removed", "changed", "unchanged"]},
                "moved": {"type": "boolean", "description": "Left the order of the other sections."},
                "old": nullable(ref("SectionHeading")),
                "new": nullable(ref("SectionHeading")),
                "title_hunks": _hunk_list(),
                "body_hunks": {
                    **_hunk_list(),
                    "description": "The body with indicators, budget lines and review date.",
                },
                "plain_language_hunks": _hunk_list(),
            }
        ),
        "Diff": closed_object(
            {
                "from": _NUMBER,
                "to": _NUMBER,
                "from_url": LINK,
                "to_url": LINK,
                "counts": closed_object(
                    {
                        name: {"type": "integer", "minimum": 0}
                        for name in ("added", "removed", "changed", "unchanged", "moved")
                    }
                ),
                "sections": {
                    "type": "array",
                    "items": ref("SectionChange"),
                    "description": "In the new version's order; removed sections where they stood.",
                },
            },
            "Word-level differences between two versions, section by section.",
        ),
        "MergeConflict": closed_object(
            {"base": _TEXT, "mine": _TEXT, "theirs": _TEXT},
            "Words both sides changed differently: the original, your reading and theirs.",
        ),
        "MergeResult": closed_object(
            {
                "clean": {"type": "boolean", "description": "Both changes fit together."},
                "text": {"type": ["string", "null"], "description": "The merged text when clean."},
                "conflicts": {"type": "array", "items": ref("MergeConflict")},
                "parts": {
                    "type": "array",
                    "items": {"anyOf": [_TEXT, ref("MergeConflict")]},
                    "description": "The merged text in order: agreed runs and conflicts.",
                },
            }
        ),
        "DraftConflictProblem": {
            "allOf": [
                ref("Problem"),
                {
                    "type": "object",
                    "properties": {
                        "key": _TEXT,
                        "current_revision": {
                            **_NUMBER,
                            "description": "Send this as `base_revision` with the merged section.",
                        },
                        "current": ref("SectionContent"),
                        "merge": _text_members(ref("MergeResult")),
                    },
                    "required": ["key", "current_revision", "current", "merge"],
                },
            ],
            "description": "Someone saved the section after your `base_revision`: their text, and your "
            "change merged into it word by word.",
        },
        # --- request bodies
        "NewAgreement": _input(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                "preamble": {"type": "string", "maxLength": MAX_TEXT},
                "framework_id": {**ID_SCHEMA, "description": "Adopt a version of this framework …"},
                "framework_version": {**_NUMBER, "description": "… with this number (give both)."},
            },
            ["title"],
            "A new agreement; with a framework version, its draft starts from the framework's text.",
        ),
        "NewFramework": _input(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                "preamble": {"type": "string", "maxLength": MAX_TEXT},
            },
            ["title"],
            "A new framework (administrators only).",
        ),
        "NewSection": _input(
            {
                **section_input,
                "after_key": {
                    "type": ["string", "null"],
                    "description": "Insert after this section; at the end when left out.",
                },
            },
            ["kind", "title"],
            "A new section of the draft.",
        ),
        "SectionUpdate": _input(
            {
                **section_input,
                "base_revision": {
                    **_NUMBER,
                    "description": "The revision you loaded; a newer one means someone else saved (409).",
                },
                "base": _input(
                    section_input,
                    [],
                    "The section as you loaded it (e.g. `current` of a 409). Its title, body and plain "
                    "language text are merged with others' changes (missing: empty); the rest is ignored.",
                ),
            },
            ["kind", "title", "base_revision", "base"],
            "The whole new content of a section (members left out become empty).",
        ),
        "HeadingUpdate": _input(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                "preamble": {"type": "string", "maxLength": MAX_TEXT},
                "base_revision": {**_NUMBER, "description": "The draft's `revision` you loaded."},
            },
            ["title", "base_revision"],
            "The draft's new title and preamble; saved only if nobody changed them since `base_revision`.",
        ),
        "PartiesUpdate": _input(
            {
                "parties": {
                    "type": "array",
                    "items": _input(
                        {"organisation_id": ID_SCHEMA, "party": party},
                        ["organisation_id", "party"],
                        "An organisation and the party it speaks for in this agreement.",
                    ),
                }
            },
            ["parties"],
            "All organisations that are party to the agreement (replaces the list).",
        ),
        "RequirementsUpdate": _input(
            {
                "required_section_kinds": {
                    "type": "array",
                    "items": {"type": "string", "enum": [kind.value for kind in REQUIRABLE_KINDS]},
                },
                "indicators_need_target": {"type": "boolean"},
                "required_parties": {"type": "array", "items": party},
                "max_review_interval_months": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "maximum": MAX_REVIEW_MONTHS,
                },
            },
            [],
            "What the framework's next version will require (replaces all; left out: nothing required).",
        ),
        "NewVersion": _input(
            {"change_summary": {"type": "string", "minLength": 1, "maxLength": MAX_SUMMARY}},
            ["change_summary"],
            "Freeze the draft as the next version.",
        ),
        "TransitionRequest": _input(
            {
                "transition": ref("Transition"),
                "note": {"type": "string", "maxLength": MAX_NOTE},
                "consultation_starts_on": {**_DATE, "description": "Required to open a consultation."},
                "consultation_ends_on": {**_DATE, "description": "Required to open a consultation."},
                "consultation_audience": {"type": "string", "enum": ["registered", "members"]},
                "in_force_from": {**_DATE, "description": "Required to adopt."},
            },
            ["transition"],
            "A step of the workflow.",
        ),
    }


def _version_summary_fields() -> dict[str, Schema]:
    """The members a version shares with its summary in lists."""
    return {
        "number": _NUMBER,
        "title": _TEXT,
        "change_summary": _TEXT,
        "status_at_publication": ref("DocumentStatus"),
        "author": {"type": ["string", "null"], "description": "Public name of the author."},
        "created_at": {"type": "string", "format": "date-time"},
        "url": {**LINK, "description": "The permalink on the website."},
        "api_url": LINK,
    }


# --- parameters and responses ------------------------------------------------------------------------


def parameters() -> dict[str, Schema]:
    return {
        "AgreementId": {"name": "agreement_id", "in": "path", "required": True, "schema": ID_SCHEMA},
        "FrameworkId": {"name": "framework_id", "in": "path", "required": True, "schema": ID_SCHEMA},
        "VersionNumber": {"name": "number", "in": "path", "required": True, "schema": ID_SCHEMA},
        "SectionKey": {
            "name": "key",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": 40},
        },
        "SpaceFilter": {
            "name": "space",
            "in": "query",
            "description": "Only agreements of this social space.",
            "schema": ID_SCHEMA,
        },
        "StatusFilter": {"name": "status", "in": "query", "schema": ref("DocumentStatus")},
        "DocumentOffset": {
            "name": "offset",
            "in": "query",
            "description": "How many matching documents to skip (in order of title).",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
        "DiffFrom": {"name": "from", "in": "query", "required": True, "schema": ID_SCHEMA},
        "DiffTo": {
            "name": "to",
            "in": "query",
            "required": True,
            "description": "Another version than `from`.",
            "schema": ID_SCHEMA,
        },
        "BaseRevision": {
            "name": "base_revision",
            "in": "query",
            "required": True,
            "description": "The section's revision you decided on; if it changed since, nothing is "
            "removed (409).",
            "schema": ID_SCHEMA,
        },
        "CsrfToken": {
            "name": "X-CSRFToken",
            "in": "header",
            "description": "Needed with a browser session (the page's CSRF token); not with a bearer token.",
            "schema": {"type": "string"},
        },
    }


def responses() -> dict[str, Schema]:
    return {
        "BadBody": problem_response("The body is not a JSON object sent as `application/json`."),
        "Forbidden": problem_response("The caller may not do this; `detail` says who may."),
        "Conflict": problem_response(
            "Someone else changed this in the meantime (or published at the same moment); load it again."
        ),
        "DraftConflict": {
            "description": "The section changed since `base_revision`; nothing was saved.",
            "headers": COMMON_HEADERS,
            "content": {"application/problem+json": {"schema": ref("DraftConflictProblem")}},
        },
        "Unprocessable": problem_response(
            "Members of the body are invalid, or the step is refused: `errors` has a message and "
            "`codes` a stable code for each member (e.g. `transition`: `framework_requirements_not_met`)."
        ),
    }


_STATUS_OF = {
    "BadRequest": "400",
    "BadBody": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "Conflict": "409",
    "DraftConflict": "409",
    "Unprocessable": "422",
}


def _errors(*names: str) -> dict[str, Schema]:
    refs = {_STATUS_OF[name]: {"$ref": f"#/components/responses/{name}"} for name in names}
    refs["default"] = {"$ref": "#/components/responses/Error"}
    return refs


def _created(schema: Schema, description: str) -> Schema:
    response = ok(schema, description)
    response["headers"] = {
        **COMMON_HEADERS,
        "Location": {"description": "Where the new resource is.", "required": True, "schema": LINK},
    }
    return response


def _body(name: str) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


_WRITERS = [{"bearerAuth": []}, {"cookieSession": []}]


def _write(operation: Schema) -> Schema:
    """An operation that changes something: credentials needed, CSRF header for sessions."""
    return {
        **operation,
        "security": _WRITERS,
        "parameters": [param("CsrfToken"), *operation.get("parameters", [])],
    }


# --- paths -------------------------------------------------------------------------------------------


def _document_paths(kind: str) -> dict[str, Schema]:
    name = kind.capitalize()
    tag = [f"{kind}s"]
    base = f"/{kind}s/{{{kind}_id}}"
    ids = [param(f"{name}Id")]
    section_ids = [*ids, param("SectionKey")]
    return {
        base: {
            "parameters": ids,
            "get": {
                "operationId": f"get{name}",
                "summary": f"One {kind}",
                "description": "With the working draft when the caller may see it.",
                "tags": tag,
                "responses": {
                    "200": ok(ref(name), f"The {kind}."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
        },
        f"{base}/versions": {
            "parameters": ids,
            "get": {
                "operationId": f"list{name}Versions",
                "summary": "Its published versions",
                "tags": tag,
                "responses": {
                    "200": ok(ref("VersionList"), "Every version, oldest first."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
            "post": _write(
                {
                    "operationId": f"publish{name}Version",
                    "summary": "Publish the draft as the next version",
                    "tags": tag,
                    "requestBody": _body("NewVersion"),
                    "responses": {
                        "201": _created(ref("Version"), "The new version."),
                        **_errors(
                            "BadBody", "Unauthorized", "Forbidden", "NotFound", "Conflict", "Unprocessable"
                        ),
                    },
                }
            ),
        },
        f"{base}/versions/{{number}}": {
            "parameters": [*ids, param("VersionNumber")],
            "get": {
                "operationId": f"get{name}Version",
                "summary": "One published version",
                "tags": tag,
                "responses": {
                    "200": ok(ref("Version"), "The version; its text never changes."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
        },
        f"{base}/diff": {
            "parameters": ids,
            "get": {
                "operationId": f"diff{name}Versions",
                "summary": "Differences between two versions",
                "tags": tag,
                "parameters": [param("DiffFrom"), param("DiffTo")],
                "responses": {
                    "200": ok(ref("Diff"), "Section by section, word by word."),
                    **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound"),
                },
            },
        },
        f"{base}/draft": {
            "parameters": ids,
            "get": {
                "operationId": f"get{name}Draft",
                "summary": "The working draft",
                "tags": tag,
                "responses": {
                    "200": ok(ref("Draft"), "The draft with each section's revision."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
            "put": _write(
                {
                    "operationId": f"update{name}Heading",
                    "summary": "Change the draft's title and preamble",
                    "tags": tag,
                    "requestBody": _body("HeadingUpdate"),
                    "responses": {
                        "200": ok(ref("Draft"), "The draft with its new revision."),
                        **_errors(
                            "BadBody", "Unauthorized", "Forbidden", "NotFound", "Conflict", "Unprocessable"
                        ),
                    },
                }
            ),
        },
        f"{base}/draft/sections": {
            "parameters": ids,
            "post": _write(
                {
                    "operationId": f"add{name}Section",
                    "summary": "Add a section to the draft",
                    "tags": tag,
                    "requestBody": _body("NewSection"),
                    "responses": {
                        "201": _created(ref("DraftSection"), "The new section (revision 1)."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        f"{base}/draft/sections/{{key}}": {
            "parameters": section_ids,
            "get": {
                "operationId": f"get{name}Section",
                "summary": "One section of the draft",
                "tags": tag,
                "responses": {
                    "200": ok(ref("DraftSection"), "The section with its revision."),
                    **_errors("Unauthorized", "Forbidden", "NotFound"),
                },
            },
            "put": _write(
                {
                    "operationId": f"update{name}Section",
                    "summary": "Change a section of the draft",
                    "description": "Saved only if the section is still at `base_revision`; otherwise 409 "
                    "with the current text and a word-level merge of your change into it.",
                    "tags": tag,
                    "requestBody": _body("SectionUpdate"),
                    "responses": {
                        "200": ok(ref("DraftSection"), "The saved section with its new revision."),
                        **_errors(
                            "BadBody",
                            "Unauthorized",
                            "Forbidden",
                            "NotFound",
                            "DraftConflict",
                            "Unprocessable",
                        ),
                    },
                }
            ),
            "delete": _write(
                {
                    "operationId": f"remove{name}Section",
                    "summary": "Remove a section from the draft",
                    "tags": tag,
                    "parameters": [param("BaseRevision")],
                    "responses": {
                        "204": {"description": "Removed.", "headers": COMMON_HEADERS},
                        **_errors("BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict"),
                    },
                }
            ),
        },
    }


def paths() -> dict[str, Schema]:
    public_list = ("BadRequest", "Unauthorized")
    return {
        "/agreements": {
            "get": {
                "operationId": "listAgreements",
                "summary": "Agreements the caller may read, by title",
                "description": "Anonymous callers see published agreements in public phases; members "
                "also their spaces' drafts and negotiations.",
                "tags": ["agreements"],
                "parameters": [
                    param(name) for name in ("SpaceFilter", "StatusFilter", "Limit", "DocumentOffset")
                ],
                "responses": {"200": ok(ref("AgreementList"), "One page."), **_errors(*public_list)},
            }
        },
        "/spaces/{space_id}/agreements": {
            "parameters": [param("SpaceId")],
            "post": _write(
                {
                    "operationId": "createAgreement",
                    "summary": "Start an agreement of a social space",
                    "description": "For the space's facilitators and administrators.",
                    "tags": ["agreements"],
                    "requestBody": _body("NewAgreement"),
                    "responses": {
                        "201": _created(ref("Agreement"), "The new agreement, in status draft."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/agreements/{agreement_id}/transitions": {
            "parameters": [param("AgreementId")],
            "post": _write(
                {
                    "operationId": "changeAgreementStatus",
                    "summary": "Take a step of the workflow",
                    "description": "For facilitators and administrators. A refused step is a 422 whose "
                    "`codes` say why, e.g. `transition`: `not_from_this_status`, `no_published_version` "
                    "or `framework_requirements_not_met`.",
                    "tags": ["agreements"],
                    "requestBody": _body("TransitionRequest"),
                    "responses": {
                        "200": ok(ref("Agreement"), "The agreement in its new status."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/agreements/{agreement_id}/draft/parties": {
            "parameters": [param("AgreementId")],
            "put": _write(
                {
                    "operationId": "setAgreementParties",
                    "summary": "Set the organisations that are party to the agreement",
                    "tags": ["agreements"],
                    "requestBody": _body("PartiesUpdate"),
                    "responses": {
                        "200": ok(ref("Agreement"), "The agreement with its parties and compliance."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/frameworks/{framework_id}/draft/requirements": {
            "parameters": [param("FrameworkId")],
            "put": _write(
                {
                    "operationId": "setFrameworkRequirements",
                    "summary": "Set what the framework's next version requires",
                    "description": "Published with the next version; agreements are checked against "
                    "the version they adopted.",
                    "tags": ["frameworks"],
                    "requestBody": _body("RequirementsUpdate"),
                    "responses": {
                        "200": ok(ref("Draft"), "The draft with its requirements."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "NotFound", "Unprocessable"),
                    },
                }
            ),
        },
        "/frameworks": {
            "get": {
                "operationId": "listFrameworks",
                "summary": "Frameworks, by title",
                "description": "Published frameworks; administrators also see unpublished ones.",
                "tags": ["frameworks"],
                "parameters": [param("Limit"), param("DocumentOffset")],
                "responses": {"200": ok(ref("FrameworkList"), "One page."), **_errors(*public_list)},
            },
            "post": _write(
                {
                    "operationId": "createFramework",
                    "summary": "Start a framework",
                    "description": "For administrators.",
                    "tags": ["frameworks"],
                    "requestBody": _body("NewFramework"),
                    "responses": {
                        "201": _created(ref("Framework"), "The new framework, without versions."),
                        **_errors("BadBody", "Unauthorized", "Forbidden", "Unprocessable"),
                    },
                }
            ),
        },
        **_document_paths("agreement"),
        **_document_paths("framework"),
    }

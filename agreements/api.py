"""JSON API for agreements and frameworks under /api/v1 (described in agreements/openapi_paths.py).

Thin: query string or JSON body -> service -> representation. Authentication, caching headers and
problem documents are those of governance.api; the services decide who may do what, exactly as on
the website. Frameworks and agreements share their version, diff and draft endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from agreements import api_json
from agreements.api_input import SECTION_FIELDS, Fields, error_messages, json_object, section_content
from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.domain.workflow import Status
from agreements.framework_forms import MAX_REVIEW_MONTHS, REQUIRABLE_KINDS
from agreements.models import DocumentVersion
from agreements.permissions import DocumentNotAllowed, DocumentPermission
from agreements.services import catalogue, drafts, lifecycle, versions
from agreements.services.access import load
from agreements.services.drafts import TEXT_FIELDS, DraftConflict
from agreements.services.snapshots import SectionContent
from core.errorpages import problem
from core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from core.extensions import db
from governance.api import (
    ID,
    ApiProblem,
    answer_problem,
    authenticate,
    bad_parameters,
    messages_for,
    paged,
    whole_number,
)
from governance.openapi import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from governance.parties import Party
from governance.services.spaces import MAX_ID

bp = Blueprint("agreements_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
bp.register_error_handler(ApiProblem, answer_problem)

KINDS = ("agreement", "framework")
NUMBER = "int"  # not int(min=1, ...): see governance.api.ID
KEY = "string(maxlength=40)"
REQUIREMENT_FIELDS = (
    "required_section_kinds",
    "indicators_need_target",
    "required_parties",
    "max_review_interval_months",
)
REQUIRABLE = [kind.value for kind in REQUIRABLE_KINDS]


# --- errors ------------------------------------------------------------------------------------------


def _refusal(error: PermissionDenied) -> str:
    permission = error.permission if isinstance(error, DocumentNotAllowed) else None
    if "framework_id" in (request.view_args or {}) or request.endpoint == "agreements_api.create_framework":
        return _("Only administrators may do this with frameworks; published frameworks are public.")
    explanations = {
        DocumentPermission.VIEW_PUBLISHED: _("Only members of the social space may read this text yet."),
        DocumentPermission.VIEW_DRAFT: _("Only members of the social space may read the working draft."),
        DocumentPermission.CREATE: _("Only the space's facilitators and administrators start agreements."),
        DocumentPermission.EDIT_DRAFT: _(
            "You may not edit this text now: facilitators edit it in the draft and negotiation phases, "
            "other members only during negotiation."
        ),
        DocumentPermission.PUBLISH_VERSION: _("Only facilitators and administrators publish versions."),
        DocumentPermission.CHANGE_STATUS: _("Only facilitators and administrators change the status."),
    }
    default = _("Your account does not have the right to do this.")
    return explanations.get(permission, default) if permission is not None else default


def _not_found(error: NotFound) -> str:
    values = request.view_args or {}
    if error.message == "space not found":
        return _("There is no social space with the id %(id)d.", id=values.get("space_id", 0))
    if error.message == "version not found":
        return _("This text has no version with this number.")
    if error.message == "section not found":
        return _("The draft has no section with this key.")
    if "agreement_id" in values:
        return _("There is no agreement with the id %(id)d.", id=values["agreement_id"])
    if "framework_id" in values:
        return _("There is no framework with the id %(id)d.", id=values["framework_id"])
    return _("There is nothing with this id.")


def invalid_body(field_errors: dict[str, list[str]]) -> Response:
    """422 with a message per member (``errors``) and the stable codes for scripts (``codes``)."""
    return problem(
        422,
        _("Please check these members of the body: %(names)s.", names=", ".join(sorted(field_errors))),
        errors=messages_for(field_errors, error_messages()),
        codes=field_errors,
    )


def _draft_conflict(error: DraftConflict) -> Response:
    return problem(
        409,
        _(
            "Someone else saved this section after you loaded it. Nothing was saved: merge your change "
            "with theirs (see “merge”) and send it again with base_revision %(revision)d.",
            revision=error.current_revision,
        ),
        key=error.key,
        current_revision=error.current_revision,
        current=api_json.content(error.current),
        merge={name: api_json.merge(error.merges[name]) for name in TEXT_FIELDS},
    )


@bp.errorhandler(DomainError)
def answer_domain_error(error: DomainError) -> Response:
    if isinstance(error, PermissionDenied):
        if not current_user.is_authenticated:
            return problem(
                401, _("Sign in, or send a personal access token as “Authorization: Bearer <token>”.")
            )
        return problem(403, _refusal(error))
    if isinstance(error, NotFound):
        return problem(404, _not_found(error))
    if isinstance(error, InvalidInput):
        return invalid_body(error.field_errors)
    if isinstance(error, DraftConflict):
        return _draft_conflict(error)
    if isinstance(error, Conflict):
        return problem(
            409, _("Someone else changed this in the meantime. Load it again and repeat your change.")
        )
    return problem(error.status)


# --- helpers -----------------------------------------------------------------------------------------


@bp.url_value_preprocessor
def _storable_keys(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # PostgreSQL cannot even compare a text with a NUL character: no section has such a key.
    if values and "\x00" in str(values.get("key", "")):
        raise ApiProblem(404, _("The draft has no section with this key."))


def _created(body: dict[str, Any], location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _required_number(name: str, errors: dict[str, list[str]]) -> int:
    if not request.args.get(name, "").strip():
        errors[name] = [_("This parameter is required.")]
        return 0
    return whole_number(name, 0, 1, MAX_ID, errors)


def _paging(errors: dict[str, list[str]]) -> tuple[int, int]:
    return (
        whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, errors),
        whole_number("offset", 0, 0, MAX_OFFSET, errors),
    )


def _for_both_kinds(suffix: str, endpoint: str, methods: list[str]) -> Callable[[Callable], Callable]:
    """Register a view under /agreements/<agreement_id>… and /frameworks/<framework_id>…; the view
    receives the kind and the document's id."""

    def register(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        for kind in KINDS:

            def bound(_kind: str = kind, **values: Any) -> ResponseReturnValue:
                document_id = values.pop(f"{_kind}_id")
                return view(_kind, document_id, **values)

            name = f"{kind}_{endpoint}" if endpoint else kind
            bp.add_url_rule(f"/{kind}s/<{ID}:{kind}_id>{suffix}", name, bound, methods=methods)
        return view

    return register


# --- lists -------------------------------------------------------------------------------------------


@bp.get("/agreements")
def agreements_index() -> Response:
    errors: dict[str, list[str]] = {}
    limit, offset = _paging(errors)
    space_id = whole_number("space", 0, 1, MAX_ID, errors) or None
    status = None
    raw_status = request.args.get("status", "").strip()
    if raw_status:
        try:
            status = Status(raw_status)
        except ValueError:
            errors["status"] = [_("Use one of: %(values)s.", values=", ".join(s.value for s in Status))]
    if errors:
        raise bad_parameters(errors)
    found = catalogue.list_documents(
        db.session,
        current_user,
        kind="agreement",
        space_id=space_id,
        status=status,
        limit=limit,
        offset=offset,
    )
    items = [api_json.listed(entry) for entry in found.documents]
    return jsonify(
        paged(
            items,
            found.total,
            limit=limit,
            offset=offset,
            endpoint="agreements_api.agreements_index",
            filters=("space", "status"),
        )
    )


@bp.get("/frameworks")
def frameworks_index() -> Response:
    errors: dict[str, list[str]] = {}
    limit, offset = _paging(errors)
    if errors:
        raise bad_parameters(errors)
    found = catalogue.list_documents(db.session, current_user, kind="framework", limit=limit, offset=offset)
    items = [api_json.listed(entry) for entry in found.documents]
    return jsonify(
        paged(
            items,
            found.total,
            limit=limit,
            offset=offset,
            endpoint="agreements_api.frameworks_index",
            filters=(),
        )
    )


# --- creating documents ------------------------------------------------------------------------------


def _detail(kind: str, document_id: int) -> dict[str, Any]:
    detail = catalogue.document_detail(db.session, current_user, document_id, kind=kind)
    return api_json.agreement(detail) if kind == "agreement" else api_json.framework(detail)


@bp.post(f"/spaces/<{ID}:space_id>/agreements")
def create_agreement(space_id: int) -> Response:
    catalogue.require_may_create(db.session, current_user, kind="agreement", space_id=space_id)
    fields = Fields(json_object(), ("title", "preamble", "framework_id", "framework_version"))
    title = fields.text("title", required=True)
    preamble = fields.text("preamble")
    framework_id = fields.integer("framework_id")
    framework_number = fields.integer("framework_version")
    if (framework_id is None) != (framework_number is None) and not fields.errors:
        fields.fail("framework_version" if framework_number is None else "framework_id", "required")
    fields.raise_if_invalid()
    framework_version_id = None
    if framework_id is not None and framework_number is not None:
        framework_version_id = catalogue.framework_version_id(db.session, framework_id, framework_number)
        if framework_version_id is None:
            raise InvalidInput(
                "unknown framework version", field_errors={"framework_version": ["unknown_framework_version"]}
            )
    document = drafts.create_agreement(
        db.session,
        current_user,
        space_id=space_id,
        title=title,
        preamble=preamble,
        framework_version_id=framework_version_id,
    )
    return _created(_detail("agreement", document.id), api_json.document_api_url(document))


@bp.post("/frameworks")
def create_framework() -> Response:
    catalogue.require_may_create(db.session, current_user, kind="framework")
    fields = Fields(json_object(), ("title", "preamble"))
    title = fields.text("title", required=True)
    preamble = fields.text("preamble")
    fields.raise_if_invalid()
    document = drafts.create_framework(db.session, current_user, title=title, preamble=preamble)
    return _created(_detail("framework", document.id), api_json.document_api_url(document))


# --- one document, its versions and their differences ------------------------------------------------


@_for_both_kinds("", "", ["GET"])
def document(kind: str, document_id: int) -> Response:
    return jsonify(_detail(kind, document_id))


@_for_both_kinds("/versions", "versions", ["GET"])
def version_list(kind: str, document_id: int) -> Response:
    document, found = catalogue.version_list(db.session, current_user, document_id, kind=kind)
    return jsonify({"items": [api_json.version_summary(document, v) for v in found], "total": len(found)})


def _framework_version_of(frozen: DocumentVersion) -> DocumentVersion | None:
    if frozen.framework_version_id is None:
        return None
    return db.session.get(DocumentVersion, frozen.framework_version_id)


@_for_both_kinds(f"/versions/<{NUMBER}:number>", "version", ["GET"])
def version(kind: str, document_id: int, number: int) -> Response:
    load(db.session, current_user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    document, frozen = versions.get_version(db.session, current_user, document_id, number)
    return jsonify(api_json.version(document, frozen, _framework_version_of(frozen)))


@_for_both_kinds("/versions", "publish", ["POST"])
def publish(kind: str, document_id: int) -> Response:
    load(db.session, current_user, document_id, DocumentPermission.PUBLISH_VERSION, kind=kind)
    fields = Fields(json_object(), ("change_summary",))
    summary = fields.text("change_summary", required=True)
    fields.raise_if_invalid()
    frozen = versions.publish_version(db.session, current_user, document_id, change_summary=summary)
    document = frozen.document
    return _created(
        api_json.version(document, frozen, _framework_version_of(frozen)),
        api_json.version_api_url(document, frozen.number),
    )


@_for_both_kinds("/diff", "diff", ["GET"])
def diff(kind: str, document_id: int) -> Response:
    errors: dict[str, list[str]] = {}
    old_number = _required_number("from", errors)
    new_number = _required_number("to", errors)
    if not errors and old_number == new_number:
        errors["to"] = [_("Choose two different versions.")]
    if errors:
        raise bad_parameters(errors)
    load(db.session, current_user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    comparison = versions.compare_versions(db.session, current_user, document_id, old_number, new_number)
    return jsonify(api_json.diff(comparison.document, old_number, new_number, comparison.diff))


# --- the working draft -------------------------------------------------------------------------------


@_for_both_kinds("/draft", "draft", ["GET"])
def draft(kind: str, document_id: int) -> Response:
    document, sections = catalogue.draft(db.session, current_user, document_id, kind=kind)
    return jsonify(api_json.draft(document, sections))


@_for_both_kinds(f"/draft/sections/<{KEY}:key>", "draft_section", ["GET"])
def draft_section(kind: str, document_id: int, key: str) -> Response:
    section = catalogue.draft_section(db.session, current_user, document_id, key, kind=kind)
    return jsonify(api_json.draft_section(section.document, section))


@_for_both_kinds("/draft/sections", "add_section", ["POST"])
def add_section(kind: str, document_id: int) -> Response:
    document, _, _ = load(db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind)
    fields = Fields(json_object(), (*SECTION_FIELDS, "after_key"))
    content = section_content(fields)
    after_key = fields.choice("after_key")
    fields.raise_if_invalid()
    section = drafts.add_section(db.session, current_user, document.id, content, after_key=after_key)
    return _created(
        api_json.draft_section(document, section), api_json.section_api_url(document, section.key)
    )


@_for_both_kinds(f"/draft/sections/<{KEY}:key>", "update_section", ["PUT"])
def update_section(kind: str, document_id: int, key: str) -> Response:
    document, _, _ = load(db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind)
    fields = Fields(json_object(), (*SECTION_FIELDS, "base_revision", "base"))
    base_revision = fields.integer("base_revision", required=True)
    # The section as the editor loaded it; only its texts are merged, so the rest is not read.
    base_fields = fields.nested("base", SECTION_FIELDS, required=True)
    mine = section_content(fields)
    base = (
        SectionContent(
            kind=mine.kind,
            title=base_fields.text("title"),
            body=base_fields.text("body"),
            plain_language=base_fields.text("plain_language"),
        )
        if base_fields is not None
        else None
    )
    fields.raise_if_invalid()
    assert base is not None and base_revision is not None
    section = drafts.update_section(
        db.session, current_user, document.id, key, base_revision=base_revision, base=base, mine=mine
    )
    return jsonify(api_json.draft_section(document, section))


@_for_both_kinds(f"/draft/sections/<{KEY}:key>", "remove_section", ["DELETE"])
def remove_section(kind: str, document_id: int, key: str) -> Response:
    load(db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind)
    errors: dict[str, list[str]] = {}
    base_revision = _required_number("base_revision", errors)
    if errors:
        raise bad_parameters(errors)
    drafts.remove_section(db.session, current_user, document_id, key, base_revision=base_revision)
    return Response(status=204)


@_for_both_kinds("/draft", "update_heading", ["PUT"])
def update_heading(kind: str, document_id: int) -> Response:
    load(db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind)
    fields = Fields(json_object(), ("title", "preamble", "base_revision"))
    title = fields.text("title", required=True)
    preamble = fields.text("preamble")
    base_revision = fields.integer("base_revision", required=True)
    fields.raise_if_invalid()
    assert base_revision is not None
    drafts.update_heading(
        db.session, current_user, document_id, title=title, preamble=preamble, base_revision=base_revision
    )
    document, sections = catalogue.draft(db.session, current_user, document_id, kind=kind)
    return jsonify(api_json.draft(document, sections))


@bp.put(f"/agreements/<{ID}:agreement_id>/draft/parties")
def set_parties(agreement_id: int) -> Response:
    load(db.session, current_user, agreement_id, DocumentPermission.EDIT_DRAFT, kind="agreement")
    fields = Fields(json_object(), ("parties",))
    if fields.data.get("parties") is None:
        fields.fail("parties", "required")  # an empty list removes every party; null says nothing
    parties = [
        (row.integer("organisation_id", required=True), row.text("party", required=True))
        for row in fields.list_of_objects("parties", ("organisation_id", "party"))
    ]
    fields.raise_if_invalid()
    chosen = [(organisation, party) for organisation, party in parties if organisation is not None]
    drafts.set_parties(db.session, current_user, agreement_id, chosen)
    return jsonify(_detail("agreement", agreement_id))


@bp.put(f"/frameworks/<{ID}:framework_id>/draft/requirements")
def set_requirements(framework_id: int) -> Response:
    load(db.session, current_user, framework_id, DocumentPermission.EDIT_DRAFT, kind="framework")
    fields = Fields(json_object(), REQUIREMENT_FIELDS)
    requirements = Requirements(
        required_section_kinds=frozenset(
            SectionKind(kind) for kind in fields.choices("required_section_kinds", REQUIRABLE)
        ),
        indicators_need_target=fields.boolean("indicators_need_target"),
        required_parties=frozenset(fields.choices("required_parties", [party.value for party in Party])),
        max_review_interval_months=fields.integer("max_review_interval_months", maximum=MAX_REVIEW_MONTHS),
    )
    fields.raise_if_invalid()
    drafts.set_requirements(db.session, current_user, framework_id, requirements)
    document, sections = catalogue.draft(db.session, current_user, framework_id, kind="framework")
    return jsonify(api_json.draft(document, sections))


# --- the workflow ------------------------------------------------------------------------------------


@bp.post(f"/agreements/<{ID}:agreement_id>/transitions")
def transition(agreement_id: int) -> Response:
    load(db.session, current_user, agreement_id, DocumentPermission.CHANGE_STATUS, kind="agreement")
    fields = Fields(
        json_object(),
        (
            "transition",
            "note",
            "consultation_starts_on",
            "consultation_ends_on",
            "consultation_audience",
            "in_force_from",
        ),
    )
    name = fields.text("transition", required=True)
    values = {
        "note": fields.text("note"),
        "consultation_starts_on": fields.date("consultation_starts_on"),
        "consultation_ends_on": fields.date("consultation_ends_on"),
        "consultation_audience": fields.choice("consultation_audience"),
        "in_force_from": fields.date("in_force_from"),
    }
    fields.raise_if_invalid()
    lifecycle.change_status(db.session, current_user, agreement_id, name, **values)
    return jsonify(_detail("agreement", agreement_id))

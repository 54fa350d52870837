"""JSON API for decisions under /api/v1 (described in decisions/openapi_paths.py).

Thin: JSON body -> service -> representation. Authentication, caching headers and problem documents
are those of governance.api; the services decide who may do what, exactly as on the website.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from agreements.api_input import Fields, json_object
from core.errorpages import problem
from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from core.extensions import db
from decisions.models import Motion
from decisions.permissions import MotionNotAllowed, MotionPermission
from decisions.services import ballots, motions, records
from decisions.services.ballots import BallotRefused
from decisions.services.motions import MotionInput, OptionInput
from governance.api import ID, ApiProblem, answer_problem, authenticate, messages_for

bp = Blueprint("decisions_api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
bp.register_error_handler(ApiProblem, answer_problem)

MOTION_FIELDS = (
    "title", "text", "kind", "method", "parameters", "options", "document_id", "document_version_id",
    "amendment_id", "eligible_parties", "eligible_roles", "opens_at", "closes_at", "secret",
    "interim_results",
)  # fmt: skip
BALLOT_FIELDS = ("choice", "reason", "voter_id", "receipt")


def _refusals() -> dict[MotionPermission, str]:
    return {
        MotionPermission.CREATE: _(
            "Only the space's facilitators and administrators put motions to the vote."
        ),
        MotionPermission.OPEN: _(
            "Only facilitators and administrators open a motion, and only before it opens."
        ),
        MotionPermission.CLOSE: _(
            "Only facilitators and administrators close a motion, and only while it is open."
        ),
        MotionPermission.VIEW_RESULTS: _(
            "The result is published when the vote closes; interim results only where the motion allows "
            "them, for members of the space."
        ),
        MotionPermission.EXPORT_BALLOTS: _("The ballots are published when the vote closes."),
    }


@bp.errorhandler(DomainError)
def answer_domain_error(error: DomainError) -> Response:
    from decisions.views.motions import error_messages, refusal_messages

    if isinstance(error, BallotRefused):
        status = 401 if error.status == 403 and not current_user.is_authenticated else error.status
        return problem(status, refusal_messages().get(error.code, error.code), code=error.code)
    if isinstance(error, PermissionDenied):
        if not current_user.is_authenticated:
            return problem(
                401, _("Sign in, or send a personal access token as “Authorization: Bearer <token>”.")
            )
        permission = error.permission if isinstance(error, MotionNotAllowed) else None
        return problem(
            403, _refusals().get(permission, _("Your account does not have the right to do this."))
        )
    if isinstance(error, NotFound):
        return problem(404, _("There is nothing with this id."))
    if isinstance(error, InvalidInput):
        return problem(
            422,
            _(
                "Please check these members of the body: %(names)s.",
                names=", ".join(sorted(error.field_errors)),
            ),
            errors=messages_for(error.field_errors, error_messages()),
            codes=error.field_errors,
        )
    return problem(error.status)


# --- representations -----------------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def motion_json(motion: Motion, *, result: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": motion.id,
        "space_id": motion.space_id,
        "kind": motion.kind,
        "title": motion.title,
        "text": motion.text,
        "method": motion.method,
        "parameters": motion.parameters,
        "options": [
            {
                "key": option.key,
                "title": option.title,
                "amendment_id": option.amendment_id,
                "keeps_current_text": option.keeps_current_text,
            }
            for option in motion.options
        ],
        "document_id": motion.document_id,
        "document_version_id": motion.document_version_id,
        "amendment_id": motion.amendment_id,
        "eligible_parties": list(motion.eligible_parties or []),
        "eligible_roles": list(motion.eligible_roles or []),
        "opens_at": _time(motion.opens_at),
        "closes_at": _time(motion.closes_at),
        "secret": motion.secret,
        "interim_results": motion.interim_results,
        "state": motion.state,
        "outcome": motion.outcome,
        "effect": motion.effect or "",
        "opened_at": _time(motion.opened_at),
        "closed_at": _time(motion.closed_at),
        "electorate": motions.electorate_counts(db.session, motion),
        "ballots_cast": motions.ballot_count(db.session, motion) if motion.state != "draft" else 0,
        "result": result,
        "links": {
            "self": url_for("decisions_api.motion", motion_id=motion.id),
            "page": url_for("decisions.show", motion_id=motion.id),
        },
    }


def _motion_answer(motion_id: int, status: int = 200) -> Response:
    page = records.motion_page(db.session, current_user, motion_id)
    response = jsonify(motion_json(page.motion, result=page.result))
    response.status_code = status
    if status == 201:
        response.headers["Location"] = url_for("decisions_api.motion", motion_id=motion_id)
    return response


# --- input ---------------------------------------------------------------------------------------------


def _datetime(fields: Fields, name: str) -> datetime | None:
    value = fields.data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        fields.fail(name, "invalid")
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fields.fail(name, "invalid")
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _string_list(fields: Fields, name: str) -> list[str] | None:
    value = fields.data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        fields.fail(name, "invalid")
        return None
    return value


def _motion_input(body: dict[str, Any]) -> MotionInput:
    fields = Fields(body, MOTION_FIELDS)
    values = MotionInput(title=fields.text("title", required=True) or "")
    values.text = fields.text("text") or ""
    values.kind = fields.text("kind") or values.kind
    values.method = fields.text("method") or values.method
    parameters = body.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        fields.fail("parameters", "invalid")
    values.parameters = parameters if isinstance(parameters, dict) else {}
    options = body.get("options")
    if options is not None:
        if not isinstance(options, list) or not all(isinstance(option, dict) for option in options):
            fields.fail("options", "invalid")
        else:
            for option in options:
                title = option.get("title", "")
                amendment = option.get("amendment_id")
                keep = option.get("keeps_current_text", False)
                if (
                    not isinstance(title, str)
                    or "\x00" in title
                    or not (
                        amendment is None or (isinstance(amendment, int) and not isinstance(amendment, bool))
                    )
                    or not isinstance(keep, bool)
                    or set(option) - {"title", "amendment_id", "keeps_current_text"}
                ):
                    fields.fail("options", "invalid")
                    break
                values.options.append(OptionInput(title, amendment, keep))
    values.document_id = fields.integer("document_id")
    values.document_version_id = fields.integer("document_version_id")
    values.amendment_id = fields.integer("amendment_id")
    values.eligible_parties = _string_list(fields, "eligible_parties") or []
    roles = _string_list(fields, "eligible_roles")
    if roles is not None:
        values.eligible_roles = roles
    values.opens_at = _datetime(fields, "opens_at")
    values.closes_at = _datetime(fields, "closes_at")
    for name in ("secret", "interim_results"):
        flag = body.get(name, False)
        if not isinstance(flag, bool):
            fields.fail(name, "invalid")
        else:
            setattr(values, name, flag)
    fields.raise_if_invalid()
    return values


# --- endpoints -----------------------------------------------------------------------------------------


def motion_summary(motion: Motion) -> dict[str, Any]:
    return {
        "id": motion.id,
        "title": motion.title,
        "kind": motion.kind,
        "method": motion.method,
        "state": motion.state,
        "outcome": motion.outcome,
        "secret": motion.secret,
        "opens_at": _time(motion.opens_at),
        "closes_at": _time(motion.closes_at),
        "links": {
            "self": url_for("decisions_api.motion", motion_id=motion.id),
            "page": url_for("decisions.show", motion_id=motion.id),
        },
    }


@bp.get(f"/spaces/<{ID}:space_id>/motions")
def space_motions(space_id: int) -> Response:
    listing = motions.space_motions(db.session, current_user, space_id)
    return jsonify(
        {
            "open": [motion_summary(motion) for motion in listing.open],
            "upcoming": [motion_summary(motion) for motion in listing.upcoming],
            "closed": [motion_summary(motion) for motion in listing.closed],
        }
    )


@bp.post(f"/spaces/<{ID}:space_id>/motions")
def create_motion(space_id: int) -> Response:
    motions.require_may_create(db.session, current_user, space_id)
    values = _motion_input(json_object())
    motion = motions.create_motion(db.session, current_user, space_id=space_id, values=values)
    return _motion_answer(motion.id, 201)


@bp.get(f"/motions/<{ID}:motion_id>")
def motion(motion_id: int) -> Response:
    return _motion_answer(motion_id)


@bp.post(f"/motions/<{ID}:motion_id>/open")
def open_motion(motion_id: int) -> Response:
    motions.open_motion(db.session, current_user, motion_id)
    return _motion_answer(motion_id)


@bp.post(f"/motions/<{ID}:motion_id>/close")
def close_motion(motion_id: int) -> Response:
    motions.close_motion(db.session, current_user, motion_id)
    return _motion_answer(motion_id)


@bp.put(f"/motions/<{ID}:motion_id>/ballot")
def cast_ballot(motion_id: int) -> Response:
    body = json_object()
    fields = Fields(body, BALLOT_FIELDS)
    reason = fields.text("reason") or ""
    voter_id = fields.integer("voter_id")
    receipt = fields.text("receipt")
    if "choice" not in body:
        fields.fail("choice", "required")
    fields.raise_if_invalid()
    if current_user.is_authenticated is False:
        raise PermissionDenied("sign in to vote")
    result = ballots.cast_ballot(
        db.session, current_user, motion_id, choice=body["choice"], reason=reason, voter_id=voter_id,
        receipt=receipt or None,
    )  # fmt: skip
    return jsonify(
        {
            "motion_id": motion_id,
            "voter_id": voter_id or current_user.id,
            "changed": result.changed,
            "receipt": result.receipt,
        }
    )


@bp.get(f"/motions/<{ID}:motion_id>/results")
def results(motion_id: int) -> Response:
    page = records.motion_page(db.session, current_user, motion_id)
    if page.result is None:
        raise MotionNotAllowed(MotionPermission.VIEW_RESULTS)
    return jsonify({"motion_id": motion_id, "interim": page.interim, "result": page.result})


@bp.get(f"/motions/<{ID}:motion_id>/ballots")
def export_ballots(motion_id: int) -> Response:
    return jsonify(records.export_ballots(db.session, current_user, motion_id))

"""JSON API /api/v1: read access to social spaces and organisations (see governance/openapi.py).

Callers authenticate with the website's session cookie or ``Authorization: Bearer <token>``. Every
error is application/problem+json in the caller's language; a wrong token is an error, never anonymous.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.errorpages import problem
from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from core.extensions import db, login_manager
from governance.auth import load_user_from_token
from governance.models import Organisation, Space, SpaceMembership
from governance.openapi import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, build_document
from governance.parties import OrganisationKind, UnitLevel
from governance.services import organisations, spaces

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# No min/max here: werkzeug checks them after the method, so POST to /spaces/0 would answer 405, not 404.
# Ids beyond the integer columns are answered 404 by core.web; 0 and others are simply not found.
ID = "int"
REALM = 'Bearer realm="Raumrat"'


class ApiProblem(Exception):
    """An answer other than 200, raised anywhere in a view or hook of this blueprint."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


@bp.errorhandler(ApiProblem)
def answer_problem(error: ApiProblem) -> Response:
    response = problem(error.status, error.detail, **({"errors": error.errors} if error.errors else {}))
    response.headers.update(error.headers)
    return response


@bp.errorhandler(DomainError)
def answer_domain_error(error: DomainError) -> Response:
    # Services' own messages are for developers; callers get the translated general explanation.
    if isinstance(error, PermissionDenied):
        return problem(403 if current_user.is_authenticated else 401)
    return problem(error.status)


# --- authentication and headers ------------------------------------------------------------------


@bp.before_request
def authenticate() -> None:
    """An Authorization header decides alone who calls, even beside a session cookie."""
    header = request.headers.get("Authorization")
    if header is None:
        return
    if not header.startswith("Bearer "):
        raise ApiProblem(
            401,
            _("Send your personal access token as “Authorization: Bearer <token>”."),
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_request"'},
        )
    user = load_user_from_token(request)
    if user is None:
        raise ApiProblem(
            401,
            _(
                "The access token is not valid. It may have been mistyped or revoked, "
                "or the account was deactivated."
            ),
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    # Flask-Login looks at the session before the request loader; the token must win.
    login_manager._update_request_context_with_user(user)


def _is_api_request() -> bool:
    prefix = bp.url_prefix or ""
    return request.path == prefix or request.path.startswith(prefix + "/")


def _carries_credentials() -> bool:
    # Decided from the request alone, so no database access is needed (even after a failed one).
    config = current_app.config
    return (
        "Authorization" in request.headers
        or config["SESSION_COOKIE_NAME"] in request.cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    )


@bp.after_app_request
def api_headers(response: Response) -> Response:
    """Caching, language and auth headers on every /api/v1 answer, also for unknown paths and 405."""
    if not _is_api_request():
        return response
    response.vary.update(("Authorization", "Cookie", "Accept-Language"))
    response.headers["Content-Language"] = str(get_locale() or "de")
    if _carries_credentials():
        response.headers["Cache-Control"] = "private, no-store"
    elif 200 <= response.status_code < 300:
        response.headers["Cache-Control"] = "public, max-age=60"
    else:
        response.headers["Cache-Control"] = "no-store"
    if response.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", REALM)
    return response


# --- query parameters ----------------------------------------------------------------------------


def whole_number(name: str, default: int, minimum: int, maximum: int, errors: dict[str, list[str]]) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    # Longer digit strings are out of range anyway, and int() refuses more than 4300 digits.
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum)) and minimum <= int(raw) <= maximum:
        return int(raw)
    errors[name] = [_("Use a whole number from %(min)d to %(max)d.", min=minimum, max=maximum)]
    return default


def messages_for(field_errors: dict[str, list[str]], known: dict[str, str]) -> dict[str, list[str]]:
    fallback = _("This value is not valid.")
    return {name: [known.get(code, fallback) for code in codes] for name, codes in field_errors.items()}


def too_long(maximum: int) -> str:
    return _("Use at most %(max)d characters.", max=maximum)


def bad_parameters(errors: dict[str, list[str]]) -> ApiProblem:
    return ApiProblem(
        400,
        _("Please check these query parameters: %(names)s.", names=", ".join(sorted(errors))),
        errors=errors,
    )


# --- representations -----------------------------------------------------------------------------


def _space(space: Space, population: int | None) -> dict[str, Any]:
    return {
        "id": space.id,
        "code": space.code,
        "name": space.name,
        "alt_name": space.alt_name,
        "level": space.level,
        "parent_id": space.parent_id,
        "population": population,
        "area_km2": space.area_km2,
        "url": url_for("spaces.show", space_id=space.id),
        "api_url": url_for("api.space", space_id=space.id),
    }


def space_ref(space: Space) -> dict[str, Any]:
    return {
        "id": space.id,
        "code": space.code,
        "name": space.name,
        "level": space.level,
        "api_url": url_for("api.space", space_id=space.id),
    }


def _member(membership: SpaceMembership) -> dict[str, Any]:
    organisation = membership.organisation
    return {
        "public_name": membership.user.public_name,
        "role": membership.role,
        "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
    }


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind,
        "description": organisation.description or "",
        "website": organisation.website,
        "url": url_for("organisations.show", organisation_id=organisation.id),
        "api_url": url_for("api.organisation", organisation_id=organisation.id),
    }


def page_link(endpoint: str, filters: tuple[str, ...], offset: int, limit: int) -> str:
    # Only the filter's own parameters: others (e.g. "_external") would change what url_for does.
    args = {name: request.args[name] for name in filters if request.args.get(name)}
    return url_for(endpoint, **args, limit=limit, offset=offset)


def paged(
    items: list[Any], total: int, *, limit: int, offset: int, endpoint: str, filters: tuple[str, ...]
) -> dict[str, Any]:
    """One page of a list, with links to its neighbours that keep the caller's filters."""
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": page_link(endpoint, filters, offset + limit, limit) if offset + limit < total else None,
        "previous": page_link(endpoint, filters, max(offset - limit, 0), limit) if offset > 0 else None,
    }


# --- endpoints -----------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(build_document(current_app.config["SESSION_COOKIE_NAME"]))


@bp.get("/spaces")
def spaces_index() -> Response:
    errors: dict[str, list[str]] = {}
    limit = whole_number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, errors)
    offset = whole_number("offset", 0, 0, MAX_OFFSET, errors)
    space_filter = spaces.SpaceFilter()
    try:
        space_filter = spaces.validate_filter(
            request.args.get("q"), request.args.get("level"), request.args.get("parent")
        )
    except InvalidInput as error:
        known = {
            "too_long": too_long(spaces.MAX_QUERY_LENGTH),
            "unknown_level": _(
                "Use one of: %(values)s.", values=", ".join(level.value for level in UnitLevel)
            ),
            "not_a_number": _("Use the id of a space: a whole number from 1."),
        }
        errors.update(messages_for(error.field_errors, known))
    if errors:
        raise bad_parameters(errors)
    results = spaces.search_spaces_page(db.session, current_user, space_filter, limit=limit, offset=offset)
    return jsonify(
        paged(
            [_space(space, results.populations[space.id]) for space in results.spaces],
            results.total,
            limit=limit,
            offset=offset,
            endpoint="api.spaces_index",
            filters=("q", "level", "parent"),
        )
    )


@bp.get(f"/spaces/<{ID}:space_id>")
def space(space_id: int) -> Response:
    try:
        page = spaces.space_page(db.session, current_user, space_id)
    except NotFound:
        raise ApiProblem(404, _("There is no social space with the id %(id)d.", id=space_id)) from None
    members_by_party = (
        None
        if page.members_by_party is None
        else {
            party: [_member(membership) for membership in memberships]
            for party, memberships in page.members_by_party.items()
        }
    )
    return jsonify(
        {
            **_space(page.space, page.population),
            "description": page.space.description or "",
            "ancestors": [space_ref(ancestor) for ancestor in page.ancestors],
            "children": [space_ref(child) for child in page.children],
            "units": [space_ref(unit) for unit in page.units],
            "party_counts": page.party_counts,
            "members_by_party": members_by_party,
        }
    )


@bp.get("/organisations")
def organisations_index() -> Response:
    try:
        found = organisations.list_organisations(
            db.session, current_user, kind=request.args.get("kind"), query=request.args.get("q")
        )
    except InvalidInput as error:
        known = {
            "too_long": too_long(organisations.MAX_QUERY_LENGTH),
            "unknown_kind": _(
                "Use one of: %(values)s.", values=", ".join(kind.value for kind in OrganisationKind)
            ),
        }
        raise bad_parameters(messages_for(error.field_errors, known)) from None
    return jsonify({"items": [_organisation(organisation) for organisation in found], "total": len(found)})


@bp.get(f"/organisations/<{ID}:organisation_id>")
def organisation(organisation_id: int) -> Response:
    try:
        found = organisations.get_organisation(db.session, current_user, organisation_id)
    except NotFound:
        raise ApiProblem(404, _("There is no organisation with the id %(id)d.", id=organisation_id)) from None
    return jsonify(_organisation(found))


@bp.get("/me")
def me() -> Response:
    if not current_user.is_authenticated:
        raise ApiProblem(
            401, _("Sign in, or send a personal access token as “Authorization: Bearer <token>”.")
        )
    return jsonify(
        {
            "id": current_user.id,
            "public_name": current_user.public_name,
            "locale": current_user.locale if current_user.locale in ("de", "en") else "de",
            "is_admin": bool(current_user.is_admin),
        }
    )

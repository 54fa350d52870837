"""Site administration: overview, accounts, organisations and the audit log (administrators only).

/admin/facilitators belongs to the facilitators feature (its own blueprint); the overview links to it.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import Conflict, InvalidInput
from core.extensions import db
from core.web import safe_next_url
from governance.services import admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return render_template("admin/index.html", overview=admin.overview(db.session, current_user))


# --- accounts ------------------------------------------------------------------------------------


@bp.get("/users")
@login_required
def users() -> ResponseReturnValue:
    query = request.args.get("q", "")
    page_number = admin.parse_page(request.args.get("page"))
    error = None
    try:
        page = admin.list_users(db.session, current_user, query=query, page=page_number)
    except InvalidInput:
        error = _("The search text must be %(max)d characters or fewer", max=admin.MAX_QUERY_LENGTH)
        page = admin.list_users(db.session, current_user, page=page_number)
    return render_template("admin/users.html", page=page, query=query, error=error), 422 if error else 200


def _back_to_users() -> ResponseReturnValue:
    return redirect(safe_next_url(request.form.get("next"), url_for("admin.users")))


def _change_account(action: str, user_id: int) -> ResponseReturnValue:
    try:
        if action == "deactivate":
            target = admin.deactivate_user(db.session, current_user, user_id)
            message = _(
                "%(name)s's account is deactivated and signed out everywhere.", name=target.public_name
            )
        elif action == "reactivate":
            target = admin.reactivate_user(db.session, current_user, user_id)
            message = _("%(name)s can sign in again.", name=target.public_name)
        elif action == "grant":
            target = admin.set_administrator(db.session, current_user, user_id, admin=True)
            message = _("%(name)s is now a site administrator.", name=target.public_name)
        else:
            target = admin.set_administrator(db.session, current_user, user_id, admin=False)
            message = _("%(name)s is no longer a site administrator.", name=target.public_name)
    except Conflict as error:
        flash(str(error.message), "error")
    else:
        flash(message, "success")
    return _back_to_users()


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int) -> ResponseReturnValue:
    return _change_account("deactivate", user_id)


@bp.post("/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int) -> ResponseReturnValue:
    return _change_account("reactivate", user_id)


@bp.post("/users/<int:user_id>/grant-admin")
@login_required
def grant_admin(user_id: int) -> ResponseReturnValue:
    return _change_account("grant", user_id)


@bp.post("/users/<int:user_id>/revoke-admin")
@login_required
def revoke_admin(user_id: int) -> ResponseReturnValue:
    return _change_account("revoke", user_id)


# --- organisations -------------------------------------------------------------------------------


@bp.get("/organisations")
@login_required
def organisations_list() -> ResponseReturnValue:
    return render_template(
        "admin/organisations.html", rows=admin.organisations_with_member_counts(db.session, current_user)
    )


# --- audit log -----------------------------------------------------------------------------------


@bp.get("/audit")
@login_required
def audit() -> ResponseReturnValue:
    action = request.args.get("action", "")
    object_type = request.args.get("type", "")
    page_number = admin.parse_page(request.args.get("page"))
    errors: dict[str, str] = {}
    try:
        page = admin.list_audit_entries(
            db.session, current_user, action_prefix=action, object_type=object_type, page=page_number
        )
    except InvalidInput as error:
        if "action" in error.field_errors:
            errors["action"] = _(
                "The action must be %(max)d characters or fewer", max=admin.MAX_ACTION_PREFIX_LENGTH
            )
        if "object_type" in error.field_errors:
            errors["type"] = _("Choose a kind of object from the list")
        page = admin.list_audit_entries(db.session, current_user, page=page_number)
    return render_template(
        "admin/audit.html",
        page=page,
        action=action,
        object_type=object_type,
        object_types=admin.audit_object_types(db.session, current_user),
        errors=errors,
    ), 422 if errors else 200

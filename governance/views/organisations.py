"""Organisations: the directory, an organisation's page, creating and editing, and its members."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.errors import InvalidInput
from core.extensions import db
from core.pagecache import cached_page
from core.web import render_page_or_fragment
from governance.labels import ORGANISATION_ROLE_LABELS
from governance.organisation_forms import AddMemberForm, OrganisationForm
from governance.parties import OrganisationKind
from governance.services import organisations
from governance.services.organisations import LastRepresentative

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def error_messages() -> dict[str, str]:
    """Messages for the services' error codes, in the user's language."""
    return {
        "required": _("This field is required"),
        "too_long": _("This is too long"),
        "control_characters": _("Remove the invisible control characters from this field"),
        "taken": _("There is already an organisation with this name"),
        "unknown_kind": _("Choose the kind of organisation"),
        "invalid_url": _("Enter a web address that starts with https:// or http://"),
        "no_account": _(
            "There is no account with this e-mail address. Ask the person to register first, then add them."
        ),
        "already_member": _("This person is already a member of the organisation"),
        "unknown_role": _("Choose a role"),
    }


def show_service_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put the service's field errors next to the form's fields (which keep what was typed)."""
    messages = error_messages()
    for name, codes in error.field_errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *(messages.get(code, code) for code in codes)]


# --- directory and page --------------------------------------------------------------------------


@bp.get("")
@cached_page
def index() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    query = request.args.get("q", "")
    errors: dict[str, list[str]] = {}
    try:
        found = organisations.list_organisations(db.session, current_user, kind=kind, query=query)
    except InvalidInput as error:
        messages = {
            "unknown_kind": _("Choose a kind from the list"),
            "too_long": _(
                "The search text must be %(max)d characters or fewer", max=organisations.MAX_QUERY_LENGTH
            ),
        }
        errors = {name: [messages[code] for code in codes] for name, codes in error.field_errors.items()}
        found = organisations.list_organisations(db.session, current_user)
    return render_page_or_fragment(
        "organisations/index.html",
        "organisations/_results.html",
        status=422 if errors else 200,
        organisations=found,
        member_counts=organisations.member_counts(db.session, current_user),
        kinds=list(OrganisationKind),
        kind=kind,
        query=query,
        searching=bool(kind or query.strip()),
        errors=errors,
        may_create=organisations.may_create(db.session, current_user),
    )


def _show_page(
    organisation_id: int, *, status: int = 200, action_error: str | None = None
) -> ResponseReturnValue:
    page = organisations.organisation_page(db.session, current_user, organisation_id)
    return render_template("organisations/show.html", page=page, action_error=action_error), status


@bp.get("/<int:organisation_id>")
@cached_page
def show(organisation_id: int) -> ResponseReturnValue:
    return _show_page(organisation_id)


# --- creating and editing ------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    organisations.require_may_create(db.session, current_user)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.create_organisation(
                db.session,
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                description=form.description.data or "",
                website=form.website.data,
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(_("The organisation %(name)s has been created.", name=organisation.name), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None), (
        422 if form.errors else 200
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int) -> ResponseReturnValue:
    organisation, may_change_kind = organisations.organisation_for_editing(
        db.session, current_user, organisation_id
    )
    form = OrganisationForm(obj=organisation)
    if not may_change_kind:
        del form.kind
    if form.validate_on_submit():
        try:
            organisations.update_organisation(
                db.session,
                current_user,
                organisation.id,
                name=form.name.data,
                kind=form.kind.data if may_change_kind else None,
                description=form.description.data or "",
                website=form.website.data,
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation), (
        422 if form.errors else 200
    )


# --- members -------------------------------------------------------------------------------------


def _members_page(
    organisation_id: int,
    *,
    form: AddMemberForm | None = None,
    status: int = 200,
    action_error: str | None = None,
    error_member_id: int | None = None,
) -> ResponseReturnValue:
    page = organisations.member_management_page(db.session, current_user, organisation_id)
    context: dict[str, Any] = {
        "page": page,
        "form": form or AddMemberForm(formdata=None),
        "action_error": action_error,
        "error_member_id": error_member_id,
    }
    return render_template("organisations/members.html", **context), status


@bp.get("/<int:organisation_id>/members")
@login_required
def members(organisation_id: int) -> ResponseReturnValue:
    return _members_page(organisation_id)


@bp.post("/<int:organisation_id>/members")
@login_required
def add_member(organisation_id: int) -> ResponseReturnValue:
    # Checked before the form so nobody learns from its messages whether an address has an account.
    organisations.require_may_manage_members(db.session, current_user, organisation_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            member = organisations.add_member(
                db.session, current_user, organisation_id, email=form.email.data, role=form.role.data
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(_("%(name)s is now a member of the organisation.", name=member.user.public_name), "success")
            return redirect(url_for("organisations.members", organisation_id=organisation_id))
    return _members_page(organisation_id, form=form, status=422)


@bp.post("/<int:organisation_id>/members/<int:member_id>/role")
@login_required
def change_role(organisation_id: int, member_id: int) -> ResponseReturnValue:
    try:
        member = organisations.change_member_role(
            db.session, current_user, organisation_id, member_id, role=request.form.get("role", "")
        )
    except InvalidInput:
        return _members_page(
            organisation_id, status=422, action_error=_("Choose a role"), error_member_id=member_id
        )
    except LastRepresentative as error:
        return _members_page(
            organisation_id, status=409, action_error=str(error.message), error_member_id=member_id
        )
    flash(
        _(
            "The role of %(name)s is now: %(role)s.",
            name=member.user.public_name,
            role=ORGANISATION_ROLE_LABELS.get(member.role, member.role),
        ),
        "success",
    )
    return redirect(url_for("organisations.members", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/members/<int:member_id>/remove")
@login_required
def remove_member(organisation_id: int, member_id: int) -> ResponseReturnValue:
    try:
        name = organisations.remove_member(db.session, current_user, organisation_id, member_id)
    except LastRepresentative as error:
        return _members_page(
            organisation_id, status=409, action_error=str(error.message), error_member_id=member_id
        )
    flash(_("%(name)s is no longer a member of the organisation.", name=name), "success")
    return redirect(url_for("organisations.members", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/leave")
@login_required
def leave(organisation_id: int) -> ResponseReturnValue:
    try:
        organisations.leave_organisation(db.session, current_user, organisation_id)
    except LastRepresentative as error:
        return _show_page(organisation_id, status=409, action_error=str(error.message))
    flash(_("You have left the organisation."), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation_id))

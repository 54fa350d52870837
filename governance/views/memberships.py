"""Joining and leaving a space, decisions on requests, invitations, member management, facilitators.

Every action is a plain form POST that redirects with a flashed message. htmx requests (decided only
by the HX-Request header) get the fragment they swap instead: the viewer's membership panel, the list
of pending requests or the list of open invitations.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.errors import Conflict, InvalidInput
from core.extensions import db
from core.web import is_htmx_request, render_page_or_fragment, safe_next_url
from governance.forms import EMAIL_INVALID
from governance.labels import LEVEL_LABELS, PARTY_MEMBER_LABELS, SPACE_ROLE_LABELS
from governance.membership_forms import (
    CHOOSE_PARTY,
    PARTY_HINTS,
    ROLE_HINTS,
    UNKNOWN_ORGANISATION,
    UNKNOWN_PARTY,
    UNKNOWN_ROLE,
    AppointFacilitatorForm,
    ApproveForm,
    InvitationForm,
    JoinForm,
    MemberForm,
)
from governance.permissions import NotAllowed
from governance.services import memberships, spaces

bp = Blueprint("memberships", __name__)


def _error_messages() -> dict[tuple[str, str], str]:
    """Service error codes (field, code) in the user's language."""
    return {
        ("party", "required"): str(CHOOSE_PARTY),
        ("party", "unknown_party"): str(UNKNOWN_PARTY),
        ("role", "unknown_role"): str(UNKNOWN_ROLE),
        ("organisation", "unknown_organisation"): str(UNKNOWN_ORGANISATION),
        ("organisation", "not_your_organisation"): _("You can only speak for an organisation you belong to"),
        ("organisation", "not_their_organisation"): _(
            "Choose one of the organisations this person belongs to"
        ),
        ("message", "too_long"): _(
            "The message must be %(max)d characters or fewer", max=memberships.MAX_MESSAGE_LENGTH
        ),
        ("email", "invalid"): str(EMAIL_INVALID),
        ("email", "already_member"): _("This person is already a member of the social space"),
        ("email", "already_invited"): _(
            "This address already has an open invitation. Revoke it first if you want to send a new one."
        ),
        ("email", "unknown_user"): _(
            "There is no account with this e-mail address. Ask the person to register first."
        ),
        ("email", "already_facilitator"): _("This person already facilitates this social space"),
        ("space", "unknown_space"): _("Choose a social space from the list"),
    }


def _show_service_errors(form: FlaskForm, error: InvalidInput) -> None:
    messages = _error_messages()
    for name, codes in error.field_errors.items():
        if name not in form:
            continue
        field = form[name]
        fallback = _("Check this answer")
        field.errors = [*field.errors, *(messages.get((name, code), fallback) for code in codes)]


def _form_status(form: FlaskForm) -> int:
    return 422 if form.errors else 200


def _back_to(default: str) -> str:
    return safe_next_url(request.form.get("next") or request.args.get("next"), default)


def _membership_panel(space_id: int, notice: str) -> ResponseReturnValue:
    page = spaces.space_page(db.session, current_user, space_id)
    return render_template("spaces/_membership.html", page=page, notice=notice)


def _pending_requests(space_id: int, notice: str) -> ResponseReturnValue:
    page = spaces.space_page(db.session, current_user, space_id)
    return render_template(
        "memberships/_pending_requests.html",
        space=page.space,
        pending_requests=page.pending_requests,
        notice=notice,
        next_url=_back_to(url_for("spaces.show", space_id=space_id)),
    )


# --- joining and leaving -----------------------------------------------------------------------


def _already_in(space_id: int, error: NotAllowed) -> ResponseReturnValue:
    if error.actor.has_pending_request:
        flash(_("Your request to join is already waiting for a decision."), "info")
    else:
        flash(_("You are already a member of this social space."), "info")
    return redirect(url_for("spaces.show", space_id=space_id))


@bp.route("/spaces/<int:space_id>/join", methods=["GET", "POST"])
@login_required
def join(space_id: int) -> ResponseReturnValue:
    try:
        choices = memberships.join_choices(db.session, current_user, space_id)
    except NotAllowed as error:
        return _already_in(space_id, error)
    previous = choices.previous
    prefill = (
        {"party": previous.party, "organisation": str(previous.organisation_id or "")} if previous else {}
    )
    form = JoinForm(data=prefill)
    form.set_organisations(choices.organisations)
    if form.validate_on_submit():
        try:
            memberships.request_to_join(
                db.session, current_user, space_id,
                party=form.party.data, organisation_id=form.organisation_id, message=form.message.data or "",
            )  # fmt: skip
        except InvalidInput as error:
            _show_service_errors(form, error)
        else:
            notice = _(
                "Your request has been sent. The facilitation of %(space)s will decide on it.",
                space=choices.space.name,
            )
            if is_htmx_request():
                return _membership_panel(space_id, notice)
            flash(notice, "success")
            return redirect(url_for("spaces.show", space_id=space_id))
    return render_page_or_fragment(
        "memberships/join.html", "memberships/_join_form.html", _form_status(form),
        form=form, space=choices.space, party_hints=PARTY_HINTS,
    )  # fmt: skip


@bp.route("/spaces/<int:space_id>/leave", methods=["GET", "POST"])
@login_required
def leave(space_id: int) -> ResponseReturnValue:
    try:
        check = memberships.leave_check(db.session, current_user, space_id)
    except NotAllowed:
        flash(_("You are not a member of this social space."), "info")
        return redirect(url_for("spaces.show", space_id=space_id))
    status = 200
    if request.method == "POST" and not check.last_facilitator:
        try:
            memberships.leave_space(db.session, current_user, space_id)
        except Conflict:
            status = 409  # someone else stepped down as facilitator in the meantime
            check = memberships.leave_check(db.session, current_user, space_id)
        else:
            notice = _("You have left the social space %(space)s.", space=check.space.name)
            if is_htmx_request():
                return _membership_panel(space_id, notice)
            flash(notice, "success")
            return redirect(url_for("spaces.show", space_id=space_id))
    elif request.method == "POST":
        status = 409
    return render_template("memberships/leave.html", check=check, space=check.space), status


# --- decisions on join requests ----------------------------------------------------------------


def _render_decision_page(space_id: int, membership_id: int, form: ApproveForm, status: int):
    membership = memberships.request_for_decision(db.session, current_user, space_id, membership_id)
    return render_template(
        "memberships/request.html", membership=membership, space=membership.space, form=form,
        next_url=_back_to(url_for("spaces.show", space_id=space_id)),
    ), status  # fmt: skip


@bp.get("/spaces/<int:space_id>/requests/<int:membership_id>")
def request_detail(space_id: int, membership_id: int) -> ResponseReturnValue:
    membership = memberships.request_for_decision(db.session, current_user, space_id, membership_id)
    return _render_decision_page(space_id, membership_id, ApproveForm(data={"party": membership.party}), 200)


@bp.post("/spaces/<int:space_id>/requests/<int:membership_id>/approve")
def approve(space_id: int, membership_id: int) -> ResponseReturnValue:
    # Checks permission and that the request is still open before looking at the form.
    membership = memberships.request_for_decision(db.session, current_user, space_id, membership_id)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            memberships.approve_request(
                db.session, current_user, space_id, membership_id, party=form.party.data
            )
        except InvalidInput as error:
            _show_service_errors(form, error)
        else:
            notice = _("%(name)s is now a member of the social space.", name=membership.user.public_name)
            if is_htmx_request():
                return _pending_requests(space_id, notice)
            flash(notice, "success")
            return redirect(_back_to(url_for("spaces.show", space_id=space_id)))
    return _render_decision_page(space_id, membership_id, form, 422)


@bp.post("/spaces/<int:space_id>/requests/<int:membership_id>/decline")
def decline(space_id: int, membership_id: int) -> ResponseReturnValue:
    membership = memberships.decline_request(db.session, current_user, space_id, membership_id)
    notice = _("You have declined the request of %(name)s.", name=membership.user.public_name)
    if is_htmx_request():
        return _pending_requests(space_id, notice)
    flash(notice, "success")
    return redirect(_back_to(url_for("spaces.show", space_id=space_id)))


# --- invitations -------------------------------------------------------------------------------


@bp.route("/spaces/<int:space_id>/invitations", methods=["GET", "POST"])
def invitations(space_id: int) -> ResponseReturnValue:
    page = memberships.invitations_page(db.session, current_user, space_id)
    form = InvitationForm()
    form.set_roles(with_facilitator=page.may_invite_facilitators)
    form.set_organisations(page.organisations, none_label=_("No organisation"))
    if form.validate_on_submit():
        try:
            invitation, _token = memberships.invite(
                db.session, current_user, space_id,
                email=form.email.data, role=form.role.data, party=form.party.data,
                organisation_id=form.organisation_id,
            )  # fmt: skip
        except InvalidInput as error:
            _show_service_errors(form, error)
        else:
            flash(_("The invitation has been sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("memberships.invitations", space_id=space_id))
    return render_page_or_fragment(
        "memberships/invitations.html", "memberships/_open_invitations.html", _form_status(form),
        listing=page, space=page.space, form=form, role_hints=ROLE_HINTS,
    )  # fmt: skip


@bp.post("/spaces/<int:space_id>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(space_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = memberships.revoke_invitation(db.session, current_user, space_id, invitation_id)
    notice = _("The invitation for %(email)s has been revoked.", email=invitation.email)
    if is_htmx_request():
        page = memberships.invitations_page(db.session, current_user, space_id)
        return render_template(
            "memberships/_open_invitations.html", listing=page, space=page.space, notice=notice
        )
    flash(notice, "success")
    return redirect(url_for("memberships.invitations", space_id=space_id))


def _unusable_invitation(error: memberships.InvitationUnusable) -> ResponseReturnValue:
    return render_template("memberships/invitation_unusable.html", reason=error.reason), 410


@bp.get("/invitations/<token>")
def invitation(token: str) -> ResponseReturnValue:
    try:
        found = memberships.invitation_for_token(db.session, current_user, token)
    except memberships.InvitationUnusable as error:
        return _unusable_invitation(error)
    return render_template("memberships/invitation.html", invitation=found, token=token)


@bp.post("/invitations/<token>/accept")
def accept_invitation(token: str) -> ResponseReturnValue:
    try:
        membership = memberships.accept_invitation(db.session, current_user, token)
    except memberships.InvitationUnusable as error:
        return _unusable_invitation(error)
    except Conflict:
        found = memberships.invitation_for_token(db.session, current_user, token)
        return render_template(
            "memberships/invitation.html", invitation=found, token=token, last_facilitator=True
        ), 409
    flash(
        _(
            "Welcome to the social space %(space)s. You take part as: %(role)s.",
            space=membership.space.name,
            role=PARTY_MEMBER_LABELS[membership.party]
            if membership.party
            else SPACE_ROLE_LABELS[membership.role],
        ),
        "success",
    )
    return redirect(url_for("spaces.show", space_id=membership.space_id))


@bp.post("/invitations/<token>/decline")
def decline_invitation(token: str) -> ResponseReturnValue:
    try:
        found = memberships.decline_invitation(db.session, current_user, token)
    except memberships.InvitationUnusable as error:
        return _unusable_invitation(error)
    flash(_("You have declined the invitation to %(space)s.", space=found.space.name), "success")
    return redirect(url_for("pages.home"))


# --- member management -------------------------------------------------------------------------


@bp.get("/spaces/<int:space_id>/members/manage")
def manage(space_id: int) -> ResponseReturnValue:
    page = memberships.manage_page(db.session, current_user, space_id)
    return render_template("memberships/manage.html", page=page, space=page.space)


@bp.route("/spaces/<int:space_id>/members/<int:membership_id>/edit", methods=["GET", "POST"])
def edit_member(space_id: int, membership_id: int) -> ResponseReturnValue:
    choices = memberships.member_choices(db.session, current_user, space_id, membership_id)
    membership = choices.membership
    # Only administrators give or take the facilitator role; others see it but cannot change it.
    role_locked = membership.role == "facilitator" and not choices.may_appoint_facilitators
    form = MemberForm(
        data={
            "role": membership.role,
            "party": membership.party or "",
            "organisation": str(membership.organisation_id or ""),
        }
    )
    form.set_roles(with_facilitator=choices.may_appoint_facilitators or role_locked)
    form.set_organisations(choices.organisations, none_label=_("No organisation"))
    if form.validate_on_submit():
        try:
            memberships.change_member(
                db.session, current_user, space_id, membership_id,
                party=form.party.data, role=form.role.data, organisation_id=form.organisation_id,
            )  # fmt: skip
        except InvalidInput as error:
            _show_service_errors(form, error)
        else:
            flash(
                _("The membership of %(name)s has been saved.", name=membership.user.public_name), "success"
            )
            return redirect(url_for("memberships.manage", space_id=space_id))
    return render_template(
        "memberships/edit_member.html", form=form, membership=membership, space=membership.space,
        role_locked=role_locked, role_hints=ROLE_HINTS,
    ), _form_status(form)  # fmt: skip


@bp.route("/spaces/<int:space_id>/members/<int:membership_id>/remove", methods=["GET", "POST"])
def remove_member(space_id: int, membership_id: int) -> ResponseReturnValue:
    choices = memberships.member_choices(db.session, current_user, space_id, membership_id)
    membership = choices.membership
    if request.method == "POST":
        memberships.remove_member(db.session, current_user, space_id, membership_id)
        flash(
            _("%(name)s no longer belongs to the social space.", name=membership.user.public_name), "success"
        )
        return redirect(url_for("memberships.manage", space_id=space_id))
    return render_template(
        "memberships/remove_member.html", membership=membership, space=membership.space,
        may_remove=membership.role != "facilitator" or choices.may_appoint_facilitators,
    )  # fmt: skip


# --- facilitators of every space (site administrators) -----------------------------------------


@bp.route("/admin/facilitators", methods=["GET", "POST"])
def facilitators() -> ResponseReturnValue:
    overview = memberships.facilitators_overview(db.session, current_user)
    form = AppointFacilitatorForm()
    form.set_spaces(overview.spaces, LEVEL_LABELS)
    if form.validate_on_submit():
        try:
            membership = memberships.appoint_facilitator(
                db.session, current_user, space_id=form.space_id, email=form.email.data
            )
        except InvalidInput as error:
            _show_service_errors(form, error)
        else:
            flash(
                _(
                    "%(name)s now facilitates %(space)s.",
                    name=membership.user.public_name,
                    space=membership.space.name,
                ),
                "success",
            )
            return redirect(url_for("memberships.facilitators"))
    return render_template("memberships/facilitators.html", overview=overview, form=form), _form_status(form)


@bp.post("/admin/facilitators/<int:membership_id>/remove")
def remove_facilitator(membership_id: int) -> ResponseReturnValue:
    membership = memberships.remove_facilitator(db.session, current_user, membership_id)
    flash(
        _(
            "%(name)s no longer facilitates %(space)s.",
            name=membership.user.public_name,
            space=membership.space.name,
        ),
        "success",
    )
    return redirect(url_for("memberships.facilitators"))

"""Pages of decisions: motions of a space, the motion form, the motion with its ballot form, results,
published ballots, and "my votes". Every action is a plain form POST with post/redirect/get; the
ballot panel is swapped by htmx (``_ballot.html``) when JavaScript runs."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.models import Document
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.web import is_htmx_request, render_page_or_fragment
from decisions.domain.methods import METHOD_DESCRIPTIONS, QUORUM_DESCRIPTION, TIE_DESCRIPTION, Method
from decisions.forms import (
    BASE_LABELS,
    CONSENT_LABELS,
    KIND_LABELS,
    VOTE_LABELS,
    MotionForm,
    ProxyForm,
    ballot_form,
    choice_from,
    choices,
    to_local,
)
from decisions.services import ballots, motions, records
from decisions.services.ballots import BallotRefused
from decisions.services.motions import MotionPermission

bp = Blueprint("decisions", __name__)


def outcome_labels() -> dict[str, str]:
    return {
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
        "blocked": _("Blocked by an objection"),
        "decided": _("Decided"),
        "tied": _("Tied: no single winner"),
        "not_decided_quorum_missed": _("Not decided (quorum missed)"),
    }


def state_labels() -> dict[str, str]:
    return {
        "draft": _("Upcoming"),
        "open": _("Open for voting"),
        "closed": _("Closed"),
        "cancelled": _("Cancelled"),
    }


def refusal_messages() -> dict[str, str]:
    return {
        "closed": _("Voting on this motion has ended. Ballots can no longer be cast or changed."),
        "not_open": _("Voting on this motion has not started yet."),
        "not_eligible": _("You are not among the people who may vote on this motion."),
        "no_proxy": _("You may only vote for someone else if they authorised you as their proxy."),
        "cast_by_voter": _("The member voted themselves, so their proxy can no longer change this ballot."),
        "receipt_required": _(
            "You have already voted. This is a secret ballot: to change your vote, enter the receipt code "
            "you were shown when you voted."
        ),
        "already_voted": _("A vote has already been cast for you, so the proxy can no longer be withdrawn."),
    }


def error_messages() -> dict[str, str]:
    return {
        "required": _("This field is required"),
        "too_long": _("This is too long"),
        "invalid": _("Choose one of the options"),
        "unknown_document": _("Choose an agreement of this social space"),
        "unknown_version": _("Choose a published version of the agreement"),
        "unknown_amendment": _("Choose an amendment of an agreement of this social space"),
        "needs_alternatives_method": _("Choosing among alternatives needs ranked choice or approval voting"),
        "needs_yes_no_method": _("This kind of motion needs a method with yes and no votes"),
        "only_for_alternatives": _("Alternatives are only used by ranked choice and approval voting"),
        "too_few_options": _("Enter at least two alternatives"),
        "too_many": _("Enter at most 20 alternatives"),
        "duplicate_option": _("Each alternative may appear only once"),
        "invalid_option": _("Every alternative needs a name"),
        "threshold_required": _("Enter the share of yes votes needed, for example 2/3"),
        "not_a_fraction": _("Enter a share such as 2/3, 0.5 or 50 %"),
        "fraction_out_of_range": _("Enter a share greater than 0 and at most 1 (100 %)"),
        "threshold_unreachable": _("No vote can reach more than 100 %"),
        "parties_required": _("Choose at least one party that must approve"),
        "not_eligible": _("Every party that must approve must also be allowed to vote"),
        "in_past": _("Choose a time in the future"),
        "not_with_secret": _(
            "A secret ballot shows no interim results: beside the list of who has voted, they would "
            "tell who chose what"
        ),
        "before_opening": _("The vote must close after it opens"),
        "empty_electorate": _("Nobody in the space may vote on this motion: check the parties and roles"),
        "unknown_choice": _("Choose one of the answers"),
        "invalid_choice": _("Choose one of the answers"),
        "objection_without_reason": _("Say why you object: an objection needs a reason"),
        "unknown_option": _("Choose among the alternatives shown"),
        "option_listed_twice": _("Give each alternative one place only"),
        "malformed_choice": _("Choose one of the answers"),
        "wrong_receipt": _("This receipt code does not belong to a ballot of this motion"),
        "proxy_for_self": _("Choose someone else"),
        "proxy_other_party": _("Choose a member of your party who may vote on this motion"),
        "already_granted": _("You have already authorised a proxy; withdraw it first"),
        "holds_proxy": _("You vote for someone else already, so you cannot hand your own vote on"),
        "proxy_holds_several": _("This person already holds a proxy"),
    }


def messages_for(error: InvalidInput) -> dict[str, list[str]]:
    known = error_messages()
    return {name: [known.get(code, code) for code in codes] for name, codes in error.field_errors.items()}


def place_errors(form: Any, error: InvalidInput) -> list[str]:
    """Put the service's field errors beside the form's fields; return those without a field."""
    unplaced: list[str] = []
    fields = {"threshold": "threshold", "parties": "approving_parties", "quorum": "quorum_overall"}
    for name, messages in messages_for(error).items():
        target = form._fields.get(fields.get(name, name))
        if target is not None:
            target.errors = [*target.errors, *messages]
        else:
            unplaced.extend(messages)
    return unplaced


@bp.record_once
def _install_labels(state: Any) -> None:
    # Globals, so imported macros see them too.
    state.app.jinja_env.globals.update(
        motion_state_labels=state_labels,
        motion_outcome_labels=outcome_labels,
        motion_kind_labels=KIND_LABELS,
    )


# --- lists ---------------------------------------------------------------------------------------------


@bp.get("/spaces/<int:space_id>/motions")
def space_motions(space_id: int) -> ResponseReturnValue:
    from agreements.document_forms import whole_number

    document_id = whole_number(request.args.get("document"))
    listing = motions.space_motions(db.session, current_user, space_id, document_id=document_id)
    document = db.session.get(Document, document_id) if document_id else None
    return render_template(
        "decisions/space_list.html", listing=listing, space=listing.space, document=document
    )


@bp.get("/my/votes")
@login_required
def my_votes() -> ResponseReturnValue:
    return render_template("decisions/my_votes.html", votes=ballots.my_votes(db.session, current_user))


# --- the motion form ------------------------------------------------------------------------------------


def _form_choices(form: MotionForm, space_id: int) -> None:
    form.set_choices(*motions.form_subjects(db.session, current_user, space_id))


def _render_form(form: MotionForm, space: Any, motion: Any, problems: list[str]) -> ResponseReturnValue:
    status = 422 if form.errors or problems else 200
    return (
        render_template(
            "decisions/form.html",
            form=form,
            space=space,
            motion=motion,
            problems=problems,
            methods=METHOD_DESCRIPTIONS,
            quorum_description=QUORUM_DESCRIPTION,
        ),
        status,
    )


@bp.route("/spaces/<int:space_id>/motions/new", methods=["GET", "POST"])
@login_required
def new_motion(space_id: int) -> ResponseReturnValue:
    space, _actor = motions.require_may_create(db.session, current_user, space_id)
    form = MotionForm()
    _form_choices(form, space.id)
    if request.method == "GET" and request.args.get("document"):
        form.document_id.data = request.args.get("document", "")
        form.kind.data = "adopt_version"
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            motion = motions.create_motion(
                db.session, current_user, space_id=space.id, values=form.motion_input()
            )
        except InvalidInput as error:
            problems = place_errors(form, error)
        else:
            flash(
                _(
                    "The motion “%(title)s” has been saved. Open it for voting when it is ready.",
                    title=motion.title,
                ),
                "success",
            )
            return redirect(url_for("decisions.show", motion_id=motion.id))
    return _render_form(form, space, None, problems)


@bp.route("/motions/<int:motion_id>/edit", methods=["GET", "POST"])
@login_required
def edit_motion(motion_id: int) -> ResponseReturnValue:
    motion, _actor, _context = motions.load(db.session, current_user, motion_id, MotionPermission.EDIT)
    form = MotionForm()
    _form_choices(form, motion.space_id)
    if request.method == "GET":
        form.fill_from(motions.input_of(motion))
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            motions.update_motion(db.session, current_user, motion.id, form.motion_input())
        except InvalidInput as error:
            problems = place_errors(form, error)
        else:
            flash(_("The motion has been saved."), "success")
            return redirect(url_for("decisions.show", motion_id=motion.id))
    return _render_form(form, motion.space, motion, problems)


# --- the motion's page ---------------------------------------------------------------------------------


def _panel_context(page: records.MotionPage, **extra: Any) -> dict[str, Any]:
    motion = page.motion
    panel = ballots.ballot_panel(db.session, current_user, motion)
    forms = extra.pop("forms", {})
    if panel.may_vote_self and current_user.id not in forms:
        forms[current_user.id] = ballot_form(motion, current_user.id, ballot=panel.own_ballot)
    for grantor, ballot, _participated in panel.proxy_for:
        if grantor.id not in forms:
            forms[grantor.id] = ballot_form(motion, grantor.id, ballot=ballot)
    return {
        "state": page,
        "motion": motion,
        "panel": panel,
        "ballot_forms": forms,
        "refusal": extra.pop("refusal", None),
        "receipt": extra.pop("receipt", None),
        "vote_labels": VOTE_LABELS,
        "consent_labels": CONSENT_LABELS,
        **extra,
    }


def _motion_page(motion_id: int, status: int = 200, **extra: Any) -> ResponseReturnValue:
    page = records.motion_page(db.session, current_user, motion_id)
    context = _panel_context(page, **extra)
    motion = page.motion
    proxy_form = None
    own_proxy = None
    holders = []
    if page.actions["grant_proxy"] or motion.state == "open":
        proxies = ballots.proxies_of(db.session, motion)
        if current_user.is_authenticated:
            own_proxy = next((proxy for proxy in proxies if proxy.grantor_id == current_user.id), None)
        if page.actions["grant_proxy"] and own_proxy is None:
            holders = ballots.proxy_candidates(db.session, current_user, motion)
            proxy_form = extra.get("proxy_form") or ProxyForm(formdata=None)
            proxy_form.holder_id.choices = choices((str(user.id), user.public_name) for user in holders)
    context.update(
        proxy_form=context.get("proxy_form") or proxy_form,
        own_proxy=own_proxy,
        methods=METHOD_DESCRIPTIONS,
        method_description=METHOD_DESCRIPTIONS[Method(motion.method)],
        quorum_description=QUORUM_DESCRIPTION,
        tie_description=TIE_DESCRIPTION,
        base_labels=BASE_LABELS,
        opens_local=to_local(motion.opens_at),
        closes_local=to_local(motion.closes_at),
        options_by_key={option.key: option for option in motion.options},
    )
    return render_page_or_fragment("decisions/show.html", "decisions/_ballot.html", status, **context)


@bp.get("/motions/<int:motion_id>")
def show(motion_id: int) -> ResponseReturnValue:
    return _motion_page(motion_id)


@bp.get("/motions/<int:motion_id>/results")
def results(motion_id: int) -> ResponseReturnValue:
    page = records.motion_page(db.session, current_user, motion_id)
    if page.result is None:
        raise NotFound("no results yet")
    recount = None
    if page.motion.state == "closed":
        recount = records.recount_motion(db.session, current_user, motion_id)
    return render_template(
        "decisions/results.html",
        state=page,
        motion=page.motion,
        recount=recount,
        method_description=METHOD_DESCRIPTIONS[Method(page.motion.method)],
        quorum_description=QUORUM_DESCRIPTION,
        tie_description=TIE_DESCRIPTION,
        options_by_key={option.key: option for option in page.motion.options},
    )


@bp.post("/motions/<int:motion_id>/ballot")
@login_required
def cast(motion_id: int) -> ResponseReturnValue:
    from agreements.document_forms import whole_number

    motion, _actor, _context = motions.load(db.session, current_user, motion_id, MotionPermission.VIEW)
    voter_id = whole_number(request.form.get("voter_id")) or current_user.id
    form = ballot_form(motion, voter_id, formdata=request.form)
    if not form.validate_on_submit():
        return _motion_page(motion_id, 422, forms={voter_id: form})
    choice = choice_from(form, motion, request.form)
    try:
        result = ballots.cast_ballot(
            db.session,
            current_user,
            motion_id,
            choice=choice,
            reason=form.reason.data or "",
            voter_id=voter_id,
            receipt=form.receipt.data or None,
        )
    except BallotRefused as refused:
        db.session.rollback()
        message = refusal_messages().get(refused.code, refused.code)
        if refused.code == "receipt_required":
            form.receipt.errors = [message]
        return _motion_page(
            motion_id,
            refused.status,
            forms={voter_id: form},
            refusal=message,
        )
    except InvalidInput as error:
        db.session.rollback()
        for name, messages in messages_for(error).items():
            target = form._fields.get(name)
            if target is not None:
                target.errors = [*target.errors, *messages]
            else:
                form.choice.errors = [*form.choice.errors, *messages]
        return _motion_page(motion_id, 422, forms={voter_id: form})
    message = _("Your vote has been changed.") if result.changed else _("Your vote has been counted.")
    if voter_id != current_user.id:
        message = _("The vote you cast as a proxy has been recorded.")
    if result.receipt or is_htmx_request():
        # The receipt is shown once, on this answer, never stored in the session or a redirect.
        return _motion_page(motion_id, 200, receipt=result.receipt, notice=message)
    flash(message, "success")
    return redirect(url_for("decisions.show", motion_id=motion_id) + "#ballot-panel")


def _state_change(motion_id: int, change: Any, message: str) -> ResponseReturnValue:
    try:
        change(db.session, current_user, motion_id)
    except InvalidInput as error:
        db.session.rollback()
        problems = [message for messages in messages_for(error).values() for message in messages]
        return _motion_page(motion_id, 422, problems=problems)
    flash(message, "success")
    return redirect(url_for("decisions.show", motion_id=motion_id))


@bp.post("/motions/<int:motion_id>/open")
@login_required
def open_motion(motion_id: int) -> ResponseReturnValue:
    return _state_change(motion_id, motions.open_motion, _("The motion is open for voting."))


@bp.post("/motions/<int:motion_id>/close")
@login_required
def close_motion(motion_id: int) -> ResponseReturnValue:
    return _state_change(motion_id, motions.close_motion, _("Voting has ended. The result is below."))


@bp.post("/motions/<int:motion_id>/cancel")
@login_required
def cancel_motion(motion_id: int) -> ResponseReturnValue:
    return _state_change(motion_id, motions.cancel_motion, _("The motion has been cancelled."))


@bp.post("/motions/<int:motion_id>/proxy")
@login_required
def grant_proxy(motion_id: int) -> ResponseReturnValue:
    from agreements.document_forms import whole_number

    motions.load(db.session, current_user, motion_id, MotionPermission.GRANT_PROXY)
    form = ProxyForm()
    holder_id = whole_number(form.holder_id.data)
    if form.validate_on_submit() and holder_id is not None:
        try:
            ballots.grant_proxy(db.session, current_user, motion_id, holder_id)
        except InvalidInput as error:
            db.session.rollback()
            return _motion_page(
                motion_id, 422, problems=[m for ms in messages_for(error).values() for m in ms]
            )
        flash(_("Your proxy may now vote for you on this motion."), "success")
        return redirect(url_for("decisions.show", motion_id=motion_id) + "#proxy")
    return _motion_page(motion_id, 422, problems=[error_messages()["proxy_other_party"]])


@bp.post("/motions/<int:motion_id>/proxy/revoke")
@login_required
def revoke_proxy(motion_id: int) -> ResponseReturnValue:
    try:
        ballots.revoke_proxy(db.session, current_user, motion_id)
    except BallotRefused as refused:
        db.session.rollback()
        return _motion_page(motion_id, 409, problems=[refusal_messages().get(refused.code, refused.code)])
    flash(_("Your proxy has been withdrawn. You vote yourself."), "success")
    return redirect(url_for("decisions.show", motion_id=motion_id) + "#proxy")


# --- published ballots -------------------------------------------------------------------------------


@bp.get("/motions/<int:motion_id>/ballots")
def published_ballots(motion_id: int) -> ResponseReturnValue:
    motion, ballot_list = records.published_ballots(db.session, current_user, motion_id)
    receipt = (request.args.get("receipt") or "").strip()[:60]
    found = None
    if receipt and motion.secret:
        wanted = ballots.receipt_hash(receipt)
        found = next((ballot for ballot in ballot_list if ballot["voter"] == wanted), None)
    return render_template(
        "decisions/ballots.html",
        motion=motion,
        ballots=ballot_list,
        receipt=receipt,
        found=found,
        options_by_key={option.key: option for option in motion.options},
    )


@bp.get("/motions/<int:motion_id>/ballots.json")
def export_ballots(motion_id: int) -> Response:
    export = records.export_ballots(db.session, current_user, motion_id)
    response = Response(json.dumps(export, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="motion-{motion_id}-ballots.json"'
    return response

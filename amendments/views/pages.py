"""Pages of amendments: list per agreement, proposing, the amendment page, decisions and the view that
resolves a conflicting merge. Every action is a plain form POST with post/redirect/get; htmx swaps
the list (filter) and the decision box of an amendment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from agreements.document_forms import whole_number
from agreements.models import Document, DocumentVersion
from amendments import labels
from amendments.domain.merge_choices import MINE, OWN, THEIRS
from amendments.forms import ChooseForm, DecisionForm, ProposeForm
from amendments.models import Amendment
from amendments.services import amendments, pages, publishing
from amendments.services.amendments import Outcome
from core.errors import Conflict, InvalidInput
from core.extensions import db
from core.pagecache import cached_page
from core.web import is_htmx_request, render_page_or_fragment

bp = Blueprint("amendments", __name__)

BASE = "/agreements/<int:document_id>/amendments"
ONE = BASE + "/<int:number>"


@bp.record_once
def _install_labels(state: Any) -> None:
    app: Flask = state.app
    labels.install(app)


@bp.app_template_global()
def amendment_url(endpoint: str, amendment: Amendment, **values: Any) -> str:
    return url_for(
        f"amendments.{endpoint}", document_id=amendment.document_id, number=amendment.number, **values
    )


@bp.app_template_global()
def amendment_panel(document: Document) -> pages.AmendmentListing | None:
    """Data of the amendments panel on an agreement's page (None: nothing to show)."""
    return pages.panel(db.session, current_user, document)


@bp.app_template_global()
def amendments_merged_into(version: DocumentVersion) -> list[Amendment]:
    return publishing.merged_into(db.session, version)


def error_messages() -> dict[str, str]:
    return {
        "required": _("This field is required"),
        "too_long": _("This is too long"),
        "unknown_kind": _("Choose the kind of section from the list"),
        "unknown_section": _("Choose a section of this version"),
        "unknown_version": _("Choose a published version"),
        "invalid": _("Choose one of the options"),
        "unchanged": _("The text is the same as in the version. Change something or go back."),
        "choose_every_conflict": _("Choose what the text should say in every place"),
    }


def field_messages() -> dict[tuple[str, str], str]:
    return {
        ("title", "required"): _("Enter a title"),
        ("body", "required"): _("Enter the text of the new section"),
        ("rationale", "required"): _("Say why you propose this"),
    }


def message_for(name: str, code: str) -> str:
    return field_messages().get((name, code)) or error_messages().get(code) or code


# --- list -------------------------------------------------------------------------------------------


@bp.get(BASE)
@cached_page
def index(document_id: int) -> ResponseReturnValue:
    listing = pages.listing(db.session, current_user, document_id, request.args.get("status"))
    return render_page_or_fragment(
        "amendments/index.html", "amendments/_list.html", listing=listing, document=listing.document
    )


# --- proposing --------------------------------------------------------------------------------------


def _proposal_form_for(version: DocumentVersion, kind: str, key: str) -> ProposeForm:
    form = ProposeForm(formdata=None, kind=kind, section=key, base_version=str(version.number))
    section = next((s for s in version.sections if s.key == key), None)
    if kind == "change" and section is not None:
        form.title.data, form.body.data = section.title, section.body
    return form


@bp.route(BASE + "/new", methods=["GET", "POST"])
@login_required
def new(document_id: int) -> ResponseReturnValue:
    raw_version = request.values.get("base_version") or request.args.get("version")
    number = whole_number(raw_version) if raw_version else None
    proposal = pages.proposal_page(db.session, current_user, document_id, number)
    document, version = proposal.document, proposal.version
    context: dict[str, Any] = {"document": document, "version": version, "numbers": proposal.numbers}
    if request.method == "POST":
        form = ProposeForm()
        kind, key = form.kind.data or "", form.section.data or ""
        if form.validate_on_submit():
            try:
                amendment = amendments.propose(
                    db.session,
                    current_user,
                    document.id,
                    kind=kind,
                    section_key=key or None,
                    title=form.title.data or "",
                    body=form.body.data or "",
                    rationale=form.rationale.data or "",
                    section_kind=form.section_kind.data if kind == "add" else None,
                    after_section_key=key or None if kind == "add" else None,
                    base_version_number=version.number,
                )
            except InvalidInput as error:
                problems = _place_errors(form, error)
            else:
                flash(_("Your amendment A %(number)d has been proposed.", number=amendment.number), "success")
                return redirect(amendment_url("show", amendment))
        else:
            problems = []
        return _step_two(context, form, kind, key, problems), 422
    choose = ChooseForm(request.args, meta={"csrf": False})
    choose.set_sections(version.sections)
    if "kind" not in request.args:
        return render_template("amendments/new.html", choose=choose, form=None, **context)
    kind, key = request.args.get("kind", ""), request.args.get("section", "")
    keys = {s.key for s in version.sections}
    valid = choose.validate()
    if valid and kind in ("change", "remove") and key not in keys:
        choose.section.errors = [_("Choose the section you want to change or remove")]
        valid = False
    if valid and kind == "add" and key and key not in keys:
        choose.section.errors = [_("Choose a section of this version")]
        valid = False
    if not valid:
        return render_template("amendments/new.html", choose=choose, form=None, **context), 422
    return _step_two(context, _proposal_form_for(version, kind, key), kind, key, [])


def _step_two(context: dict[str, Any], form: ProposeForm, kind: str, key: str, problems: list[str]) -> str:
    version: DocumentVersion = context["version"]
    section = next((s for s in version.sections if s.key == key), None)
    return render_template(
        "amendments/new.html",
        choose=None,
        form=form,
        kind=kind,
        section=section,
        problems=problems,
        **context,
    )


def _place_errors(form: Any, error: InvalidInput) -> list[str]:
    unplaced: list[str] = []
    for name, codes in error.field_errors.items():
        target = form._fields.get(name)
        for code in codes:
            if target is not None:
                target.errors = [*target.errors, message_for(name, code)]
            else:
                unplaced.append(message_for(name, code))
    return unplaced


# --- the amendment page -----------------------------------------------------------------------------


def _show(document_id: int, number: int, *, status: int = 200, **extra: Any) -> ResponseReturnValue:
    page = pages.amendment_page(db.session, current_user, document_id, number)
    view = "side" if request.args.get("view") == "side" else "inline"
    context = {
        "amendment_page": page,
        "amendment": page.amendment,
        "document": page.scope.document,
        "view": view,
        # Only for those who may reject.
        "decision_form": extra.pop("decision_form", None)
        or (DecisionForm(formdata=None, prefix="reject") if page.actions["reject"] else None),
        "notice": extra.pop("notice", None),
        **extra,
    }
    return render_page_or_fragment("amendments/show.html", "amendments/_decision.html", status, **context)


@bp.get(ONE)
@cached_page
def show(document_id: int, number: int) -> ResponseReturnValue:
    return _show(document_id, number)


def _done(document_id: int, number: int, message: str) -> ResponseReturnValue:
    if is_htmx_request():
        return _show(document_id, number, notice=message)
    flash(message, "success")
    return redirect(url_for("amendments.show", document_id=document_id, number=number))


@bp.post(ONE + "/withdraw")
@login_required
def withdraw(document_id: int, number: int) -> ResponseReturnValue:
    amendments.withdraw(db.session, current_user, document_id, number)
    return _done(document_id, number, _("You withdrew the amendment."))


@bp.post(ONE + "/vote")
@login_required
def put_to_vote(document_id: int, number: int) -> ResponseReturnValue:
    amendments.put_to_vote(db.session, current_user, document_id, number)
    return _done(document_id, number, _("The amendment is now put to the vote."))


@bp.post(ONE + "/reject")
@login_required
def reject(document_id: int, number: int) -> ResponseReturnValue:
    form = DecisionForm(prefix="reject")
    if not form.validate_on_submit():
        return _show(document_id, number, status=422, decision_form=form)
    amendments.reject(db.session, current_user, document_id, number, note=form.note.data or "")
    return _done(document_id, number, _("The amendment was rejected."))


@bp.post(ONE + "/accept")
@login_required
def accept(document_id: int, number: int) -> ResponseReturnValue:
    outcome = amendments.accept(db.session, current_user, document_id, number)
    if outcome == Outcome.NEEDS_RESOLUTION:
        target = url_for("amendments.resolve", document_id=document_id, number=number)
        if is_htmx_request():
            return "", 204, {"HX-Redirect": target}
        flash(
            _("The working draft and the amendment changed the same words. Choose what the text should say."),
            "info",
        )
        return redirect(target)
    return _done(document_id, number, _outcome_message(outcome))


def _outcome_message(outcome: Outcome) -> str:
    return {
        Outcome.MERGED: _("The amendment was accepted and merged into the working draft."),
        Outcome.ALREADY_DONE: _("The amendment was accepted. The working draft already had this change."),
        Outcome.ANCHOR_MISSING: _(
            "The amendment was accepted. The section it should follow is no longer in the draft, "
            "so the new section was put at the end."
        ),
        Outcome.NEEDS_RESOLUTION: _("Choose what the text should say."),
    }[outcome]


# --- resolving a conflicting merge ------------------------------------------------------------------


def _choices_from_form(page: pages.AmendmentPage) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The chosen words of each conflict, and the errors of the places without a choice."""
    choices: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    plan = page.preview.plan if page.preview else None
    for field in plan.conflicting if plan else []:
        chosen: list[str] = []
        for index, conflict in enumerate(field.merge.conflicts):
            name = f"{field.name}-{index}"
            choice = request.form.get(f"{name}-choice", "")
            own = request.form.get(f"{name}-own", "")
            if choice == MINE:
                chosen.append(conflict.mine)
            elif choice == THEIRS:
                chosen.append(conflict.theirs)
            elif choice == OWN and "\x00" not in own:
                chosen.append(own)
            else:
                errors[name] = _("Choose what the text should say here")
        choices[field.name] = chosen
    return choices, errors


@bp.route(ONE + "/resolve", methods=["GET", "POST"])
@login_required
def resolve(document_id: int, number: int) -> ResponseReturnValue:
    page = pages.resolution_page(db.session, current_user, document_id, number)
    context: dict[str, Any] = {
        "amendment_page": page,
        "amendment": page.amendment,
        "document": page.scope.document,
        "errors": {},
        "problems": [],
        "values": request.form if request.method == "POST" else {},
    }
    if request.method == "GET":
        return render_template("amendments/resolve.html", **context)
    choices, errors = _choices_from_form(page)
    if errors:
        context["errors"] = errors
        return render_template("amendments/resolve.html", **context), 422
    try:
        outcome = amendments.resolve(
            db.session,
            current_user,
            document_id,
            number,
            draft_revision=whole_number(request.form.get("draft_revision")),
            choices=choices,
        )
    except InvalidInput as error:
        context["problems"] = [
            message_for(name, code) for name, codes in error.field_errors.items() for code in codes
        ]
        return render_template("amendments/resolve.html", **context), 422
    except Conflict:
        # Someone saved the section meanwhile: show the merge against the draft as it is now.
        db.session.rollback()
        context["amendment_page"] = pages.resolution_page(db.session, current_user, document_id, number)
        context["problems"] = [
            _(
                "Someone saved this section of the draft while you were choosing. "
                "Here is the merge with the new text."
            )
        ]
        context["values"] = {}
        return render_template("amendments/resolve.html", **context), 409
    flash(_outcome_message(outcome), "success")
    return redirect(url_for("amendments.show", document_id=document_id, number=number))

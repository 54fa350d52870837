"""Pages of agreements and frameworks: one set of views for both kinds of document.

URLs start with /agreements/<id> or /frameworks/<id>; the first part of the path names the kind,
and the services refuse a document of the other kind (404). Every action is a plain form POST
with post/redirect/get; the section editor may swap just its section's fragment with htmx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from agreements import labels
from agreements.document_forms import (
    AddSectionForm,
    EditSectionForm,
    HeadingForm,
    NewAgreementForm,
    PartiesForm,
    PublishForm,
    TransitionForm,
    section_data,
    section_prefix,
    whole_number,
)
from agreements.domain.merge import MergeResult
from agreements.models import Document
from agreements.permissions import DocumentPermission
from agreements.services import drafts, lifecycle, pages, versions
from agreements.services.drafts import TEXT_FIELDS, DraftConflict
from agreements.services.snapshots import SectionContent
from core.errors import Conflict, InvalidInput, NotFound
from core.extensions import db
from core.pagecache import cached_page
from core.web import is_htmx_request

bp = Blueprint("documents", __name__)

KINDS = {"agreements": "agreement", "frameworks": "framework"}
DOCUMENT = "/<any(agreements, frameworks):collection>/<int:document_id>"


@bp.record_once
def _install_labels(state: Any) -> None:
    app: Flask = state.app
    labels.install(app)


@bp.app_template_global()
def document_url(endpoint: str, document: Document, **values: Any) -> str:
    """URL of one of this blueprint's pages of a document, under /agreements or /frameworks."""
    return url_for(f"documents.{endpoint}", collection=f"{document.kind}s", document_id=document.id, **values)


def _kind(collection: str) -> str:
    return KINDS[collection]


# --- messages for the services' error codes -----------------------------------------------------------


def error_messages() -> dict[str, str]:
    return {
        "required": _("This field is required"),
        "too_long": _("This is too long"),
        "unknown_kind": _("Choose the kind of section from the list"),
        "invalid_indicator": _("Every indicator needs a name"),
        "invalid_budget_line": _("Every budget line needs a name"),
        "unknown_framework_version": _("Choose a framework version from the list"),
        "before_start": _("The consultation must end on or after the day it starts"),
        "invalid": _("Choose one of the options"),
        "other_framework": _("The agreement follows another framework"),
    }


def field_messages() -> dict[tuple[str, str], str]:
    """Where a code means something more specific for one field."""
    return {
        ("title", "required"): _("Enter a title"),
        ("change_summary", "required"): _("Say in a few words what changed"),
        ("consultation_ends_on", "required"): _("Enter the first and the last day of the consultation"),
        ("in_force_from", "required"): _("Enter the date from which the agreement applies"),
        ("consultation_audience", "invalid"): _("Choose who may comment"),
        ("parties", "invalid"): _("Choose organisations and parties from the lists"),
    }


def refusal_messages() -> dict[str, str]:
    """Why a step or a publication was refused, for the error summary at the top of the page."""
    return {
        "no_published_version": _("Publish a version of the text first: this step needs a published text."),
        "framework_requirements_not_met": _("The text does not meet the framework's requirements yet:"),
        "not_from_this_status": _("This step is not possible in the agreement's current status."),
        "unknown": _("This step does not exist."),
        "no_sections": _("Add at least one section before you publish a version."),
        "same_version": _("Choose two different versions."),
    }


def message_for(name: str, code: str) -> str:
    return field_messages().get((name, code)) or error_messages().get(code) or code


def show_service_errors(form: FlaskForm, error: InvalidInput) -> list[str]:
    """Put the service's field errors next to the form's fields; return those without a field."""
    unplaced: list[str] = []
    for name, codes in error.field_errors.items():
        target = form._fields.get(name)
        for code in codes:
            if target is not None:
                target.errors = [*target.errors, message_for(name, code)]
            else:
                unplaced.append(refusal_messages().get(code) or message_for(name, code))
    return unplaced


# --- agreements of a space ---------------------------------------------------------------------------


@bp.get("/spaces/<int:space_id>/agreements")
@cached_page
def space_agreements(space_id: int) -> ResponseReturnValue:
    listing = pages.space_agreements(db.session, current_user, space_id)
    return render_template("agreements/space_list.html", listing=listing, space=listing.space)


@bp.route("/spaces/<int:space_id>/agreements/new", methods=["GET", "POST"])
@login_required
def new_agreement(space_id: int) -> ResponseReturnValue:
    space, framework_versions = pages.new_agreement_choices(db.session, current_user, space_id)
    form = NewAgreementForm()
    form.set_framework_versions(framework_versions)
    if form.validate_on_submit():
        try:
            agreement = drafts.create_agreement(
                db.session,
                current_user,
                space_id=space.id,
                title=form.title.data,
                preamble=form.preamble.data or "",
                framework_version_id=form.chosen_framework_version(),
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(
                _(
                    "The agreement “%(title)s” has been created. Now write its sections.",
                    title=agreement.title,
                ),
                "success",
            )
            return redirect(document_url("draft", agreement))
    return render_template("agreements/new.html", form=form, space=space), 422 if form.errors else 200


# --- a document's page -------------------------------------------------------------------------------


def _document_page(
    collection: str,
    document_id: int,
    *,
    status: int = 200,
    failed_transition: str | None = None,
    failed_form: TransitionForm | None = None,
    problems: list[str] | None = None,
) -> ResponseReturnValue:
    page = pages.document_page(db.session, current_user, document_id, kind=_kind(collection))
    forms: dict[str, TransitionForm] = {}
    if page.actions["change_status"]:
        forms = {t.value: TransitionForm(formdata=None, prefix=t.value) for t in page.transitions}
    if failed_transition and failed_form is not None:
        forms[failed_transition] = failed_form
    context = {
        "page": page,
        "document": page.document,
        "transition_forms": forms,
        "failed_transition": failed_transition,
        "problems": problems or [],
    }
    return render_template("agreements/show.html", **context), status


@bp.get(DOCUMENT)
@cached_page
def show(collection: str, document_id: int) -> ResponseReturnValue:
    return _document_page(collection, document_id)


@bp.post("/agreements/<int:document_id>/status")
@login_required
def change_status(document_id: int) -> ResponseReturnValue:
    pages.require_kind(
        db.session, current_user, document_id, DocumentPermission.CHANGE_STATUS, kind="agreement"
    )
    transition = request.form.get("transition", "")
    if transition not in labels.TRANSITION_LABELS:
        return _document_page("agreements", document_id, status=422, problems=[refusal_messages()["unknown"]])
    form = TransitionForm(prefix=transition)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            document = lifecycle.change_status(
                db.session,
                current_user,
                document_id,
                transition,
                note=form.note.data or "",
                consultation_starts_on=form.consultation_starts_on.data,
                consultation_ends_on=form.consultation_ends_on.data,
                consultation_audience=form.consultation_audience.data,
                in_force_from=form.in_force_from.data,
            )
        except InvalidInput as error:
            problems = show_service_errors(form, error)
        else:
            flash(
                _("Done. The status is now: %(status)s.", status=labels.STATUS_LABELS[document.status]),
                "success",
            )
            return redirect(document_url("show", document))
    return _document_page(
        "agreements",
        document_id,
        status=422,
        failed_transition=transition,
        failed_form=form,
        problems=problems,
    )


@bp.post("/agreements/<int:document_id>/framework")
@login_required
def adopt_framework(document_id: int) -> ResponseReturnValue:
    framework_version_id = whole_number(request.form.get("framework_version_id"))
    if framework_version_id is None:
        abort(400)
    try:
        document = lifecycle.adopt_framework_version(
            db.session, current_user, document_id, framework_version_id
        )
    except InvalidInput as error:
        problems = [message_for(name, code) for name, codes in error.field_errors.items() for code in codes]
        return _document_page("agreements", document_id, status=422, problems=problems)
    flash(_("The agreement now follows the newer version of the framework."), "success")
    return redirect(document_url("show", document))


# --- versions and comparisons ----------------------------------------------------------------------


@bp.get(DOCUMENT + "/versions/<int:number>")
@cached_page
def version(collection: str, document_id: int, number: int) -> ResponseReturnValue:
    document, frozen, framework_version = pages.version_page(
        db.session, current_user, document_id, number, kind=_kind(collection)
    )
    return render_template(
        "agreements/version.html", document=document, version=frozen, framework_version=framework_version
    )


@bp.get(DOCUMENT + "/compare")
@cached_page
def compare(collection: str, document_id: int) -> ResponseReturnValue:
    kind = _kind(collection)
    document, numbers = pages.version_numbers(db.session, current_user, document_id, kind=kind)
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    view = "side" if request.args.get("view") == "side" else "inline"
    context: dict[str, Any] = {"document": document, "numbers": numbers, "view": view, "comparison": None}
    context.update(chosen_from=raw_from or "", chosen_to=raw_to or "", problem=None)
    if raw_from is None and raw_to is None:
        return render_template("agreements/compare.html", **context)
    old, new = whole_number(raw_from), whole_number(raw_to)
    if old is None or new is None:
        context["problem"] = _("Choose two versions to compare.")
        return render_template("agreements/compare.html", **context), 400
    if old == new:
        context["problem"] = refusal_messages()["same_version"]
        return render_template("agreements/compare.html", **context), 400
    missing = [n for n in (old, new) if n not in numbers]
    if missing:
        context["problem"] = _(
            "There is no version %(number)d of this text. Choose versions from the list.", number=missing[0]
        )
        return render_template("agreements/compare.html", **context), 404
    context["comparison"] = pages.compare(db.session, current_user, document_id, old, new, kind=kind)
    return render_template("agreements/compare.html", **context)


@bp.get("/agreements/<int:document_id>/versions/<int:number>/framework-diff")
@cached_page
def framework_diff(document_id: int, number: int) -> ResponseReturnValue:
    comparison = versions.compare_with_framework(db.session, current_user, document_id, number)
    view = "side" if request.args.get("view") == "side" else "inline"
    return render_template(
        "agreements/compare.html",
        document=comparison.document,
        comparison=comparison,
        view=view,
        framework_diff=True,
        numbers=[],
        problem=None,
    )


# --- the draft editor ----------------------------------------------------------------------------


@dataclass
class FieldMerge:
    """One text field of a conflicting save: their text, yours, and the merge of both."""

    name: str
    theirs: str
    mine: str
    merge: MergeResult


@dataclass
class MergeView:
    fields: list[FieldMerge]
    theirs: SectionContent
    # Other fields where their saved values differ from yours (your values stay in the form).
    other_changes: list[str] = field(default_factory=list)


def _merge_view(form: EditSectionForm, conflict: DraftConflict) -> MergeView:
    mine, theirs = form.content(), conflict.current
    merges: list[FieldMerge] = []
    for name in TEXT_FIELDS:
        mine_text, their_text = getattr(mine, name), getattr(theirs, name)
        if mine_text == their_text:
            continue
        merge = conflict.merges[name]
        merges.append(FieldMerge(name, their_text, mine_text, merge))
        # A clean merge holds both changes; with conflicts the result starts from your text.
        form[name].data = merge.text() if merge.is_clean else mine_text
    others = [
        name
        for name in ("kind", "indicators", "budget_lines", "review_date")
        if getattr(mine, name) != getattr(theirs, name)
    ]
    # The next save is based on what is stored now.
    form.set_base(conflict.current_revision, theirs)
    return MergeView(merges, theirs, others)


def _editor(
    collection: str,
    document_id: int,
    *,
    status: int = 200,
    section_forms: dict[str, EditSectionForm] | None = None,
    merges: dict[str, MergeView] | None = None,
    notices: dict[str, str] | None = None,
    add_form: AddSectionForm | None = None,
    heading_form: HeadingForm | None = None,
    heading_conflict: bool = False,
    publish_form: PublishForm | None = None,
    parties_form: PartiesForm | None = None,
    problems: list[str] | None = None,
    jump_to: str | None = None,
    only_section: str | None = None,
) -> ResponseReturnValue:
    page = pages.draft_page(db.session, current_user, document_id, kind=_kind(collection))
    document = page.document
    may_edit = page.actions["edit_draft"]
    forms: dict[str, EditSectionForm] = {}
    if may_edit:
        forms = {s.key: EditSectionForm.for_section(s) for s in page.sections}
        forms.update(section_forms or {})
    if add_form is None:
        add_form = AddSectionForm(formdata=None, prefix="new", after=request.args.get("after", ""))
        add_form.add_blank_rows()
    add_form.set_positions(page.sections)
    if heading_form is None:
        heading_form = HeadingForm(formdata=None, prefix="heading", obj=document)
        heading_form.base_revision.data = str(document.draft_revision)
    if parties_form is None:
        parties_form = PartiesForm.for_parties(page.parties)
    parties_form.set_organisations(page.organisations)
    context = {
        "page": page,
        "document": document,
        "may_edit": may_edit,
        "section_forms": forms,
        "merges": merges or {},
        "notices": notices or {},
        "add_form": add_form,
        "heading_form": heading_form,
        "heading_conflict": heading_conflict,
        "publish_form": publish_form or PublishForm(formdata=None, prefix="publish"),
        "parties_form": parties_form,
        "problems": problems or [],
        # The id of the part of the page whose form has the problem, linked from the summary at the top.
        "jump_to": jump_to,
    }
    if only_section is not None and is_htmx_request():
        section = next((s for s in page.sections if s.key == only_section), None)
        if section is not None:
            html = render_template(
                "agreements/_section.html", section=section, index=page.sections.index(section), **context
            )
            return html, status, {"Vary": "HX-Request"}
    response = render_template("agreements/draft.html", **context)
    if is_htmx_request():
        # An htmx request whose section is gone: show the whole page instead of one fragment.
        return response, status, {"Vary": "HX-Request", "HX-Retarget": "body", "HX-Reswap": "innerHTML"}
    return response, status, {"Vary": "HX-Request"}


@bp.get(DOCUMENT + "/draft")
@login_required
def draft(collection: str, document_id: int) -> ResponseReturnValue:
    return _editor(collection, document_id)


def _back_to_editor(document: Document, key: str | None = None) -> ResponseReturnValue:
    anchor = f"section-{key}" if key else None
    return redirect(document_url("draft", document, _anchor=anchor))


@bp.post(DOCUMENT + "/draft/heading")
@login_required
def update_heading(collection: str, document_id: int) -> ResponseReturnValue:
    kind = _kind(collection)
    document = pages.require_kind(
        db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind
    )
    form = HeadingForm(prefix="heading")
    revision = whole_number(form.base_revision.data)
    if revision is None:
        abort(400)
    if form.validate_on_submit():
        try:
            drafts.update_heading(
                db.session,
                current_user,
                document_id,
                title=form.title.data,
                preamble=form.preamble.data or "",
                base_revision=revision,
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict:
            # Keep what this person typed; the next save is based on what is stored now.
            db.session.refresh(document)
            form.base_revision.data = str(document.draft_revision)
            return _editor(
                collection,
                document_id,
                status=409,
                heading_form=form,
                heading_conflict=True,
                jump_to="heading",
            )
        else:
            flash(_("The title and preamble have been saved."), "success")
            return _back_to_editor(document)
    return _editor(collection, document_id, status=422, heading_form=form, jump_to="heading")


@bp.post(DOCUMENT + "/draft/sections")
@login_required
def add_section(collection: str, document_id: int) -> ResponseReturnValue:
    kind = _kind(collection)
    document = pages.require_kind(
        db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind
    )
    form = AddSectionForm(prefix="new")
    if form.validate_on_submit():
        try:
            section = drafts.add_section(
                db.session, current_user, document_id, form.content(), after_key=form.after_key()
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        except NotFound:
            form.after.errors = [_("That section no longer exists. Choose another place.")]
        else:
            flash(_("The section “%(title)s” has been added.", title=section.title), "success")
            return _back_to_editor(document, section.key)
    return _editor(collection, document_id, status=422, add_form=form, jump_to="new-section")


@bp.post(DOCUMENT + "/draft/sections/<key>")
@login_required
def update_section(collection: str, document_id: int, key: str) -> ResponseReturnValue:
    kind = _kind(collection)
    document = pages.require_kind(
        db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind
    )
    form = EditSectionForm(prefix=section_prefix(key))
    revision = form.revision()
    if revision is None:
        abort(400)
    status = 422
    merges: dict[str, MergeView] = {}
    if form.validate_on_submit():
        try:
            drafts.update_section(
                db.session,
                current_user,
                document_id,
                key,
                base_revision=revision,
                base=form.base_content(),
                mine=form.content(),
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        except DraftConflict as conflict:
            status = 409
            merges[key] = _merge_view(form, conflict)
        except NotFound:
            return _section_gone(collection, document_id, form)
        else:
            notice = _("The section has been saved.")
            if is_htmx_request():
                return _editor(collection, document_id, notices={key: notice}, only_section=key)
            flash(notice, "success")
            return _back_to_editor(document, key)
    return _editor(
        collection,
        document_id,
        status=status,
        section_forms={key: form},
        merges=merges,
        jump_to=f"section-{key}",
        only_section=key,
    )


def _section_gone(collection: str, document_id: int, form: EditSectionForm) -> ResponseReturnValue:
    """Someone removed the section while this person edited it: offer their text as a new section."""
    add_form = AddSectionForm(formdata=None, prefix="new", data=section_data(form.content()))
    add_form.add_blank_rows()
    problem = _(
        "Someone removed this section while you were editing it. Your text is in the form "
        "“Add a section” below, so you can add it again."
    )
    return _editor(
        collection, document_id, status=409, add_form=add_form, problems=[problem], jump_to="new-section"
    )


@bp.route(DOCUMENT + "/draft/sections/<key>/remove", methods=["GET", "POST"])
@login_required
def remove_section(collection: str, document_id: int, key: str) -> ResponseReturnValue:
    kind = _kind(collection)
    section = pages.draft_section(db.session, current_user, document_id, key, kind=kind)
    document = section.document
    status = 200
    changed = False
    if request.method == "POST":
        revision = whole_number(request.form.get("base_revision"))
        if revision is None:
            abort(400)
        try:
            drafts.remove_section(db.session, current_user, document_id, key, base_revision=revision)
        except Conflict:
            status, changed = 409, True
            section = pages.draft_section(db.session, current_user, document_id, key, kind=kind)
        else:
            flash(_("The section “%(title)s” has been removed.", title=section.title), "success")
            return _back_to_editor(document)
    return render_template(
        "agreements/remove_section.html", document=document, section=section, changed=changed
    ), status


@bp.post(DOCUMENT + "/draft/sections/<key>/move")
@login_required
def move_section(collection: str, document_id: int, key: str) -> ResponseReturnValue:
    kind = _kind(collection)
    document = pages.require_kind(
        db.session, current_user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind
    )
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        abort(400)
    drafts.move_section(db.session, current_user, document_id, key, direction=direction)
    flash(_("The section has been moved."), "success")
    return _back_to_editor(document, key)


@bp.post("/agreements/<int:document_id>/draft/parties")
@login_required
def set_parties(document_id: int) -> ResponseReturnValue:
    document, organisations = pages.party_choices(db.session, current_user, document_id)
    form = PartiesForm(prefix="parties")
    form.set_organisations(organisations)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            drafts.set_parties(db.session, current_user, document_id, form.chosen())
        except InvalidInput as error:
            problems = show_service_errors(form, error)
        else:
            flash(_("The parties to the agreement have been saved."), "success")
            return _back_to_editor(document)
    return _editor(
        "agreements", document_id, status=422, parties_form=form, problems=problems, jump_to="parties"
    )


@bp.post(DOCUMENT + "/draft/publish")
@login_required
def publish(collection: str, document_id: int) -> ResponseReturnValue:
    kind = _kind(collection)
    pages.require_kind(db.session, current_user, document_id, DocumentPermission.PUBLISH_VERSION, kind=kind)
    form = PublishForm(prefix="publish")
    problems: list[str] = []
    status = 422
    if form.validate_on_submit():
        try:
            published = versions.publish_version(
                db.session, current_user, document_id, change_summary=form.change_summary.data
            )
        except InvalidInput as error:
            problems = show_service_errors(form, error)
        except Conflict:
            status = 409
            problems = [_("Someone else published a version at the same moment. Please publish again.")]
        else:
            flash(_("Version %(number)d has been published.", number=published.number), "success")
            return redirect(
                url_for(
                    "documents.version",
                    collection=collection,
                    document_id=document_id,
                    number=published.number,
                )
            )
    return _editor(
        collection, document_id, status=status, publish_form=form, problems=problems, jump_to="publish"
    )

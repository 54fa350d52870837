"""Pages of comments, statements and support. Every action is a plain form POST with
post/redirect/get; htmx swaps the thread (``participation/_comments.html``) or a support button
(``participation/_support.html``) instead.

Other pages show a thread with one line through the template global ``comment_thread``:
``{% with thread=comment_thread(document.id, amendment_id=amendment.id) %}{% include
"participation/_comments.html" %}{% endwith %}``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from core.errors import Conflict, InvalidInput, NotFound
from core.extensions import db
from core.markdown import render_markdown
from core.web import is_htmx_request, render_page_or_fragment, safe_next_url
from participation.forms import CommentForm, EditCommentForm, ReportForm, StatementForm
from participation.permissions import ParticipationNotAllowed
from participation.permissions import ParticipationPermission as P
from participation.services import comments, statements, support, threads
from participation.services.comments import Target
from participation.services.threads import Thread

bp = Blueprint("participation", __name__)

AGREEMENT = "/agreements/<int:document_id>"


# --- messages ---------------------------------------------------------------------------------------


def error_messages() -> dict[str, str]:
    return {
        "required": _("This field is required"),
        "too_long": _("This is too long"),
        "invalid_characters": _(
            "The text contains characters that cannot be stored. Remove them and try again."
        ),
        "no_pseudonym": _("You have not chosen a pseudonym yet. Choose one in your account settings first."),
        "changed_meanwhile": _(
            "You changed this comment in another window meanwhile. "
            "Your text is below; check it and save again."
        ),
        "already_reported": _("You have reported this comment already. The moderators will look at it."),
        "invalid": _("Choose one of the options"),
    }


def refusal_sentence(thread_or_reason: Thread | str, document: Any = None) -> str:
    """Why the viewer cannot comment, as a plain sentence."""
    if isinstance(thread_or_reason, Thread):
        reason, document = thread_or_reason.refusal, thread_or_reason.document
    else:
        reason = thread_or_reason
    if reason == "consultation_ended" and document is not None and document.consultation_ends_on:
        return _(
            "The consultation ended on %(date)s. Commenting is closed.",
            date=format_date(document.consultation_ends_on, "long"),
        )
    return {
        "sign_in": _("Sign in to comment."),
        "consultation_ended": _("The consultation has ended. Commenting is closed."),
        "closed": _("Commenting is closed: the agreement is no longer being negotiated."),
        "members_only": _("At this stage only members of the social space can comment."),
        "blocked": _(
            "The moderators of this social space have blocked you from commenting. "
            "You can still read and support comments."
        ),
    }.get(reason, _("You cannot comment here."))


def show_service_errors(form: FlaskForm, error: InvalidInput) -> None:
    messages = error_messages()
    for name, codes in error.field_errors.items():
        target = form._fields.get(name) or form._fields.get("body")
        if target is not None:
            target.errors = [*target.errors, *(messages.get(code, code) for code in codes)]


@bp.errorhandler(ParticipationNotAllowed)
def _not_allowed(error: ParticipationNotAllowed) -> ResponseReturnValue:
    """Refusals on these pages say why, in a plain sentence (anonymous visitors are asked to sign in)."""
    from core.errorpages import error_page

    if not current_user.is_authenticated:
        return error_page(401)
    sentences = {
        "not_allowed": _("You cannot do this with this comment."),
    }
    return error_page(403, sentences.get(error.reason) or refusal_sentence(error.reason))


@bp.app_template_global()
def comment_thread(
    document_id: int,
    *,
    version_number: int | None = None,
    section_key: str | None = None,
    amendment_id: int | None = None,
    page: int = 1,
    excerpt: bool = False,
) -> Thread:
    """A thread for templates of other pages (see the module's docstring); ``excerpt``: only the
    newest threads, with a link to all."""
    return threads.thread(
        db.session,
        current_user,
        document_id,
        version_number=version_number,
        section_key=section_key,
        amendment_id=amendment_id,
        page=page,
        per_page=threads.PANEL_THREADS if excerpt else None,
    )


@bp.app_template_global()
def section_comment_counts(version: Any) -> dict[str, int]:
    """Comments per section of a version, read once per request and version."""
    # Kept on the request (not on g, which outlives requests while an app context is held).
    cache = getattr(request, "participation_section_counts", None)
    if cache is None:
        cache = request.participation_section_counts = {}
    if version.id not in cache:
        cache[version.id] = threads.section_counts(db.session, version.id)
    return cache[version.id]


@bp.app_template_filter("support_by_party")
def support_by_party(supports: dict[str | None, int]) -> list[tuple[str, int]]:
    """Supporters per party as (label, count), largest first; people without a party last."""
    from governance.labels import PARTY_LABELS

    rows = [
        (str(PARTY_LABELS.get(party, party)) if party else _("without a party"), count, party is None)
        for party, count in supports.items()
    ]
    return [(label, count) for label, count, _last in sorted(rows, key=lambda row: (row[2], -row[1], row[0]))]


@functools.lru_cache(maxsize=4096)
def _cached_markdown(text: str) -> Markup:
    return render_markdown(text)


@bp.app_template_filter("comment_markdown")
def comment_markdown(text: str) -> Markup:
    """Comments are rendered again and again and rarely change: keep the sanitised HTML by text
    (short texts only, so the cache stays a few megabytes)."""
    text = text or ""
    return _cached_markdown(text) if len(text) <= 4_000 else render_markdown(text)


@bp.app_template_global()
def participation_labels() -> dict[str, str]:
    """The words every comment repeats, translated once per request (a thread shows hundreds)."""
    labels = getattr(request, "participation_labels", None)
    if labels is None:
        labels = request.participation_labels = {
            "edited": _("edited"),
            "earlier_texts": _("see the earlier texts"),
            "reply": _("Reply"),
            "to_this_comment": _("to this comment"),
            "edit": _("Edit"),
            "delete": _("Delete"),
            "your_comment": _("your comment"),
            "report": _("Report"),
            "report_to_moderators": _("this comment to the moderators"),
            "support": _("Support"),
        }
    return labels


@bp.app_template_global()
def participation_refusal(thread: Thread) -> str:
    return refusal_sentence(thread)


@bp.app_template_global()
def new_comment_form(thread: Thread) -> CommentForm:
    form = CommentForm(formdata=None)
    # After an htmx post the fresh form keeps the page it belongs to.
    posted = request.form.get("next") if request.method == "POST" else None
    form.next.data = safe_next_url(posted, request.path)
    return form


# --- threads ----------------------------------------------------------------------------------------


def _number(raw: str | None, digits: int = 9) -> int | None:
    """A whole number written with ASCII digits, else None (``isdigit`` also accepts "²")."""
    return int(raw) if raw and re.fullmatch(f"[0-9]{{1,{digits}}}", raw) else None


def _page_number() -> int:
    return _number(request.args.get("page"), 5) or 1


def _thread_response(
    thread: Thread, form: CommentForm | None = None, *, status: int = 200, notice: str | None = None
) -> ResponseReturnValue:
    return render_page_or_fragment(
        "participation/thread.html",
        "participation/_comments.html",
        status=status,
        thread=thread,
        document=thread.document,
        form=form,
        notice=notice,
    )


def _thread_url(thread: Thread) -> str:
    return url_for(thread.endpoint, **thread.url_values)


def _handle_thread(document_id: int, **target: Any) -> ResponseReturnValue:
    # Posted with htmx from the agreement page: the swapped thread shows as few threads as it did.
    from_panel = not target and request.form.get("next") == url_for(
        "documents.show", collection="agreements", document_id=document_id
    )
    per_page = threads.PANEL_THREADS if from_panel and is_htmx_request() else None
    thread = threads.thread(
        db.session, current_user, document_id, page=_page_number(), per_page=per_page, **target
    )
    if request.method == "GET":
        return _thread_response(thread)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=_thread_url(thread)))
    form = CommentForm()
    if not thread.may_comment:
        return _thread_response(thread, form, status=403, notice=refusal_sentence(thread))
    if form.validate_on_submit():
        try:
            comment = comments.post_comment(
                db.session,
                current_user,
                document_id,
                form.body.data,
                target=Target(
                    version_number=target.get("version_number"),
                    section_key=target.get("section_key"),
                    amendment_id=target.get("amendment_id"),
                ),
                as_pseudonym=bool(form.as_pseudonym.data),
            )
        except ParticipationNotAllowed as refused:
            return _thread_response(
                thread, form, status=403, notice=refusal_sentence(refused.reason, thread.document)
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            notice = _("Your comment has been published.")
            if is_htmx_request():
                fresh = threads.thread(db.session, current_user, document_id, per_page=per_page, **target)
                return _thread_response(fresh, notice=notice)
            flash(notice, "success")
            back = safe_next_url(form.next.data, _thread_url(thread))
            return redirect(f"{back}#comment-{comment.id}")
    return _thread_response(thread, form, status=422)


@bp.route(AGREEMENT + "/comments", methods=["GET", "POST"])
def thread(document_id: int) -> ResponseReturnValue:
    return _handle_thread(document_id)


@bp.route(AGREEMENT + "/versions/<int:number>/sections/<key>/comments", methods=["GET", "POST"])
def section_thread(document_id: int, number: int, key: str) -> ResponseReturnValue:
    if len(key) > 40:
        raise NotFound("section not found")
    return _handle_thread(document_id, version_number=number, section_key=key)


@bp.route(AGREEMENT + "/amendments/<int:amendment_id>/comments", methods=["GET", "POST"])
def amendment_thread(document_id: int, amendment_id: int) -> ResponseReturnValue:
    return _handle_thread(document_id, amendment_id=amendment_id)


# --- one comment ------------------------------------------------------------------------------------


def _comment_url(comment: Any) -> str:
    """The thread a comment belongs to, at the comment."""
    document_id = comment.document_id
    if comment.amendment_id is not None:
        url = url_for(
            "participation.amendment_thread", document_id=document_id, amendment_id=comment.amendment_id
        )
    elif comment.version_id is not None:
        from agreements.models import DocumentVersion

        version = db.session.get(DocumentVersion, comment.version_id)
        assert version is not None
        url = url_for(
            "participation.section_thread",
            document_id=document_id,
            number=version.number,
            key=comment.section_key,
        )
    else:
        url = url_for("participation.thread", document_id=document_id)
    return f"{url}#comment-{comment.id}"


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@login_required
def reply(comment_id: int) -> ResponseReturnValue:
    parent, part = comments.comment_for(db.session, current_user, comment_id, P.REPLY)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = comments.post_comment(
                db.session,
                current_user,
                part.document.id,
                form.body.data,
                parent_id=parent.id,
                as_pseudonym=bool(form.as_pseudonym.data),
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(_("Your reply has been published."), "success")
            return redirect(_comment_url(comment))
    status = 422 if form.errors else 200
    return render_template(
        "participation/reply.html", parent=parent, document=part.document, form=form
    ), status


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int) -> ResponseReturnValue:
    comment, part = comments.comment_for(db.session, current_user, comment_id, P.EDIT_OWN)
    form = EditCommentForm(data={"body": comment.body, "revision": comment.revision})
    problem = None
    if form.validate_on_submit():
        try:
            comments.edit_comment(
                db.session, current_user, comment.id, form.body.data, base_revision=form.revision.data
            )
        except (InvalidInput, Conflict) as error:
            show_service_errors(form, error)  # type: ignore[arg-type]
            if isinstance(error, Conflict):
                form.revision.data = comment.revision
        else:
            flash(
                _("Your comment has been changed. Its earlier text stays visible in its history."), "success"
            )
            return redirect(_comment_url(comment))
    status = 422 if form.errors else 200
    return render_template(
        "participation/edit.html", comment=comment, document=part.document, form=form, problem=problem
    ), status


@bp.get("/comments/<int:comment_id>/history")
def history(comment_id: int) -> ResponseReturnValue:
    comment, revisions = comments.history(db.session, current_user, comment_id)
    return render_template(
        "participation/history.html",
        comment=comment,
        revisions=revisions,
        document=comment.document,
        back_url=_comment_url(comment),
    )


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(comment_id: int) -> ResponseReturnValue:
    comment, part = comments.comment_for(db.session, current_user, comment_id, P.DELETE_OWN)
    form = FlaskForm()
    if form.validate_on_submit():
        comments.delete_comment(db.session, current_user, comment.id)
        flash(_("Your comment has been deleted. Replies to it stay in place."), "success")
        return redirect(_comment_url(comment))
    return render_template(
        "participation/delete.html",
        comment=comment,
        document=part.document,
        form=form,
        back_url=_comment_url(comment),
    )


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
def report(comment_id: int) -> ResponseReturnValue:
    comment, part = comments.comment_for(db.session, current_user, comment_id, P.REPORT)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            comments.report_comment(db.session, current_user, comment.id, form.reason.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(_("Thank you. The moderators of the social space will look at the comment."), "success")
            return redirect(_comment_url(comment))
    status = 422 if form.errors else 200
    return render_template(
        "participation/report.html",
        comment=comment,
        document=part.document,
        form=form,
        back_url=_comment_url(comment),
    ), status


# --- support ----------------------------------------------------------------------------------------


def _support_response(target_type: str, target_id: int, document_id: int, notice: str) -> ResponseReturnValue:
    if is_htmx_request():
        counts = support.counts_by_party(db.session, target_type, [target_id]).get(target_id, {})
        supported = target_id in support.supported_by(db.session, current_user, target_type, [target_id])
        return render_template(
            "participation/_support.html",
            target_type=target_type,
            target_id=target_id,
            supports=counts,
            supported=supported,
            may_support=True,
            notice=notice,
            return_to=safe_next_url((request.form.get("next") or "").split("#")[0], request.path),
        )
    flash(notice, "success")
    default = url_for("participation.thread", document_id=document_id)
    return redirect(safe_next_url(request.form.get("next"), default))


def _toggle(target_type: str, target_id: int) -> ResponseReturnValue:
    given = support.toggle_support(db.session, current_user, target_type, target_id)
    document_id = support.document_of(db.session, target_type, target_id)
    notice = _("You support this now.") if given else _("You have withdrawn your support.")
    return _support_response(target_type, target_id, document_id, notice)


@bp.post("/comments/<int:comment_id>/support")
@login_required
def support_comment(comment_id: int) -> ResponseReturnValue:
    return _toggle("comment", comment_id)


@bp.post("/amendments/<int:amendment_id>/support")
@login_required
def support_amendment(amendment_id: int) -> ResponseReturnValue:
    return _toggle("amendment", amendment_id)


@bp.app_template_global()
def support_for(target_type: str, target_id: int) -> dict[str, Any]:
    """One comment's or amendment's supports per party, whether the viewer supports it and may
    change that: what participation/_support.html needs (see participation/_amendment_support.html)."""
    return support.support_for(db.session, current_user, target_type, target_id)


@bp.app_template_global()
def support_state(target_type: str, target_ids: list[int]) -> dict[str, Any]:
    """Supports per party and the viewer's own, for other pages (e.g. a list of amendments):
    ``{% set supports = support_state("amendment", ids) %}`` then include participation/_support.html
    with target_type, target_id, supports=supports.counts.get(id, {}), supported=id in supports.mine,
    may_support=current_user.is_authenticated."""
    return {
        "counts": support.counts_by_party(db.session, target_type, target_ids),
        "mine": support.supported_by(db.session, current_user, target_type, target_ids),
    }


# --- statements ------------------------------------------------------------------------------------


@bp.route(AGREEMENT + "/statements/new", methods=["GET", "POST"])
@login_required
def new_statement(document_id: int) -> ResponseReturnValue:
    amendment_id = _number(request.values.get("amendment_id") or request.args.get("amendment"))
    thread = threads.thread(db.session, current_user, document_id, amendment_id=amendment_id)
    organisations = thread.statement_organisations
    if not organisations:
        return render_template(
            "participation/statement.html",
            thread=thread,
            document=thread.document,
            form=None,
            problem=_(
                "Only an organisation's representative can publish a statement for it, "
                "while the agreement is open for comments."
            ),
        ), 403
    form = StatementForm()
    form.organisation_id.choices = [(organisation.id, organisation.name) for organisation in organisations]
    if form.validate_on_submit():
        try:
            statement = statements.publish_statement(
                db.session,
                current_user,
                document_id,
                form.organisation_id.data,
                form.body.data,
                amendment_id=amendment_id,
            )
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(
                _(
                    "The statement of %(organisation)s has been published.",
                    organisation=statement.organisation.name,
                ),
                "success",
            )
            url = url_for(thread.endpoint, **thread.url_values)
            return redirect(f"{url}#statement-{statement.id}")
    form.amendment_id.data = str(amendment_id) if amendment_id else ""
    status = 422 if form.errors else 200
    return render_template(
        "participation/statement.html", thread=thread, document=thread.document, form=form, problem=None
    ), status

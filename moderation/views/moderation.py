"""The moderation queue of a space (and of all spaces for administrators), its actions, and the
public moderation log. Every action is a plain form POST with post/redirect/get; with htmx the
queue fragment is swapped in place."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from core.errors import Conflict, InvalidInput
from core.extensions import db
from core.pagecache import cached_page
from core.web import is_htmx_request, render_page_or_fragment, safe_next_url
from moderation.forms import BlockForm, DismissForm, HideForm, LiftForm, RestoreForm
from moderation.services import moderation

bp = Blueprint("moderation", __name__)


def _messages() -> dict[str, str]:
    return {
        "required": _("Give a reason: it is shown publicly"),
        "too_long": _("The reason must be %(max)d characters or fewer", max=moderation.MAX_REASON),
        "unknown": _("This account does not exist"),
        "self": _("You cannot block yourself"),
    }


def _conflict_message(error: Conflict) -> str:
    return {
        "comment already hidden": _("This comment is already hidden."),
        "comment is not hidden": _("This comment is not hidden."),
        "no open reports": _("There are no open reports about this comment."),
        "already blocked": _("This member is already blocked from commenting in this social space."),
        "block already lifted": _("This block has already been lifted."),
    }.get(error.message, _("This has changed in the meantime."))


def _forms_for(queue: moderation.Queue, failed: dict[str, FlaskForm] | None = None) -> dict[str, FlaskForm]:
    forms: dict[str, FlaskForm] = {}
    for item in queue.items:
        cid = item.comment.id
        forms[f"hide-{cid}"] = HideForm(formdata=None, prefix=f"hide-{cid}")
        forms[f"dismiss-{cid}"] = DismissForm(formdata=None, prefix=f"dismiss-{cid}")
        forms[f"block-{cid}"] = BlockForm(formdata=None, prefix=f"block-{cid}")
    for comment in queue.hidden:
        forms[f"restore-{comment.id}"] = RestoreForm(formdata=None, prefix=f"restore-{comment.id}")
        forms.setdefault(f"block-{comment.id}", BlockForm(formdata=None, prefix=f"block-{comment.id}"))
    for block in queue.blocks:
        forms[f"lift-{block.id}"] = LiftForm(formdata=None, prefix=f"lift-{block.id}")
    forms.update(failed or {})
    return forms


def _queue_page(
    space_id: int | None,
    *,
    status: int = 200,
    failed: dict[str, FlaskForm] | None = None,
    message: str | None = None,
):
    queue = moderation.queue(db.session, current_user, space_id)
    here = (
        url_for("moderation.space_queue", space_id=space_id) if space_id else url_for("moderation.all_queues")
    )
    return render_page_or_fragment(
        "moderation/queue.html",
        "moderation/_queue.html",
        status=status,
        queue=queue,
        forms=_forms_for(queue, failed),
        here=here,
        message=message,
        has_errors=any(form.errors for form in (failed or {}).values()),
    )


@bp.get("/spaces/<int:space_id>/moderation")
@login_required
def space_queue(space_id: int) -> ResponseReturnValue:
    return _queue_page(space_id)


@bp.get("/moderation")
@login_required
def all_queues() -> ResponseReturnValue:
    return _queue_page(None)


def _queue_space(next_url: str) -> int | None:
    """Which queue to show again: the space queue the form came from, or all spaces."""
    prefix = "/spaces/"
    if next_url.startswith(prefix) and next_url.endswith("/moderation"):
        number = next_url[len(prefix) : -len("/moderation")]
        if number.isdigit():
            return int(number)
    return None


def _done(form: FlaskForm, message: str) -> ResponseReturnValue:
    next_url = safe_next_url(form.next.data, url_for("moderation.all_queues"))  # type: ignore[attr-defined]
    if is_htmx_request():
        return _queue_page(_queue_space(next_url), message=message)
    flash(message, "success")
    return redirect(next_url)


def _refused(form: FlaskForm, key: str, error: InvalidInput | Conflict) -> ResponseReturnValue:
    next_url = safe_next_url(form.next.data, url_for("moderation.all_queues"))  # type: ignore[attr-defined]
    if isinstance(error, Conflict):
        if is_htmx_request():
            return _queue_page(_queue_space(next_url), status=409, message=_conflict_message(error))
        flash(_conflict_message(error), "info")
        return redirect(next_url)
    messages = _messages()
    for name, codes in error.field_errors.items():
        field = form._fields.get(name) or form._fields.get("reason")
        if field is not None:
            field.errors = [*field.errors, *(messages.get(code, code) for code in codes)]
    return _queue_page(_queue_space(next_url), status=422, failed={key: form})


def _invalid(form: FlaskForm, key: str) -> ResponseReturnValue:
    next_url = safe_next_url(form.next.data, url_for("moderation.all_queues"))  # type: ignore[attr-defined]
    return _queue_page(_queue_space(next_url), status=422, failed={key: form})


@bp.post("/moderation/comments/<int:comment_id>/hide")
@login_required
def hide(comment_id: int) -> ResponseReturnValue:
    form = HideForm(prefix=f"hide-{comment_id}")
    if not form.validate_on_submit():
        moderation.ensure_may_moderate(db.session, current_user, comment_id)
        return _invalid(form, f"hide-{comment_id}")
    try:
        moderation.hide_comment(db.session, current_user, comment_id, reason=form.reason.data)
    except (InvalidInput, Conflict) as error:
        return _refused(form, f"hide-{comment_id}", error)
    return _done(form, _("The comment is hidden. The public moderation log shows your reason."))


@bp.post("/moderation/comments/<int:comment_id>/restore")
@login_required
def restore(comment_id: int) -> ResponseReturnValue:
    form = RestoreForm(prefix=f"restore-{comment_id}")
    if not form.validate_on_submit():
        moderation.ensure_may_moderate(db.session, current_user, comment_id)
        return _invalid(form, f"restore-{comment_id}")
    try:
        moderation.restore_comment(db.session, current_user, comment_id, reason=form.reason.data or "")
    except (InvalidInput, Conflict) as error:
        return _refused(form, f"restore-{comment_id}", error)
    return _done(form, _("The comment is shown again."))


@bp.post("/moderation/comments/<int:comment_id>/dismiss")
@login_required
def dismiss(comment_id: int) -> ResponseReturnValue:
    form = DismissForm(prefix=f"dismiss-{comment_id}")
    try:
        moderation.dismiss_reports(db.session, current_user, comment_id)
    except Conflict as error:
        return _refused(form, f"dismiss-{comment_id}", error)
    return _done(form, _("The reports are dismissed; the comment stays visible."))


def _whole_number(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@bp.post("/spaces/<int:space_id>/commenting-blocks")
@login_required
def block(space_id: int) -> ResponseReturnValue:
    comment_key = request.form.get("comment_id", "")
    key = f"block-{comment_key}" if comment_key.isdigit() else "block"
    form = BlockForm(prefix=key)
    user_id = _whole_number(form.user_id.data)
    if not form.validate_on_submit() or user_id is None:
        moderation.ensure_may_moderate_space(db.session, current_user, space_id)
        if user_id is None:
            form.reason.errors = [*form.reason.errors, _("This account does not exist")]
        return _invalid(form, key)
    try:
        moderation.block_commenter(
            db.session, current_user, space_id, user_id=user_id, reason=form.reason.data,
            document_id=_whole_number(form.document_id.data),
        )  # fmt: skip
    except (InvalidInput, Conflict) as error:
        return _refused(form, key, error)
    return _done(form, _("The member can no longer comment in this social space."))


@bp.post("/spaces/<int:space_id>/commenting-blocks/<int:block_id>/lift")
@login_required
def lift(space_id: int, block_id: int) -> ResponseReturnValue:
    form = LiftForm(prefix=f"lift-{block_id}")
    try:
        moderation.lift_block(db.session, current_user, space_id, block_id)
    except Conflict as error:
        return _refused(form, f"lift-{block_id}", error)
    return _done(form, _("The block is lifted: the member can comment again."))


@bp.get("/spaces/<int:space_id>/moderation-log")
@cached_page
def log(space_id: int) -> ResponseReturnValue:
    space, entries = moderation.moderation_log(db.session, current_user, space_id)
    return render_template("moderation/log.html", space=space, entries=entries)

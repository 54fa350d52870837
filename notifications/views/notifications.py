"""The notification centre, follow buttons, notification settings and unsubscribe links.

Plain form POSTs with post/redirect/get; htmx swaps the fragments (_follow.html, _item.html,
_list.html) and updates the unread count in the header out of band.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import InvalidInput, PermissionDenied
from core.extensions import csrf, db
from core.web import is_htmx_request, render_page_or_fragment, safe_next_url
from notifications.domain import Kind, TargetType
from notifications.forms import settings_form
from notifications.services import centre, follows, preferences
from notifications.texts import KIND_LABELS, describe

bp = Blueprint("notifications", __name__)

# The service answers 404 for any other kind of target.
TARGETS = "<target_type>/<int:target_id>"


@bp.app_template_global()
def unread_notification_count() -> int:
    """For the header: one cheap query per signed-in page, none for anonymous visitors."""
    if not current_user.is_authenticated:
        return 0
    return unread_count_of(current_user.id)


def unread_count_of(user_id: int) -> int:
    # Kept on the request (g outlives requests while an app context is held).
    count = getattr(request, "raumrat_unread_notifications", None)
    if count is None:
        count = request.raumrat_unread_notifications = centre.unread_count(db.session, user_id)
    return count


@bp.app_template_global()
def is_following(target_type: str, target_id: int) -> bool:
    return follows.is_following(db.session, current_user, target_type, target_id)


@bp.app_template_global()
def describe_notification(notification: Any) -> str:
    return describe(notification.kind, notification.params or {})


# --- the centre ----------------------------------------------------------------------------------


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    page = centre.page_of(db.session, current_user, _page_number())
    return render_page_or_fragment("notifications/index.html", "notifications/_list.html", centre_page=page)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    notification = centre.mark_read(db.session, current_user, notification_id)
    if is_htmx_request():
        return render_template("notifications/_item.html", notification=notification, oob_count=True)
    follow_link = request.form.get("open") == "1"
    if follow_link:
        return redirect(safe_next_url(notification.link, url_for("notifications.index")))
    flash(_("Marked as read."), "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("notifications.index")))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read() -> ResponseReturnValue:
    changed = centre.mark_all_read(db.session, current_user)
    message = (
        _("All notifications are marked as read.") if changed else _("There were no unread notifications.")
    )
    if is_htmx_request():
        page = centre.page_of(db.session, current_user, _page_number())
        return render_template("notifications/_list.html", centre_page=page, message=message, oob_count=True)
    flash(message, "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("notifications.index")))


# --- following -----------------------------------------------------------------------------------


def _follow_answer(target_type: str, target_id: int, message: str) -> ResponseReturnValue:
    if is_htmx_request():
        return render_template(
            "notifications/_follow.html", target_type=target_type, target_id=target_id, follow_message=message
        )
    flash(message, "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("notifications.index")))


@bp.post(f"/follows/{TARGETS}")
@login_required
def follow(target_type: str, target_id: int) -> ResponseReturnValue:
    follows.follow(db.session, current_user, target_type, target_id)
    return _follow_answer(target_type, target_id, _follow_message(target_type, following=True))


@bp.post(f"/follows/{TARGETS}/delete")
@login_required
def unfollow(target_type: str, target_id: int) -> ResponseReturnValue:
    follows.unfollow(db.session, current_user, target_type, target_id)
    return _follow_answer(target_type, target_id, _follow_message(target_type, following=False))


def _follow_message(target_type: str, *, following: bool) -> str:
    if following:
        return {
            TargetType.SPACE: _("You follow this social space. You find news in your notifications."),
            TargetType.AGREEMENT: _("You follow this agreement. You find news in your notifications."),
        }.get(TargetType(target_type), _("You follow this amendment. You find news in your notifications."))
    return _("You no longer follow this.")


# --- settings ------------------------------------------------------------------------------------


def _settings_page(form: Any, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "notifications/settings.html", form=form, kinds=list(Kind), has_errors=bool(form.errors)
    ), status


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    if g.get("api_token_id") is not None:
        raise PermissionDenied("settings need a browser session")
    current = preferences.channels(db.session, current_user.id)
    if request.method == "GET":
        return _settings_page(settings_form(current))
    form = settings_form(current, formdata=request.form)
    if not form.validate_on_submit():
        return _settings_page(form, 422)
    wanted = {kind.value: form[f"kind_{kind.value}"].data for kind in Kind}
    try:
        preferences.set_channels(db.session, current_user, wanted)
    except InvalidInput:
        return _settings_page(form, 422)
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("notifications.settings"))


# --- unsubscribe (no sign-in: the signed link entitles) ---------------------------------------------


@bp.get("/notifications/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    _user, kind = preferences.read_token(db.session, token, secret_key=current_app.config["SECRET_KEY"])
    return render_template(
        "notifications/unsubscribe.html", token=token, kind_label=KIND_LABELS[kind], done=False
    )


@bp.post("/notifications/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: mail programs post the one-click unsubscribe without a form token
def unsubscribe_confirmed(token: str) -> ResponseReturnValue:
    if current_app.config["WTF_CSRF_ENABLED"] and (
        "csrf_token" in request.form or "X-CSRFToken" in request.headers
    ):
        csrf.protect()  # a form token, when one is sent, must be right
    _user, kind = preferences.unsubscribe(db.session, token, secret_key=current_app.config["SECRET_KEY"])
    return render_template(
        "notifications/unsubscribe.html", token=token, kind_label=KIND_LABELS[kind], done=True
    )

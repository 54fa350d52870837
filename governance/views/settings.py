"""The personal settings page: names, e-mail, password, language, access tokens, own data, deletion.

Every section is its own small form posting to its own address. A form with errors re-shows the
whole page with that form filled in (status 422); the others start fresh.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from core.errors import InvalidInput, PermissionDenied
from core.extensions import db
from core.timeutil import utcnow
from governance.account_forms import (
    DeleteAccountForm,
    EmailForm,
    LanguageForm,
    NamesForm,
    PasswordForm,
    TokenForm,
)
from governance.models import User
from governance.services import accounts, personal_data, tokens

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
def browser_sessions_only() -> None:
    # A token is for scripts: it must not mint more tokens, export data or change the account.
    if current_user.is_authenticated and g.get("api_token_id") is not None:
        raise PermissionDenied("settings need a browser session")


def _me() -> User:
    # Services change the user and Flask-Login needs the object itself, not the proxy.
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _messages() -> dict[str, str]:
    """What a service's error codes mean to the person filling in the form."""
    return {
        "required_display_name": _("Enter your name"),
        "too_long_display_name": _("The name must be 120 characters or fewer"),
        "too_long_email": _("The e-mail address must be 320 characters or fewer"),
        "required_name": _("Enter a name for the token"),
        "too_long_name": _("The name must be 100 characters or fewer"),
        "taken_pseudonym": _("This pseudonym is already taken. Choose another one."),
        "reserved": _("This pseudonym is reserved for deleted accounts. Choose another one."),
        "length": _("The pseudonym must be between 3 and 60 characters long"),
        "taken_email": _("There is already an account with this e-mail address"),
        "unchanged": _("This is already your e-mail address"),
        "invalid": _("Enter an e-mail address in the right format, like name@example.org"),
        "wrong": _("The password is not right"),
        "too_short": _("The password must be at least 10 characters long"),
        "unknown": _("Choose a language from the list"),
        "too_many": _("You have reached the highest number of tokens. Revoke one you no longer use."),
    }


def _show_errors(form: FlaskForm, error: InvalidInput, fields: dict[str, str]) -> None:
    """Attach a service's field error codes to the form fields they belong to."""
    messages = _messages()
    for service_field, codes in error.field_errors.items():
        field = form[fields.get(service_field, service_field)]
        for code in codes:
            message = messages.get(f"{code}_{service_field}") or messages.get(code) or _("Please check this")
            field.errors = [*field.errors, message]


def _page(status: int = 200, **submitted: FlaskForm) -> ResponseReturnValue:
    """The settings page; ``submitted`` holds the one form that was sent back with errors."""
    user = _me()
    forms: dict[str, Any] = {
        "names_form": NamesForm(
            formdata=None, data={"display_name": user.display_name, "pseudonym": user.pseudonym or ""}
        ),
        "email_form": EmailForm(formdata=None),
        "password_form": PasswordForm(formdata=None),
        "language_form": LanguageForm(formdata=None, data={"locale": user.locale}),
        "token_form": TokenForm(formdata=None),
    }
    forms.update(submitted)
    has_errors = any(form.errors for form in submitted.values())
    return (
        render_template(
            "settings/index.html",
            tokens=tokens.list_tokens(db.session, user),
            has_errors=has_errors,
            format_date=format_date,
            **forms,
        ),
        status,
    )


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/names")
@login_required
def change_names() -> ResponseReturnValue:
    form = NamesForm()
    if form.validate_on_submit():
        try:
            accounts.change_names(
                db.session, _me(), display_name=form.display_name.data, pseudonym=form.pseudonym.data
            )
        except InvalidInput as error:
            _show_errors(form, error, {})
        else:
            flash(_("Your name and pseudonym are saved."), "success")
            return redirect(url_for("settings.index"))
    return _page(422, names_form=form)


@bp.post("/email")
@login_required
def change_email() -> ResponseReturnValue:
    form = EmailForm()
    if form.validate_on_submit():
        try:
            accounts.change_email(
                db.session, _me(), new_email=form.new_email.data, current_password=form.email_password.data
            )
        except InvalidInput as error:
            _show_errors(form, error, {"email": "new_email", "current_password": "email_password"})
        else:
            flash(_("Your e-mail address is changed. Use the new address to sign in."), "success")
            return redirect(url_for("settings.index"))
    return _page(422, email_form=form)


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    form = PasswordForm()
    if form.validate_on_submit():
        user = _me()
        try:
            accounts.change_password(
                db.session,
                user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except InvalidInput as error:
            _show_errors(form, error, {})
        else:
            # The new session version signed out every session, this one included: sign in again.
            remembered = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
            login_user(user, remember=bool(remembered))
            flash(_("Your new password is saved. You were signed out on your other devices."), "success")
            return redirect(url_for("settings.index"))
    return _page(422, password_form=form)


@bp.post("/language")
@login_required
def change_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        try:
            accounts.set_locale(db.session, _me(), locale=form.locale.data)
        except InvalidInput as error:
            _show_errors(form, error, {})
        else:
            session["lang"] = form.locale.data
            # This request still speaks the old language; the message should speak the new one.
            with force_locale(form.locale.data):
                flash(_("Your language is saved."), "success")
            return redirect(url_for("settings.index"))
    return _page(422, language_form=form)


@bp.post("/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(db.session, _me(), name=form.token_name.data)
        except InvalidInput as error:
            _show_errors(form, error, {"name": "token_name"})
        else:
            # Shown in this answer only: never stored, never put in the session or a redirect.
            html = render_template("settings/token_created.html", token=token, secret=secret)
            return html, 200, {"Cache-Control": "no-store"}
    return _page(422, token_form=form)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    tokens.revoke_token(db.session, _me(), token_id)
    flash(_("The token is revoked. Scripts that use it no longer work."), "success")
    return redirect(url_for("settings.index"))


@bp.get("/data.json")
@login_required
def download_data() -> ResponseReturnValue:
    data = personal_data.export_personal_data(db.session, _me())
    filename = f"raumrat-data-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(db.session, _me(), password=form.password.data)
        except InvalidInput as error:
            _show_errors(form, error, {})
        else:
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("pages.home"))
    status = 422 if form.errors else 200
    return render_template("settings/delete.html", form=form), status

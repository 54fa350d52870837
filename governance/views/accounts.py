"""Register, sign in, sign out, and set a new password after forgetting it."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.errors import InvalidInput
from core.extensions import db, limiter
from core.web import safe_next_url
from governance.account_forms import ForgotPasswordForm, ResetPasswordForm
from governance.forms import LoginForm, RegistrationForm
from governance.services import accounts

bp = Blueprint("accounts", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(
                db.session,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                pseudonym=form.pseudonym.data,
                # The language the page was shown in, whether chosen by link or by the browser.
                locale=str(get_locale() or "de"),
            )
        except InvalidInput as error:
            if "email" in error.field_errors:
                form.email.errors.append(
                    _("There is already an account with this e-mail address. Sign in or reset your password.")
                )
            if error.field_errors.get("pseudonym") == ["taken"]:
                form.pseudonym.errors.append(_("This pseudonym is already taken. Choose another one."))
            elif "pseudonym" in error.field_errors:
                form.pseudonym.errors.append(
                    _("This pseudonym is reserved for deleted accounts. Choose another one.")
                )
        else:
            login_user(user)
            flash(_("Welcome to Raumrat. Your account has been created."), "success")
            return redirect(safe_next_url(request.args.get("next"), url_for("pages.home")))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next"), url_for("pages.home")))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, email=form.email.data, password=form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale
            flash(_("You are signed in."), "success")
            return redirect(safe_next_url(request.args.get("next"), url_for("pages.home")))
        failed = True
    status = 422 if (failed or form.errors) else 200
    return render_template("accounts/login.html", form=form, failed=failed), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("pages.home"))


def _reset_email_key() -> str:
    # A second limit per address stops anyone from flooding one mailbox from many machines.
    return "reset:" + accounts.normalise_email(request.form.get("email", ""))[:320]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_reset_email_key)
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            db.session,
            email=form.email.data,
            secret_key=current_app.config["SECRET_KEY"],
            max_age=current_app.config["PASSWORD_RESET_SECONDS"],
            reset_url=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        # The same answer whether or not the address has an account.
        return redirect(url_for("accounts.reset_link_sent"))
    status = 422 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.get("/forgot-password/sent")
def reset_link_sent() -> ResponseReturnValue:
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    return render_template("accounts/reset_link_sent.html", minutes=minutes)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    secret_key = current_app.config["SECRET_KEY"]
    max_age = current_app.config["PASSWORD_RESET_SECONDS"]
    try:
        accounts.user_for_reset_token(db.session, token=token, secret_key=secret_key, max_age=max_age)
    except accounts.ResetLinkInvalid as error:
        return _reset_link_problem(error)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(
                db.session,
                token=token,
                new_password=form.password.data,
                secret_key=secret_key,
                max_age=max_age,
            )
        except accounts.ResetLinkInvalid as error:
            return _reset_link_problem(error)
        logout_user()
        login_user(user)
        session["lang"] = user.locale
        flash(_("Your new password is saved. You are signed in."), "success")
        return redirect(url_for("pages.home"))
    status = 422 if form.errors else 200
    response = make_response(render_template("accounts/reset_password.html", form=form), status)
    # The address holds a secret: keep it out of caches and out of other sites' referrer logs.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _reset_link_problem(error: accounts.ResetLinkInvalid) -> ResponseReturnValue:
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    messages = {
        "expired": _("This link has expired. A link to reset your password works for %(minutes)d minutes.",
                     minutes=minutes),
        "used": _("This link has already been used, or your password was changed after it was sent."),
        "invalid": _("This link is not complete or not right. Please copy the whole link from the e-mail."),
    }  # fmt: skip
    page = render_template("accounts/reset_link_problem.html", message=messages[error.reason])
    return page, error.status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

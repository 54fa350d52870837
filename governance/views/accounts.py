"""Register, sign in, sign out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.errors import InvalidInput
from core.extensions import db, limiter
from core.web import safe_next_url
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
                locale=session.get("lang", "de"),
            )
        except InvalidInput as error:
            if "email" in error.field_errors:
                form.email.errors.append(
                    _("There is already an account with this e-mail address. Sign in or reset your password.")
                )
            if "pseudonym" in error.field_errors:
                form.pseudonym.errors.append(_("This pseudonym is already taken. Choose another one."))
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


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    return render_template("errors/error.html", status=501, title="todo", detail="todo")

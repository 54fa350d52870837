"""Administration of Land-wide frameworks: the list, a new framework, and its requirements.

A framework's own page, its draft editor and its versions are the documents blueprint's
(/frameworks/<id>, /frameworks/<id>/draft, /frameworks/<id>/versions/<n>).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from agreements.framework_forms import NewFrameworkForm, RequirementsForm
from agreements.services import drafts, frameworks
from core.errors import InvalidInput
from core.extensions import db
from core.pagecache import cached_page

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")


@bp.get("")
@cached_page
def index() -> ResponseReturnValue:
    return render_template(
        "frameworks/index.html",
        frameworks=frameworks.list_frameworks(db.session, current_user),
        may_create=frameworks.may_create(db.session, current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    frameworks.require_may_create(db.session, current_user)
    form = NewFrameworkForm()
    if form.validate_on_submit():
        try:
            framework = drafts.create_framework(
                db.session, current_user, title=form.title.data, preamble=form.preamble.data or ""
            )
        except InvalidInput:
            form.title.errors = [*form.title.errors, _("Enter a title of at most 300 characters")]
        else:
            message = _(
                "The framework “%(title)s” has been created. Now write its sections.", title=framework.title
            )
            flash(message, "success")
            return redirect(url_for("documents.draft", collection="frameworks", document_id=framework.id))
    return render_template("frameworks/new.html", form=form), 422 if form.errors else 200


@bp.route("/<int:framework_id>/requirements", methods=["GET", "POST"])
def requirements(framework_id: int) -> ResponseReturnValue:
    page = frameworks.requirements_page(db.session, current_user, framework_id)
    form = RequirementsForm() if request.method == "POST" else RequirementsForm.of(page.draft)
    if form.validate_on_submit():
        drafts.set_requirements(db.session, current_user, framework_id, form.requirements())
        flash(_("The requirements have been saved. The next published version will state them."), "success")
        return redirect(url_for("frameworks.requirements", framework_id=framework_id))
    return render_template("frameworks/requirements.html", page=page, form=form), 422 if form.errors else 200

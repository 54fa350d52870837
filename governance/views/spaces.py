"""The directory of social spaces, a space's page, and defining a group of units."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import InvalidInput
from core.extensions import db
from core.pagecache import cached_fragment, cached_page
from core.web import render_page_or_fragment
from governance.forms import SpaceGroupForm
from governance.parties import Party, UnitLevel
from governance.services import spaces

bp = Blueprint("spaces", __name__, url_prefix="/spaces")


def filter_messages() -> dict[str, str]:
    return {
        "too_long": _("The search text must be %(max)d characters or fewer", max=spaces.MAX_QUERY_LENGTH),
        "unknown_level": _("Choose a level from the list"),
        "not_a_number": _("The parent space is not valid"),
    }


@bp.get("")
@cached_page
def directory() -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    try:
        space_filter = spaces.validate_filter(
            request.args.get("q"), request.args.get("level"), request.args.get("parent")
        )
    except InvalidInput as error:
        messages = filter_messages()
        errors = {name: [messages[code] for code in codes] for name, codes in error.field_errors.items()}
        space_filter = spaces.SpaceFilter()
    searching = bool(space_filter.query or space_filter.level or space_filter.parent_id is not None)
    context = {
        "query": request.args.get("q", ""),
        "level": request.args.get("level", ""),
        "errors": errors,
        "searching": searching,
        "levels": list(UnitLevel),
    }
    if searching:
        context["results"] = spaces.search_spaces(db.session, space_filter)
    else:

        def render_tree() -> str:
            tree, groups = spaces.space_tree(db.session)
            return render_template("spaces/_tree.html", tree=tree, groups=groups)

        context["tree_html"] = cached_fragment(("spaces-tree", str(get_locale())), render_tree)
    return render_page_or_fragment(
        "spaces/directory.html", "spaces/_results.html", status=400 if errors else 200, **context
    )


@bp.get("/<int:space_id>")
@cached_page
def show(space_id: int) -> ResponseReturnValue:
    page = spaces.space_page(db.session, current_user, space_id, include_member_names=False)
    members_html = None
    if page.may_see_names:

        def render_members() -> str:
            with_names = spaces.space_page(db.session, current_user, space_id)
            return render_template("spaces/_members.html", page=with_names, parties=list(Party))

        # The names are the same for every signed-in reader: render them once per data version.
        members_html = cached_fragment(("space-members", space_id, str(get_locale())), render_members)
    return render_template("spaces/show.html", page=page, parties=list(Party), members_html=members_html)


@bp.get("/<int:space_id>/members")
def members(space_id: int) -> ResponseReturnValue:
    party = request.args.get("party") or None
    page_number = request.args.get("page", "1")
    # isdecimal, not isdigit: int() refuses '²', and more than 4300 digits.
    if not (page_number.isdecimal() and len(page_number) <= 9):
        abort(404)
    listing = spaces.member_list(db.session, current_user, space_id, party=party, page=int(page_number))
    return render_template("spaces/members.html", listing=listing, parties=list(Party))


def _storable_id(value: str) -> bool:
    # isdecimal, not isdigit: int() refuses '²'; larger numbers overflow the database's integers.
    return value.isdecimal() and len(value) <= 10 and int(value) <= spaces.MAX_ID


@bp.route("/new-group", methods=["GET", "POST"])
@login_required
def new_group() -> ResponseReturnValue:
    form = SpaceGroupForm()
    units = spaces.units_for_group_form(db.session, current_user)
    chosen = [int(value) for value in request.form.getlist("units") if _storable_id(value)]
    unit_error = None
    if form.validate_on_submit():
        try:
            group = spaces.create_group(
                db.session,
                current_user,
                name=form.name.data,
                description=form.description.data or "",
                unit_ids=chosen,
            )
        except InvalidInput as error:
            if error.field_errors.get("name") == ["taken"]:
                form.name.errors.append(_("A social space with this name already exists"))
            if "units" in error.field_errors:
                unit_error = _("Choose at least two territorial units")
        else:
            flash(_("The social space %(name)s has been created.", name=group.name), "success")
            return redirect(url_for("spaces.show", space_id=group.id))
    elif request.method == "POST" and len(chosen) < 2:
        unit_error = _("Choose at least two territorial units")
    has_errors = bool(form.errors or unit_error)
    return (
        render_template(
            "spaces/new_group.html", form=form, units=units, chosen=set(chosen), unit_error=unit_error
        ),
        422 if has_errors else 200,
    )

"""The public portal (texts in force, by social space, with full-text search) and Atom feeds."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from agreements.labels import STATUS_LABELS
from agreements.services import feeds, search
from agreements.services.feeds import AtomEntry, AtomFeed, FeedItem
from core.errors import InvalidInput
from core.extensions import db
from core.pagecache import cached_page
from core.web import render_page_or_fragment
from governance.parties import Party

bp = Blueprint("portal", __name__)

ATOM_TYPE = "application/atom+xml"


def filter_messages() -> dict[str, str]:
    return {
        "too_long": _("The search text must be %(max)d characters or fewer", max=search.MAX_QUERY_LENGTH),
        "unknown_space": _("Choose a social space from the list"),
        "unknown_status": _("Choose a status from the list"),
        "unknown_party": _("Choose a party from the list"),
        "unknown_kind": _("Choose a kind of text from the list"),
    }


def status_filter_labels() -> dict[str, str]:
    return {
        "in_force": _("In force"),
        "under_review": _("In force, under review"),
        "consultation": _("Open for consultation"),
    }


@bp.get("/portal")
@cached_page
def index() -> ResponseReturnValue:
    args = request.args
    errors: dict[str, list[str]] = {}
    try:
        portal_filter = search.validate_filter(
            db.session,
            query=args.get("q"),
            space=args.get("space"),
            status=args.get("status"),
            party=args.get("party"),
            kind=args.get("kind"),
        )
    except InvalidInput as error:
        messages = filter_messages()
        errors = {name: [messages[code] for code in codes] for name, codes in error.field_errors.items()}
        portal_filter = search.PortalFilter()
    return render_page_or_fragment(
        "portal/index.html",
        "portal/_results.html",
        status=400 if errors else 200,
        results=search.portal(db.session, portal_filter),
        portal_filter=portal_filter,
        values={name: args.get(name, "") for name in ("q", "space", "status", "party", "kind")},
        errors=errors,
        spaces=search.spaces_with_public_agreements(db.session),
        status_filters=status_filter_labels(),
        parties=list(Party),
    )


# --- Atom feeds ----------------------------------------------------------------------------------


def _document_link(item: FeedItem) -> str:
    collection = f"{item.document.kind}s"
    if item.version is not None:
        return url_for(
            "documents.version",
            collection=collection,
            document_id=item.document.id,
            number=item.version.number,
            _external=True,
        )
    return url_for("documents.show", collection=collection, document_id=item.document.id, _external=True)


def _entry(item: FeedItem) -> AtomEntry:
    document = item.document
    place = document.space.name if document.space else _("Land Bremen")
    link = _document_link(item)
    if item.version is not None:
        version = item.version
        summary = _(
            "Version %(number)d of “%(title)s” (%(place)s) was published.",
            number=version.number,
            title=version.title,
            place=place,
        )
        if version.change_summary:
            summary += " " + _("What changed: %(summary)s", summary=version.change_summary)
        return AtomEntry(
            id=link,
            title=_("%(title)s – version %(number)d", title=version.title, number=version.number),
            updated=version.created_at,
            link=link,
            summary=summary,
            author=version.author.public_name if version.author else "Raumrat",
        )
    change = item.change
    assert change is not None
    after = str(STATUS_LABELS.get(change.to_status, change.to_status))
    summary = _(
        "“%(title)s” (%(place)s) changed from “%(before)s” to “%(after)s”.",
        title=document.title,
        place=place,
        before=STATUS_LABELS.get(change.from_status, change.from_status),
        after=after,
    )
    if change.note:
        summary += " " + change.note
    return AtomEntry(
        id=f"{link}#status-change-{change.id}",
        title=_("%(title)s: %(status)s", title=document.title, status=after),
        updated=change.created_at,
        link=link,
        summary=summary,
        author=change.actor.public_name if change.actor else "Raumrat",
    )


def _atom(title: str, alternate: str, items: list[FeedItem]) -> Response:
    feed = AtomFeed(
        id=request.base_url,
        title=title,
        self_link=request.base_url,
        alternate_link=alternate,
        language=str(get_locale() or "de"),
        entries=[_entry(item) for item in items],
    )
    response = Response(feeds.render_atom(feed), mimetype=ATOM_TYPE)
    response.vary.add("Accept-Language")
    return response


@bp.get("/feeds/versions.atom")
@cached_page
def versions_feed() -> ResponseReturnValue:
    return _atom(
        _("Raumrat: new versions and status changes"),
        url_for("portal.index", _external=True),
        feeds.feed_items(db.session),
    )


@bp.get("/spaces/<int:space_id>/feed.atom")
@cached_page
def space_feed(space_id: int) -> ResponseReturnValue:
    space, items = feeds.space_feed_items(db.session, space_id)
    return _atom(
        _("Raumrat: agreements of %(space)s", space=space.name),
        url_for("spaces.show", space_id=space.id, _external=True),
        items,
    )

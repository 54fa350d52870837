"""Cache of whole pages, invalidated by any change anywhere.

Every state change writes an audit entry (see core.audit), so the newest audit entry id is a
version number for all data. A worker reads it at most every VERSION_TTL_SECONDS, and at once after
it committed an audit entry itself; so a change made through another worker reaches visitors within
that time, and one's own changes immediately. Entries also expire after PAGE_TTL_SECONDS, so text that
depends on the date (a consultation that ended at midnight) is never older than that.

Anonymous visitors share one copy of a page. A signed-in viewer gets their own copy, keyed by their
session's user id (which includes the account's session version: a password change, deactivation or
deletion is audited and changes it), their form token and language inputs; what else is personal on a
page (memberships, follows, the unread notification count) changes only with an audit entry too.
Pages with flashed messages are never cached, nor requests with credentials in headers.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core.audit import AUDIT_WRITTEN, AuditEntry
from core.extensions import db

MAX_ENTRIES = 512
PAGE_TTL_SECONDS = 60.0
# Session keys that say who the viewer is, but nothing that a cached page could lose (no flashes).
SIGNED_IN_SESSION_KEYS = {"lang", "_fresh", "_user_id", "_id", "csrf_token", "_remember", "_remember_seconds"}

_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[int, float, bytes, int, dict[str, str]]] = OrderedDict()


_NEWEST_ENTRY = select(func.max(AuditEntry.id))
VERSION_TTL_SECONDS = 0.5
# The version this worker read last, and when (time.monotonic()); None means "read again".
_last_read: list[Any] = [None, 0.0]


def data_version() -> int:
    """Id of the newest audit entry, as this worker knows it; the same for a whole request."""
    # Kept on the request (not on g, which outlives requests when an app context is held).
    version = getattr(request, "raumrat_data_version", None)
    if version is None:
        known, read_at = _last_read
        now = time.monotonic()
        if known is None or now - read_at > VERSION_TTL_SECONDS:
            known = db.session.scalar(_NEWEST_ENTRY) or 0
            _last_read[:] = [known, now]
        version = request.raumrat_data_version = known
    return version


@event.listens_for(Session, "after_commit")
def _read_version_again_after_own_changes(session: Session) -> None:
    if session.info.pop(AUDIT_WRITTEN, False):
        _last_read[0] = None


_fragments: dict[tuple, tuple[int, Markup]] = {}


def cached_fragment(key: tuple, render: Callable[[], str]) -> Markup:
    """A rendered fragment that is the same for every visitor (e.g. the hierarchy of all units),
    kept until the data changes."""
    version = data_version()
    hit = _fragments.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    html = Markup(render())
    with _lock:
        if len(_fragments) > MAX_ENTRIES:
            _fragments.clear()
        _fragments[key] = (version, html)
    return html


def _cacheable_request() -> bool:
    return (
        request.method == "GET"
        and not request.authorization
        and _session_holds_only_language()
        and not current_user.is_authenticated
    )


def _session_holds_only_language() -> bool:
    # Flashed messages and form tokens live in the session: such pages are personal. Flask-Login's
    # session protection marks any non-empty session "_fresh: False"; that says nothing personal.
    return set(session.keys()) <= {"lang", "_fresh"}


def _signed_in_viewer() -> int | None:
    """The signed-in viewer's user id when their page may come from the cache, else None."""
    if request.method != "GET" or request.authorization or "_user_id" not in session:
        return None
    if not set(session.keys()) <= SIGNED_IN_SESSION_KEYS:
        return None
    try:
        return int(str(session["_user_id"]).split(":", 1)[0])
    except ValueError:
        return None


def _language_inputs() -> tuple[str, str]:
    return str(session.get("lang", "")), str(request.accept_languages.best_match(("de", "en")) or "")


def _viewer_key() -> tuple[str, str]:
    return str(session.get("_user_id")), str(session.get("csrf_token", ""))


def clear() -> None:
    with _lock:
        _pages.clear()
        _fragments.clear()
        _last_read[0] = None


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Cache the view's page for anonymous visitors (one copy) and signed-in viewers (one copy each)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        viewer = _signed_in_viewer()
        if viewer is None and not _cacheable_request():
            return view(*args, **kwargs)
        page = (
            request.path,
            request.query_string,
            # A viewer's language follows from the session, their account (part of the data version) and
            # the browser: keying on those spares loading the account just to learn it.
            _language_inputs() if viewer is not None else str(get_locale()),
            request.headers.get("HX-Request", ""),
        )
        version = data_version()
        # The key is read before the view (to find a copy) and again after it, because the first page
        # of a session creates its form token.
        key = (*page, _viewer_key()) if viewer is not None else page
        now = time.monotonic()
        with _lock:
            hit = _pages.get(key)
            if hit is not None and hit[0] == version and now - hit[1] < PAGE_TTL_SECONDS:
                _pages.move_to_end(key)
                _, _, body, status, headers = hit
                return Response(body, status=status, headers=headers)
        response = view(*args, **kwargs)
        response = response if isinstance(response, Response) else _to_response(response)
        if response.status_code not in (200, 404) or response.direct_passthrough:
            return response
        if viewer is not None:
            if _signed_in_viewer() != viewer:
                return response  # the page flashed a message or the viewer changed
            key = (*page, _viewer_key())
        elif not _session_holds_only_language():
            return response
        body = response.get_data()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        with _lock:
            _pages[key] = (version, now, body, response.status_code, headers)
            _pages.move_to_end(key)
            while len(_pages) > MAX_ENTRIES:
                _pages.popitem(last=False)
        return response

    return wrapper


def _to_response(value: Any) -> Response:
    from flask import make_response

    return make_response(value)

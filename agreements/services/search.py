"""Full-text search over published versions, and the public portal's list of texts in force.

The index (table ``version_search``, see migration 0003) holds one row per published version: its
title and its text as plain words. SQLite uses FTS5 (umlauts and accents folded, no stemming, so
every word is also matched as a prefix); PostgreSQL uses a German ``tsvector`` (stemming), queried
with ``websearch_to_tsquery``. Only the newest version of each public document is searched.

Highlighting: the database marks matches with two private-use characters; the text around them is
HTML-escaped and only then are the marks turned into ``<mark>``, so no user text becomes markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import nh3
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from agreements.domain.workflow import Status
from agreements.models import Document, DocumentParty, DocumentVersion
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed
from core.errors import InvalidInput
from core.markdown import render_markdown
from core.timeutil import utcnow
from governance.models import Space
from governance.parties import Party
from governance.permissions import ANONYMOUS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_HITS = 50
# Largest integer key on every supported database (SQLite refuses to compare larger numbers).
MAX_ID = 2**31 - 1
MARK_START = "\ue000"
MARK_END = "\ue001"
_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"\w+")

# Filter values of the portal (query string) -> what they select.
STATUS_FILTERS = {
    "in_force": (Status.ADOPTED,),
    "under_review": (Status.UNDER_REVIEW,),
    "consultation": (Status.CONSULTATION,),
}
KIND_FILTERS = ("framework", "agreement")
IN_FORCE = (Status.ADOPTED, Status.UNDER_REVIEW)


# --- building the index --------------------------------------------------------------------------


def plain_text(markdown: str) -> str:
    """The words a reader sees in a Markdown text, without markup."""
    rendered = nh3.clean(str(render_markdown(markdown or "")), tags=set())
    return _MARKS.sub("", re.sub(r"[ \t]+", " ", html.unescape(rendered))).strip()


def version_text(title: str, preamble: str, sections: Iterable[dict[str, Any]]) -> tuple[str, str]:
    """(title, content) to index: preamble, then each section's title, text, plain-language text,
    indicators and budget lines."""
    parts = [plain_text(preamble)]
    for section in sections:
        parts.append(_MARKS.sub("", section.get("title") or ""))
        parts.append(plain_text(section.get("body") or ""))
        parts.append(plain_text(section.get("plain_language") or ""))
        for indicator in section.get("indicators") or []:
            parts.append(" ".join(str(value) for value in indicator.values() if value))
        for line in section.get("budget_lines") or []:
            parts.append(" ".join(str(line.get(name, "")) for name in ("label", "funded_by")))
    content = "\n\n".join(part for part in parts if part.strip())
    return _MARKS.sub("", title or ""), _MARKS.sub("", content)


def insert_statement(dialect: str) -> TextClause:
    if dialect == "sqlite":
        return text("INSERT INTO version_search (rowid, title, content) VALUES (:id, :title, :content)")
    return text("INSERT INTO version_search (version_id, title, content) VALUES (:id, :title, :content)")


def index_version(session: Session, version: DocumentVersion) -> None:
    """Add a just-published version to the index (in the caller's transaction)."""
    title, content = version_text(
        version.title,
        version.preamble,
        (
            {
                "title": s.title,
                "body": s.body,
                "plain_language": s.plain_language,
                "indicators": s.indicators,
                "budget_lines": s.budget_lines,
            }
            for s in version.sections
        ),
    )
    session.execute(
        insert_statement(session.get_bind().dialect.name),
        {"id": version.id, "title": title, "content": content},
    )


# --- what the public may read --------------------------------------------------------------------


def public_condition(today: date) -> ColumnElement[bool]:
    """Documents shown in the portal: frameworks, agreements in force, and open consultations.
    (All of them are readable without signing in; see agreements.permissions.)"""
    open_consultation = and_(
        Document.status == Status.CONSULTATION,
        or_(Document.consultation_starts_on.is_(None), Document.consultation_starts_on <= today),
        or_(Document.consultation_ends_on.is_(None), Document.consultation_ends_on >= today),
    )
    return or_(
        Document.kind == "framework",
        and_(Document.kind == "agreement", or_(Document.status.in_(IN_FORCE), open_consultation)),
    )


def publicly_visible(document: Document) -> bool:
    """The permission rules agree that anyone may read this published document."""
    context = DocumentContext(kind=document.kind, status=Status(document.status), has_published_version=True)
    return is_allowed(ANONYMOUS, DocumentPermission.VIEW_PUBLISHED, context)


def latest_numbers() -> Any:
    return (
        select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number"))
        .group_by(DocumentVersion.document_id)
        .subquery("latest")
    )


# --- the portal's filter -------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalFilter:
    query: str = ""
    space_id: int | None = None
    status: str = ""
    party: str = ""
    kind: str = ""

    @property
    def active(self) -> bool:
        return bool(self.query or self.space_id or self.status or self.party or self.kind)


def clean_query(value: str | None) -> str:
    return " ".join(_CONTROL.sub(" ", value or "").split())


def validate_filter(
    session: Session,
    *,
    query: str | None = None,
    space: str | None = None,
    status: str | None = None,
    party: str | None = None,
    kind: str | None = None,
) -> PortalFilter:
    """Check the portal's query-string values; error codes per field in InvalidInput."""
    errors: dict[str, list[str]] = {}
    cleaned = clean_query(query)
    if len(query or "") > MAX_QUERY_LENGTH:
        errors["q"] = ["too_long"]
    space_id = None
    if space:
        # isdecimal, not isdigit: int() refuses '²'; more than 10 digits is no id (and int() may refuse it).
        storable = space.isdecimal() and len(space) <= 10 and 0 < int(space) <= MAX_ID
        if not storable or session.get(Space, int(space)) is None:
            errors["space"] = ["unknown_space"]
        else:
            space_id = int(space)
    if status and status not in STATUS_FILTERS:
        errors["status"] = ["unknown_status"]
    if party and party not in {p.value for p in Party}:
        errors["party"] = ["unknown_party"]
    if kind and kind not in KIND_FILTERS:
        errors["kind"] = ["unknown_kind"]
    if errors:
        raise InvalidInput("invalid search", field_errors=errors)
    return PortalFilter(cleaned, space_id, status or "", party or "", kind or "")


def _apply_filter(statement: Select, portal_filter: PortalFilter) -> Select:
    if portal_filter.kind:
        statement = statement.where(Document.kind == portal_filter.kind)
    if portal_filter.space_id:
        statement = statement.where(Document.space_id == portal_filter.space_id)
    if portal_filter.status:
        statement = statement.where(
            Document.kind == "agreement", Document.status.in_(STATUS_FILTERS[portal_filter.status])
        )
    if portal_filter.party:
        statement = statement.where(
            exists().where(
                DocumentParty.document_id == Document.id, DocumentParty.party == portal_filter.party
            )
        )
    return statement


# --- listing and searching -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A public document with its newest published version."""

    document: Document
    version: DocumentVersion


@dataclass(frozen=True)
class Hit:
    document: Document
    version: DocumentVersion
    title: Markup
    snippet: Markup


@dataclass
class SpaceGroup:
    space: Space | None  # None: Land-wide frameworks
    entries: list[Entry] = field(default_factory=list)


@dataclass
class PortalResults:
    groups: list[SpaceGroup]
    hits: list[Hit] | None  # None when nothing was searched for
    more_hits: bool = False
    no_search_terms: bool = False


def _public_entries_statement(portal_filter: PortalFilter, today: date) -> Select:
    latest = latest_numbers()
    statement = (
        select(Document, DocumentVersion)
        .join(latest, latest.c.document_id == Document.id)
        .join(
            DocumentVersion,
            and_(DocumentVersion.document_id == Document.id, DocumentVersion.number == latest.c.number),
        )
        .where(public_condition(today))
        .options(
            joinedload(Document.space),
            selectinload(Document.parties).joinedload(DocumentParty.organisation),
        )
    )
    return _apply_filter(statement, portal_filter)


def list_public(session: Session, portal_filter: PortalFilter, *, today: date | None = None) -> list[Entry]:
    statement = _public_entries_statement(portal_filter, today or utcnow().date()).order_by(
        Document.kind.desc(), Document.title, Document.id
    )
    rows = session.execute(statement).all()
    return [Entry(document, version) for document, version in rows if publicly_visible(document)]


def group_by_space(entries: Sequence[Entry]) -> list[SpaceGroup]:
    """Land-wide frameworks first, then the agreements of each space, spaces by name."""
    groups: dict[int | None, SpaceGroup] = {}
    for entry in entries:
        key = entry.document.space_id
        groups.setdefault(key, SpaceGroup(entry.document.space)).entries.append(entry)
    return sorted(groups.values(), key=lambda g: (g.space is not None, g.space.name if g.space else ""))


def fts5_query(query: str) -> str:
    """User words as an FTS5 query: every word quoted (so nothing is syntax), all required, each
    also as a prefix (FTS5 has no stemming: 'Ziel' finds 'Ziele')."""
    terms = _WORD.findall(query)[:MAX_TERMS]
    return " ".join(f'"{term}"*' if len(term) >= 3 else f'"{term}"' for term in terms)


def highlighted(marked: str | None) -> Markup:
    escaped = str(escape(marked or ""))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


# The index as SQL sees it (not a mapped model: its shape differs per database).
_INDEX = {
    "sqlite": table("version_search", column("rowid"), column("title"), column("content")),
    "postgresql": table(
        "version_search", column("version_id"), column("title"), column("content"), column("search_vector")
    ),
}


def _search_table(dialect: str) -> Any:
    return _INDEX["sqlite" if dialect == "sqlite" else "postgresql"]


def _search_parts(dialect: str, query: str) -> tuple[Any, ColumnElement[bool], Any, Any, Any]:
    """(join condition, match condition, ranking, highlighted title, snippet) for this database."""
    index = _search_table(dialect)
    if dialect == "sqlite":
        name = literal_column("version_search")
        return (
            index.c.rowid == DocumentVersion.id,
            text("version_search MATCH :fts").bindparams(fts=fts5_query(query)),
            func.bm25(name, 10.0, 1.0).asc(),
            func.highlight(name, 0, MARK_START, MARK_END),
            func.snippet(name, 1, MARK_START, MARK_END, " … ", 24),
        )
    config = literal_column("'german'::regconfig")
    tsquery = func.websearch_to_tsquery(config, query)
    options = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    return (
        index.c.version_id == DocumentVersion.id,
        index.c.search_vector.op("@@")(tsquery),
        func.ts_rank_cd(index.c.search_vector, tsquery).desc(),
        func.ts_headline(config, index.c.title, tsquery, f"HighlightAll=true, {options}"),
        func.ts_headline(config, index.c.content, tsquery, options),
    )


def has_search_terms(session: Session, query: str) -> bool:
    """SQLite searches words only; a query of mere punctuation finds nothing (and asks for words)."""
    if session.get_bind().dialect.name == "sqlite":
        return bool(fts5_query(query))
    return bool(query.strip())


def search(
    session: Session, portal_filter: PortalFilter, *, today: date | None = None, limit: int = MAX_HITS
) -> tuple[list[Hit], bool]:
    """The best matches among the newest versions of public documents, and whether there are more."""
    if not has_search_terms(session, portal_filter.query):
        return [], False
    dialect = session.get_bind().dialect.name
    joined_on, match, ranking, title, snippet = _search_parts(dialect, portal_filter.query)
    statement = (
        _public_entries_statement(portal_filter, today or utcnow().date())
        .join(_search_table(dialect), joined_on)
        .add_columns(title.label("title_marked"), snippet.label("snippet_marked"))
        .where(match)
        .order_by(ranking, Document.id)
        .limit(limit + 1)
    )
    rows = session.execute(statement).all()
    hits = [
        Hit(document, version, highlighted(title_marked), highlighted(snippet_marked))
        for document, version, title_marked, snippet_marked in rows[:limit]
        if publicly_visible(document)
    ]
    return hits, len(rows) > limit


def portal(session: Session, portal_filter: PortalFilter, *, today: date | None = None) -> PortalResults:
    """What the portal shows: texts in force by space, or search hits when words were given."""
    if portal_filter.query:
        hits, more = search(session, portal_filter, today=today)
        return PortalResults(
            groups=[],
            hits=hits,
            more_hits=more,
            no_search_terms=not has_search_terms(session, portal_filter.query),
        )
    return PortalResults(groups=group_by_space(list_public(session, portal_filter, today=today)), hits=None)


def spaces_with_public_agreements(session: Session, *, today: date | None = None) -> list[Space]:
    """Spaces to offer in the portal's filter: those with at least one agreement in the portal."""
    has_public = (
        select(Document.id)
        .where(
            Document.space_id == Space.id,
            public_condition(today or utcnow().date()),
            exists().where(DocumentVersion.document_id == Document.id),
        )
        .exists()
    )
    return list(session.scalars(select(Space).where(has_public).order_by(Space.name)))

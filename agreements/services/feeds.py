"""Atom feeds of new versions and status changes of public documents, overall and per space.

Only what anyone may read appears: frameworks, and agreements whose status is public
(consultation, adopted, under review, superseded, expired). Drafts and negotiations never do.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from agreements.domain.workflow import PUBLIC
from agreements.models import Document, DocumentVersion, StatusChange
from agreements.services.search import MAX_ID, publicly_visible
from core.errors import NotFound
from core.timeutil import utcnow
from governance.models import Space

MAX_ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedItem:
    """A published version or a status change, newest first in a feed."""

    document: Document
    when: datetime
    version: DocumentVersion | None = None
    change: StatusChange | None = None


def _public(statement: Select, space_id: int | None) -> Select:
    statement = statement.where(or_(Document.kind == "framework", Document.status.in_(PUBLIC)))
    if space_id is not None:
        statement = statement.where(Document.space_id == space_id)
    return statement


def feed_items(session: Session, *, space_id: int | None = None, limit: int = MAX_ENTRIES) -> list[FeedItem]:
    """The newest published versions and status changes of public documents (two queries)."""
    versions = session.scalars(
        _public(select(DocumentVersion).join(Document, Document.id == DocumentVersion.document_id), space_id)
        .options(
            joinedload(DocumentVersion.document).joinedload(Document.space),
            joinedload(DocumentVersion.author),
        )
        .order_by(DocumentVersion.created_at.desc(), DocumentVersion.id.desc())
        .limit(limit)
    ).all()
    with_document = select(StatusChange, Document).join(Document, Document.id == StatusChange.document_id)
    changes = session.execute(
        _public(with_document, space_id)
        .options(joinedload(StatusChange.actor), joinedload(Document.space))
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
        .limit(limit)
    ).all()
    items = [FeedItem(v.document, v.created_at, version=v) for v in versions]
    items += [FeedItem(document, change.created_at, change=change) for change, document in changes]
    items = [item for item in items if publicly_visible(item.document)]
    items.sort(key=lambda item: (item.when, item.version is not None), reverse=True)
    return items[:limit]


def space_feed_items(session: Session, space_id: int) -> tuple[Space, list[FeedItem]]:
    space = session.get(Space, space_id) if 0 < space_id <= MAX_ID else None
    if space is None:
        raise NotFound("space not found")
    return space, feed_items(session, space_id=space_id)


# --- Atom 1.0 (RFC 4287) -------------------------------------------------------------------------


@dataclass(frozen=True)
class AtomEntry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str
    author: str


@dataclass(frozen=True)
class AtomFeed:
    id: str
    title: str
    self_link: str
    alternate_link: str
    language: str
    entries: list[AtomEntry]


def rfc3339(moment: datetime) -> str:
    """Stored times are naive UTC."""
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat()


def render_atom(feed: AtomFeed) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": feed.language})
    ET.SubElement(root, "id").text = feed.id
    ET.SubElement(root, "title").text = feed.title
    newest = max((entry.updated for entry in feed.entries), default=None) or utcnow()
    ET.SubElement(root, "updated").text = rfc3339(newest)
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_link})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": feed.alternate_link})
    ET.SubElement(ET.SubElement(root, "author"), "name").text = "Raumrat"
    ET.SubElement(root, "generator").text = "Raumrat"
    for entry in feed.entries:
        element = ET.SubElement(root, "entry")
        ET.SubElement(element, "id").text = entry.id
        ET.SubElement(element, "title").text = entry.title
        ET.SubElement(element, "updated").text = rfc3339(entry.updated)
        ET.SubElement(element, "link", {"rel": "alternate", "type": "text/html", "href": entry.link})
        ET.SubElement(element, "summary", {"type": "text"}).text = entry.summary
        ET.SubElement(ET.SubElement(element, "author"), "name").text = entry.author
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

"""Reading frameworks for their administration pages: the list, and the requirements editor.

Writing goes through agreements.services.drafts (create_framework, set_requirements).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from agreements.domain.compliance import Requirements
from agreements.domain.workflow import Status
from agreements.models import Document, DocumentVersion
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed, require
from agreements.services.access import load
from agreements.services.search import latest_numbers
from agreements.services.versions import latest_version
from governance.services.actors import actor_for

NEW_FRAMEWORK = DocumentContext("framework", Status.DRAFT, has_published_version=False)


@dataclass(frozen=True)
class FrameworkSummary:
    document: Document
    latest: DocumentVersion | None  # None: never published (only administrators see it)


def list_frameworks(session: Session, user: Any) -> list[FrameworkSummary]:
    """Published frameworks for everyone, unpublished ones too for administrators (one query)."""
    actor = actor_for(session, user)
    latest = latest_numbers()
    rows = session.execute(
        select(Document, DocumentVersion)
        .outerjoin(latest, latest.c.document_id == Document.id)
        .outerjoin(
            DocumentVersion,
            and_(DocumentVersion.document_id == Document.id, DocumentVersion.number == latest.c.number),
        )
        .where(Document.kind == "framework")
        .order_by(Document.title, Document.id)
    ).all()
    return [
        FrameworkSummary(document, version)
        for document, version in rows
        if is_allowed(
            actor,
            DocumentPermission.VIEW_PUBLISHED,
            DocumentContext("framework", Status(document.status), has_published_version=version is not None),
        )
    ]


def may_create(session: Session, user: Any) -> bool:
    return is_allowed(actor_for(session, user), DocumentPermission.CREATE, NEW_FRAMEWORK)


def require_may_create(session: Session, user: Any) -> None:
    require(actor_for(session, user), DocumentPermission.CREATE, NEW_FRAMEWORK)


@dataclass(frozen=True)
class RequirementsPage:
    document: Document
    draft: Requirements  # what the next published version will state
    latest: DocumentVersion | None


def requirements_page(session: Session, user: Any, framework_id: int) -> RequirementsPage:
    """The draft requirements of a framework, for those who may edit its draft."""
    document, _, _ = load(session, user, framework_id, DocumentPermission.EDIT_DRAFT, kind="framework")
    return RequirementsPage(
        document, Requirements.from_dict(document.draft_requirements), latest_version(session, document.id)
    )

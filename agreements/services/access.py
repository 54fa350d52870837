"""Loading documents together with what the acting user may do with them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.domain.workflow import Status
from agreements.models import Document, DocumentVersion
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed, require
from core.errors import NotFound
from governance.permissions import Actor
from governance.services.actors import actor_for


def context_of(session: Session, document: Document) -> DocumentContext:
    has_version = (
        session.scalar(select(DocumentVersion.id).where(DocumentVersion.document_id == document.id).limit(1))
        is not None
    )
    return DocumentContext(
        kind=document.kind, status=Status(document.status), has_published_version=has_version
    )


def load(
    session: Session, user: Any, document_id: int, permission: DocumentPermission, *, kind: str | None = None
) -> tuple[Document, Actor, DocumentContext]:
    """The document if it exists and the user holds ``permission``; hidden documents look missing."""
    document = session.get(Document, document_id)
    if document is None or (kind is not None and document.kind != kind):
        raise NotFound("document not found")
    actor = actor_for(session, user, space_id=document.space_id)
    context = context_of(session, document)
    require(actor, permission, context)
    return document, actor, context


def allowed_actions(actor: Actor, context: DocumentContext) -> dict[str, bool]:
    return {
        permission.name.lower(): is_allowed(actor, permission, context) for permission in DocumentPermission
    }

"""Reading agreements and frameworks for the JSON API: filtered lists, one document, its draft.

Every function checks the caller's permission with the named rules in agreements.permissions;
lists contain only the documents the caller may read. Writing goes through drafts, versions and
lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from agreements.domain import workflow
from agreements.domain.compliance import Finding
from agreements.domain.workflow import Status, Transition
from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection, StatusChange
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed, require
from agreements.services import lifecycle
from agreements.services.access import allowed_actions, load
from agreements.services.search import latest_numbers
from core.errors import NotFound
from governance.models import Space, SpaceMembership
from governance.parties import MembershipStatus, SpaceRole
from governance.permissions import Actor
from governance.services.actors import actor_for


@dataclass(frozen=True)
class ListedDocument:
    document: Document
    latest_number: int | None


@dataclass(frozen=True)
class DocumentList:
    documents: list[ListedDocument]
    total: int  # readable documents matching the filter, on all pages


def _actors_by_space(session: Session, user: Any, space_ids: set[int | None]) -> dict[int | None, Actor]:
    """The caller as seen from each space, with one query for all memberships (what actor_for
    finds one space at a time)."""
    base = actor_for(session, user)
    actors: dict[int | None, Actor] = dict.fromkeys(space_ids, base)
    wanted = {space_id for space_id in space_ids if space_id is not None}
    if base.user_id is None or not wanted:
        return actors
    memberships = session.execute(
        select(SpaceMembership.space_id, SpaceMembership.role, SpaceMembership.status).where(
            SpaceMembership.user_id == base.user_id, SpaceMembership.space_id.in_(wanted)
        )
    )
    for space_id, role, status in memberships:
        actors[space_id] = replace(
            base,
            space_role=SpaceRole(role) if status == MembershipStatus.ACTIVE else None,
            has_pending_request=status == MembershipStatus.REQUESTED,
        )
    return actors


def list_documents(
    session: Session,
    user: Any,
    *,
    kind: str,
    space_id: int | None = None,
    status: Status | None = None,
    limit: int,
    offset: int,
) -> DocumentList:
    """One page of the agreements (or frameworks) the caller may read, by title.

    The candidates are few (a few per social space), so the permission rules decide on each of
    them and paging happens afterwards; totals are exact. Three queries, whatever the numbers.
    """
    latest = latest_numbers()
    statement = (
        select(Document.id, Document.space_id, Document.status, latest.c.number)
        .outerjoin(latest, latest.c.document_id == Document.id)
        .where(Document.kind == kind)
        .order_by(Document.title, Document.id)
    )
    if space_id is not None:
        statement = statement.where(Document.space_id == space_id)
    if status is not None:
        statement = statement.where(Document.status == status)
    candidates = session.execute(statement).all()
    actors = _actors_by_space(session, user, {row.space_id for row in candidates})
    readable = [
        (row.id, row.number)
        for row in candidates
        if is_allowed(
            actors[row.space_id],
            DocumentPermission.VIEW_PUBLISHED,
            DocumentContext(kind, Status(row.status), has_published_version=row.number is not None),
        )
    ]
    page = readable[offset : offset + limit]
    documents = {
        document.id: document
        for document in session.scalars(
            select(Document)
            .where(Document.id.in_([document_id for document_id, _ in page]))
            .options(joinedload(Document.space))
        )
    }
    return DocumentList([ListedDocument(documents[i], number) for i, number in page], len(readable))


@dataclass(frozen=True)
class DocumentDetail:
    document: Document
    actions: dict[str, bool]  # what the caller may do (see access.allowed_actions)
    transitions: list[Transition]  # steps the caller may take now
    latest: DocumentVersion | None
    framework_version: DocumentVersion | None  # the framework version an agreement adopted
    newest_framework_number: int | None  # the newest version of that framework
    parties: list[DocumentParty]
    compliance: list[Finding] | None
    timeline: list[StatusChange]
    draft_sections: list[DraftSection] | None  # None: the caller may not see the draft


def _draft_sections(session: Session, document_id: int) -> list[DraftSection]:
    return list(
        session.scalars(
            select(DraftSection)
            .where(DraftSection.document_id == document_id)
            .order_by(DraftSection.position)
        )
    )


def _latest(session: Session, document_id: int) -> DocumentVersion | None:
    return session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )


def document_detail(session: Session, user: Any, document_id: int, *, kind: str) -> DocumentDetail:
    document, actor, context = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    actions = allowed_actions(actor, context)
    framework_version = (
        session.scalar(
            select(DocumentVersion)
            .where(DocumentVersion.id == document.framework_version_id)
            .options(joinedload(DocumentVersion.document))
        )
        if document.framework_version_id is not None
        else None
    )
    newest_framework_number = (
        session.scalar(
            select(func.max(DocumentVersion.number)).where(
                DocumentVersion.document_id == framework_version.document_id
            )
        )
        if framework_version is not None
        else None
    )
    is_agreement = kind == "agreement"
    parties = (
        list(
            session.scalars(
                select(DocumentParty)
                .where(DocumentParty.document_id == document.id)
                .options(joinedload(DocumentParty.organisation))
                .order_by(DocumentParty.party, DocumentParty.organisation_id)
            )
        )
        if is_agreement
        else []
    )
    return DocumentDetail(
        document=document,
        actions=actions,
        transitions=workflow.available(context.status) if is_agreement and actions["change_status"] else [],
        latest=_latest(session, document.id),
        framework_version=framework_version,
        newest_framework_number=newest_framework_number,
        parties=parties,
        compliance=lifecycle.compliance(session, document),
        timeline=lifecycle.timeline(session, document.id) if is_agreement else [],
        draft_sections=_draft_sections(session, document.id) if actions["view_draft"] else None,
    )


def draft(session: Session, user: Any, document_id: int, *, kind: str) -> tuple[Document, list[DraftSection]]:
    """The working draft, for those who may see it."""
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_DRAFT, kind=kind)
    return document, _draft_sections(session, document.id)


def draft_section(session: Session, user: Any, document_id: int, key: str, *, kind: str) -> DraftSection:
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_DRAFT, kind=kind)
    section = session.scalar(
        select(DraftSection).where(DraftSection.document_id == document.id, DraftSection.key == key)
    )
    if section is None:
        raise NotFound("section not found")
    return section


def framework_version_id(session: Session, framework_id: int, number: int) -> int | None:
    """The id of a published framework version (frameworks are public once published), or None."""
    return session.scalar(
        select(DocumentVersion.id)
        .join(Document, and_(Document.id == DocumentVersion.document_id, Document.kind == "framework"))
        .where(DocumentVersion.document_id == framework_id, DocumentVersion.number == number)
    )


def require_may_create(session: Session, user: Any, *, kind: str, space_id: int | None = None) -> None:
    """Before reading what a caller sends to create a document: the space exists and they may."""
    if space_id is not None and session.get(Space, space_id) is None:
        raise NotFound("space not found")
    actor = actor_for(session, user, space_id=space_id)
    require(
        actor, DocumentPermission.CREATE, DocumentContext(kind, Status.DRAFT, has_published_version=False)
    )


def version_list(
    session: Session, user: Any, document_id: int, *, kind: str
) -> tuple[Document, list[DocumentVersion]]:
    """Every published version, oldest first, with its author (one query however many there are)."""
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    found = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .options(joinedload(DocumentVersion.author))
        .order_by(DocumentVersion.number)
    )
    return document, list(found)

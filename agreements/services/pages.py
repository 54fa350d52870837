"""What the pages of agreements and frameworks show, read with a fixed number of queries.

Each function checks the viewer's permission first (hidden documents look missing or forbidden,
exactly as in the other services) and returns plain data for the templates. Query counts do not
grow with the number of sections or versions: sections are loaded with one ``selectinload``, and
version lists never touch their sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from agreements.domain import workflow
from agreements.domain.compliance import Finding, Requirements
from agreements.domain.workflow import Status, Transition
from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed, require
from agreements.services import lifecycle, versions
from agreements.services.access import allowed_actions, load
from agreements.services.lifecycle import FrameworkUpdate
from core.errors import NotFound
from governance.models import Organisation, Space
from governance.permissions import Permission
from governance.permissions import require as require_governance
from governance.services.actors import actor_for


@dataclass(frozen=True)
class AgreementRow:
    document: Document
    latest_number: int | None


@dataclass(frozen=True)
class SpaceAgreements:
    space: Space
    agreements: list[AgreementRow]
    may_create: bool


def _space(session: Session, space_id: int) -> Space:
    space = session.get(Space, space_id)
    if space is None:
        raise NotFound("space not found")
    return space


def space_agreements(session: Session, user: Any, space_id: int) -> SpaceAgreements:
    """The agreements of a space the viewer may see, newest activity first, with their latest version."""
    space = _space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require_governance(actor, Permission.VIEW_SPACE)
    latest = (
        select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number"))
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    rows = session.execute(
        select(Document, latest.c.number)
        .outerjoin(latest, latest.c.document_id == Document.id)
        .where(Document.kind == "agreement", Document.space_id == space.id)
        .order_by(Document.updated_at.desc(), Document.id.desc())
    )
    visible = [
        AgreementRow(document, number)
        for document, number in rows
        if is_allowed(
            actor,
            DocumentPermission.VIEW_PUBLISHED,
            DocumentContext("agreement", Status(document.status), number is not None),
        )
    ]
    may_create = is_allowed(
        actor, DocumentPermission.CREATE, DocumentContext("agreement", Status.DRAFT, False)
    )
    return SpaceAgreements(space, visible, may_create)


def framework_version_choices(session: Session) -> list[DocumentVersion]:
    """Every published framework version (frameworks are public once published), newest first."""
    return list(
        session.scalars(
            select(DocumentVersion)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.kind == "framework")
            .options(joinedload(DocumentVersion.document))
            .order_by(Document.title, Document.id, DocumentVersion.number.desc())
        )
    )


def new_agreement_choices(session: Session, user: Any, space_id: int) -> tuple[Space, list[DocumentVersion]]:
    """The space and the framework versions offered to a new agreement; only for those who may create."""
    space = _space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, DocumentPermission.CREATE, DocumentContext("agreement", Status.DRAFT, False))
    return space, framework_version_choices(session)


# --- a document's page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentPage:
    document: Document
    context: DocumentContext
    actions: dict[str, bool]
    transitions: list[Transition]
    parties: list[DocumentParty]
    latest: DocumentVersion | None
    versions: list[DocumentVersion]
    framework_version: DocumentVersion | None
    requirements: Requirements | None
    compliance: list[Finding] | None
    timeline: list[Any]
    framework_update: FrameworkUpdate | None

    @property
    def unmet(self) -> list[Finding]:
        return [finding for finding in self.compliance or [] if not finding.met]


def _parties(session: Session, document_id: int) -> list[DocumentParty]:
    return list(
        session.scalars(
            select(DocumentParty)
            .where(DocumentParty.document_id == document_id)
            .options(joinedload(DocumentParty.organisation))
            .join(Organisation, Organisation.id == DocumentParty.organisation_id)
            .order_by(DocumentParty.party, Organisation.name)
        )
    )


def _versions(session: Session, document_id: int) -> list[DocumentVersion]:
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document_id)
            .options(joinedload(DocumentVersion.author))
            .order_by(DocumentVersion.number)
        )
    )


def _framework_version(session: Session, version_id: int | None) -> DocumentVersion | None:
    if version_id is None:
        return None
    return session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.id == version_id)
        .options(joinedload(DocumentVersion.document))
    )


def document_page(session: Session, user: Any, document_id: int, *, kind: str) -> DocumentPage:
    document, actor, context = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    is_agreement = kind == "agreement"
    framework_version = _framework_version(session, document.framework_version_id)
    return DocumentPage(
        document=document,
        context=context,
        actions=allowed_actions(actor, context),
        transitions=workflow.available(context.status) if is_agreement else [],
        parties=_parties(session, document.id) if is_agreement else [],
        latest=versions.latest_version(session, document.id),
        versions=_versions(session, document.id),
        framework_version=framework_version,
        requirements=Requirements.from_dict(framework_version.requirements) if framework_version else None,
        compliance=lifecycle.compliance(session, document),
        timeline=lifecycle.timeline(session, document.id) if is_agreement else [],
        framework_update=lifecycle.framework_update(session, document),
    )


def version_page(
    session: Session, user: Any, document_id: int, number: int, *, kind: str
) -> tuple[Document, DocumentVersion, DocumentVersion | None]:
    """A frozen version with its sections and author, and the framework version it adopted."""
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    version = session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id, DocumentVersion.number == number)
        .options(selectinload(DocumentVersion.sections), joinedload(DocumentVersion.author))
    )
    if version is None:
        raise NotFound("version not found")
    return document, version, _framework_version(session, version.framework_version_id)


def version_numbers(
    session: Session, user: Any, document_id: int, *, kind: str
) -> tuple[Document, list[int]]:
    """The document and the numbers of its versions, for the form that chooses two to compare."""
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    numbers = session.scalars(
        select(DocumentVersion.number)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number)
    )
    return document, list(numbers)


def compare(
    session: Session, user: Any, document_id: int, old_number: int, new_number: int, *, kind: str
) -> versions.Comparison:
    # Checked with the kind first, so /agreements/<id> never shows a framework and vice versa.
    load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind=kind)
    return versions.compare_versions(session, user, document_id, old_number, new_number)


# --- the draft editor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftPage:
    document: Document
    actions: dict[str, bool]
    sections: list[DraftSection]
    parties: list[DocumentParty]
    organisations: list[Organisation]
    latest_number: int | None


def _organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id)))


def party_choices(session: Session, user: Any, document_id: int) -> tuple[Document, list[Organisation]]:
    """The organisations that may be named as parties, for those who may edit the agreement's draft."""
    document, _, _ = load(session, user, document_id, DocumentPermission.EDIT_DRAFT, kind="agreement")
    return document, _organisations(session)


def draft_page(session: Session, user: Any, document_id: int, *, kind: str) -> DraftPage:
    """The working draft; everybody who may see it gets it, the forms only those who may edit."""
    document, actor, context = load(session, user, document_id, DocumentPermission.VIEW_DRAFT, kind=kind)
    actions = allowed_actions(actor, context)
    sections = list(
        session.scalars(
            select(DraftSection)
            .where(DraftSection.document_id == document.id)
            .order_by(DraftSection.position)
        )
    )
    is_agreement = kind == "agreement"
    organisations = _organisations(session) if is_agreement and actions["edit_draft"] else []
    latest = session.scalar(
        select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
    )
    return DraftPage(
        document=document,
        actions=actions,
        sections=sections,
        parties=_parties(session, document.id) if is_agreement else [],
        organisations=organisations,
        latest_number=latest,
    )


def draft_section(session: Session, user: Any, document_id: int, key: str, *, kind: str) -> DraftSection:
    """One section of the draft, for the page that confirms its removal."""
    document, _, _ = load(session, user, document_id, DocumentPermission.EDIT_DRAFT, kind=kind)
    section = session.scalar(
        select(DraftSection).where(DraftSection.document_id == document.id, DraftSection.key == key)
    )
    if section is None:
        raise NotFound("section not found")
    return section


def require_kind(
    session: Session, user: Any, document_id: int, permission: DocumentPermission, *, kind: str
) -> Document:
    """Before a change through the URL of one kind: the document is of that kind and the user may act."""
    document, _, _ = load(session, user, document_id, permission, kind=kind)
    return document

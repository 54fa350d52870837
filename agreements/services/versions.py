"""Publishing frozen versions, reading them, and comparing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from agreements.domain.section_diff import VersionDiff, diff_versions
from agreements.domain.sections import Section
from agreements.models import Document, DocumentVersion, DraftSection, VersionSection
from agreements.permissions import DocumentPermission
from agreements.services import search
from agreements.services.access import load
from agreements.services.snapshots import SectionContent, to_section
from amendments.services.publishing import record_merged_in
from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from governance.models import User

MAX_SUMMARY = 5_000


def publish_version(
    session: Session, user: User, document_id: int, *, change_summary: str
) -> DocumentVersion:
    """Freeze the draft as the next numbered version. The draft stays for further work."""
    document, _, _ = load(session, user, document_id, DocumentPermission.PUBLISH_VERSION)
    summary = change_summary.strip()
    errors: dict[str, list[str]] = {}
    if not summary:
        errors["change_summary"] = ["required"]
    elif len(summary) > MAX_SUMMARY:
        errors["change_summary"] = ["too_long"]
    drafts = list(
        session.scalars(
            select(DraftSection)
            .where(DraftSection.document_id == document.id)
            .order_by(DraftSection.position)
        )
    )
    if not drafts:
        errors["sections"] = ["no_sections"]
    if errors:
        raise InvalidInput("cannot publish", field_errors=errors)
    number = (
        session.scalar(
            select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id)
        )
        or 0
    ) + 1
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        title=document.title,
        preamble=document.preamble,
        change_summary=summary,
        status_at_publication=document.status,
        requirements=dict(document.draft_requirements or {}) if document.kind == "framework" else {},
        parties_snapshot=[
            {"organisation_id": p.organisation_id, "name": p.organisation.name, "party": p.party}
            for p in document.parties
        ],
        framework_version_id=document.framework_version_id,
        author_id=user.id,
    )
    for position, draft in enumerate(drafts):
        frozen = VersionSection(key=draft.key, position=position)
        SectionContent.of(draft).apply_to(frozen)
        version.sections.append(frozen)
    session.add(version)
    try:
        session.flush()
    except IntegrityError as error:
        # Two people published at the same moment: the unique (document, number) key refused one.
        session.rollback()
        raise Conflict("another version was published at the same time") from error
    record_merged_in(session, version)
    audit.record(
        session,
        actor_id=user.id,
        action=f"{document.kind}.version_published",
        object_type="document",
        object_id=document.id,
        details={"number": number, "sections": len(drafts), "change_summary": summary},
    )
    search.index_version(session, version)
    session.commit()
    return version


def _version(session: Session, document: Document, number: int) -> DocumentVersion:
    version = session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id, DocumentVersion.number == number)
        .options(selectinload(DocumentVersion.sections))
    )
    if version is None:
        raise NotFound("version not found")
    return version


def get_version(
    session: Session, user: Any, document_id: int, number: int
) -> tuple[Document, DocumentVersion]:
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED)
    return document, _version(session, document, number)


def list_versions(session: Session, user: Any, document_id: int) -> list[DocumentVersion]:
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED)
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == document.id)
            .order_by(DocumentVersion.number)
        )
    )


def latest_version(session: Session, document_id: int) -> DocumentVersion | None:
    return session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
        .options(selectinload(DocumentVersion.sections))
    )


def sections_of(version: DocumentVersion) -> list[Section]:
    return [to_section(section) for section in version.sections]


@dataclass(frozen=True)
class Comparison:
    document: Document
    old_label: str
    new_label: str
    old: DocumentVersion | None
    new: DocumentVersion
    diff: VersionDiff


def compare_versions(
    session: Session, user: Any, document_id: int, old_number: int, new_number: int
) -> Comparison:
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED)
    if old_number == new_number:
        raise InvalidInput("same version", field_errors={"to": ["same_version"]})
    old = _version(session, document, old_number)
    new = _version(session, document, new_number)
    return Comparison(
        document,
        str(old.number),
        str(new.number),
        old,
        new,
        diff_versions(sections_of(old), sections_of(new)),
    )


def compare_with_framework(session: Session, user: Any, document_id: int, number: int) -> Comparison:
    """An agreement's version against the framework version it adopted (shared section keys)."""
    document, _, _ = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED, kind="agreement")
    version = _version(session, document, number)
    if version.framework_version_id is None:
        raise NotFound("this version adopted no framework")
    framework_version = session.get(DocumentVersion, version.framework_version_id)
    assert framework_version is not None
    return Comparison(
        document,
        framework_version.document.title,
        str(version.number),
        framework_version,
        version,
        diff_versions(sections_of(framework_version), sections_of(version)),
    )

"""What the amendment pages show, read with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from agreements.domain.section_diff import VersionDiff, diff_versions
from agreements.domain.sections import Section, SectionKind
from agreements.domain.text_diff import changed_word_count
from agreements.models import Document, DocumentVersion
from agreements.services.snapshots import to_section
from amendments.domain.proposals import AmendmentKind
from amendments.domain.states import AmendmentStatus
from amendments.models import Amendment
from amendments.permissions import AmendmentPermission
from amendments.services.amendments import (
    MergePreview,
    Scope,
    base_version,
    load,
    load_scope,
    preview,
    scope_for,
)
from core.errors import InvalidInput, NotFound

PANEL_LIMIT = 10


def amendment_diff(amendment: Amendment) -> VersionDiff:
    """The amendment against its base version's section, as a one-section comparison."""
    base_row = next((s for s in amendment.base_version.sections if s.key == amendment.section_key), None)
    base = [to_section(base_row)] if base_row is not None else []
    if amendment.kind == AmendmentKind.REMOVE:
        return diff_versions(base, [])
    if amendment.kind == AmendmentKind.ADD or not base:
        kind = (
            SectionKind(amendment.section_kind)
            if amendment.section_kind in set(SectionKind)
            else SectionKind.TEXT
        )
        new = Section(
            key=amendment.section_key, kind=kind, title=amendment.proposed_title, body=amendment.proposed_body
        )
        return diff_versions([], [new])
    return diff_versions(
        base, [replace(base[0], title=amendment.proposed_title, body=amendment.proposed_body)]
    )


@dataclass(frozen=True)
class AmendmentRow:
    amendment: Amendment
    section_title: str
    removed_words: int
    added_words: int


def _row(amendment: Amendment) -> AmendmentRow:
    diff = amendment_diff(amendment)
    change = diff.sections[0] if diff.sections else None
    removed = added = 0
    if change is not None:
        removed, added = changed_word_count(list(change.body_hunks))
    title = amendment.proposed_title
    if amendment.kind == AmendmentKind.CHANGE:
        base = next((s for s in amendment.base_version.sections if s.key == amendment.section_key), None)
        title = base.title if base is not None else title
    return AmendmentRow(amendment, title, removed, added)


@dataclass(frozen=True)
class AmendmentListing:
    document: Document
    rows: list[AmendmentRow]
    counts: dict[str, int]
    total: int
    may_propose: bool
    status: str | None


def _query(document_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Amendment)
        .where(Amendment.document_id == document_id)
        .options(
            joinedload(Amendment.author),
            joinedload(Amendment.organisation),
            joinedload(Amendment.merged_version),
            selectinload(Amendment.base_version).selectinload(DocumentVersion.sections),
        )
    )


def _counts(session: Session, document_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Amendment.status, func.count())
        .where(Amendment.document_id == document_id)
        .group_by(Amendment.status)
    )
    return {status: count for status, count in rows}


def listing(session: Session, user: Any, document_id: int, status: str | None = None) -> AmendmentListing:
    scope = load_scope(session, user, document_id)
    chosen = status if status in {s.value for s in AmendmentStatus} else None
    query = _query(document_id)
    if chosen:
        query = query.where(Amendment.status == chosen)
    amendments = list(session.scalars(query.order_by(Amendment.number.desc())).unique())
    counts = _counts(session, document_id)
    return AmendmentListing(
        scope.document,
        [_row(a) for a in amendments],
        counts,
        sum(counts.values()),
        scope.allows(AmendmentPermission.PROPOSE),
        chosen,
    )


def panel(session: Session, user: Any, document: Document) -> AmendmentListing | None:
    """The newest amendments for the agreement page; None when the reader may not see them."""
    if document.kind != "agreement":
        return None
    scope = scope_for(session, user, document)
    if not scope.allows(AmendmentPermission.VIEW):
        return None
    query = _query(document.id).order_by(Amendment.number.desc()).limit(PANEL_LIMIT)
    amendments = list(session.scalars(query).unique())
    counts = _counts(session, document.id)
    return AmendmentListing(
        document,
        [_row(a) for a in amendments],
        counts,
        sum(counts.values()),
        scope.allows(AmendmentPermission.PROPOSE),
        None,
    )


@dataclass(frozen=True)
class AmendmentPage:
    scope: Scope
    amendment: Amendment
    diff: VersionDiff
    actions: dict[str, bool]
    # For facilitators deciding: what merging into the draft now would do.
    preview: MergePreview | None


def amendment_page(session: Session, user: Any, document_id: int, number: int) -> AmendmentPage:
    scope, amendment = load(session, user, document_id, number)
    actions = scope.actions(amendment)
    merge_preview = preview(session, amendment) if actions["accept"] or actions["resolve_merge"] else None
    return AmendmentPage(scope, amendment, amendment_diff(amendment), actions, merge_preview)


def resolution_page(session: Session, user: Any, document_id: int, number: int) -> AmendmentPage:
    """The conflict resolution view: only for those who may accept (or finish) the amendment."""
    page = amendment_page(session, user, document_id, number)
    permission = (
        AmendmentPermission.ACCEPT
        if page.amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.VOTING)
        else AmendmentPermission.RESOLVE_MERGE
    )
    page.scope.require(permission, page.amendment)
    return page


@dataclass(frozen=True)
class ProposalPage:
    document: Document
    version: DocumentVersion  # the base of the new amendment
    numbers: list[int]  # of every published version, to choose another base


def proposal_page(
    session: Session, user: Any, document_id: int, version_number: int | None = None
) -> ProposalPage:
    """The agreement and the version a new amendment is made against (the latest unless chosen)."""
    scope = load_scope(session, user, document_id)
    scope.require(AmendmentPermission.PROPOSE)
    try:
        version = base_version(session, scope.document, version_number)
    except InvalidInput as error:
        raise NotFound("version not found") from error
    numbers = list(
        session.scalars(
            select(DocumentVersion.number)
            .where(DocumentVersion.document_id == document_id)
            .order_by(DocumentVersion.number)
        )
    )
    return ProposalPage(scope.document, version, numbers)

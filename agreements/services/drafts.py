"""Creating documents and editing their working draft.

Every save names the revision it was based on. When someone else saved in between, the save is
refused with :class:`DraftConflict`, which carries a three-way merge of the texts (base, yours,
theirs) so the editor can resolve it; nothing anyone typed is lost.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from agreements.domain.compliance import Requirements
from agreements.domain.merge import MergeResult, merge_texts
from agreements.domain.sections import SectionKind
from agreements.domain.workflow import Status
from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection
from agreements.permissions import DocumentContext, DocumentPermission, require
from agreements.services.access import load
from agreements.services.snapshots import BUDGET_FIELDS, INDICATOR_FIELDS, SectionContent
from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from core.timeutil import utcnow
from governance.models import Organisation, Space, User
from governance.parties import Party
from governance.services.actors import actor_for

MAX_TITLE = 300
MAX_TEXT = 100_000
MAX_ROWS = 50
TEXT_FIELDS = ("title", "body", "plain_language")


def _title_errors(title: str) -> dict[str, list[str]]:
    if not title.strip():
        return {"title": ["required"]}
    if len(title) > MAX_TITLE:
        return {"title": ["too_long"]}
    return {}


def _heading_errors(title: str, preamble: str) -> dict[str, list[str]]:
    errors = _title_errors(title)
    if len(preamble) > MAX_TEXT:
        errors["preamble"] = ["too_long"]
    return errors


def validate_content(content: SectionContent) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if content.kind not in {kind.value for kind in SectionKind}:
        errors["kind"] = ["unknown_kind"]
    errors.update(_title_errors(content.title))
    for name in ("body", "plain_language"):
        if len(getattr(content, name)) > MAX_TEXT:
            errors[name] = ["too_long"]
    if len(content.indicators) > MAX_ROWS or any(
        not str(i.get("name", "")).strip() or set(i) - set(INDICATOR_FIELDS) for i in content.indicators
    ):
        errors["indicators"] = ["invalid_indicator"]
    if len(content.budget_lines) > MAX_ROWS or any(
        not str(b.get("label", "")).strip() or set(b) - set(BUDGET_FIELDS) for b in content.budget_lines
    ):
        errors["budget_lines"] = ["invalid_budget_line"]
    return errors


def _new_key() -> str:
    return secrets.token_hex(4)


def _touch(document: Document) -> None:
    document.updated_at = utcnow()


def create_agreement(
    session: Session,
    user: User,
    *,
    space_id: int,
    title: str,
    preamble: str = "",
    framework_version_id: int | None = None,
) -> Document:
    """A new agreement of a space; when it adopts a framework version, the draft starts from its text
    (with the same section keys, so the agreement can be compared with its framework)."""
    if session.get(Space, space_id) is None:
        raise NotFound("space not found")
    actor = actor_for(session, user, space_id=space_id)
    require(actor, DocumentPermission.CREATE, DocumentContext("agreement", Status.DRAFT, False))
    errors = _heading_errors(title, preamble)
    framework_version = session.get(DocumentVersion, framework_version_id) if framework_version_id else None
    if framework_version_id and (framework_version is None or framework_version.document.kind != "framework"):
        errors["framework_version_id"] = ["unknown_framework_version"]
    if errors:
        raise InvalidInput("invalid agreement", field_errors=errors)
    document = Document(
        kind="agreement",
        title=title.strip(),
        preamble=preamble,
        space_id=space_id,
        status=Status.DRAFT,
        framework_version_id=framework_version.id if framework_version else None,
        created_by_id=user.id,
    )
    if framework_version:
        for position, section in enumerate(framework_version.sections):
            draft = DraftSection(key=section.key, position=position, updated_by_id=user.id)
            SectionContent.of(section).apply_to(draft)
            document.draft_sections.append(draft)
    session.add(document)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="agreement.created",
        object_type="document",
        object_id=document.id,
        details={"space_id": space_id, "framework_version_id": document.framework_version_id},
    )
    session.commit()
    return document


def create_framework(session: Session, user: User, *, title: str, preamble: str = "") -> Document:
    require(
        actor_for(session, user), DocumentPermission.CREATE, DocumentContext("framework", Status.DRAFT, False)
    )
    errors = _title_errors(title)
    if errors:
        raise InvalidInput("invalid framework", field_errors=errors)
    document = Document(kind="framework", title=title.strip(), preamble=preamble, created_by_id=user.id)
    session.add(document)
    session.flush()
    audit.record(
        session, actor_id=user.id, action="framework.created", object_type="document", object_id=document.id
    )
    session.commit()
    return document


def _editable(session: Session, user: Any, document_id: int) -> Document:
    document, _, _ = load(session, user, document_id, DocumentPermission.EDIT_DRAFT)
    return document


def update_heading(
    session: Session, user: User, document_id: int, *, title: str, preamble: str, base_revision: int
) -> Document:
    document = _editable(session, user, document_id)
    errors = _heading_errors(title, preamble)
    if errors:
        raise InvalidInput("invalid heading", field_errors=errors)
    changed = session.execute(
        update(Document)
        .where(Document.id == document.id, Document.draft_revision == base_revision)
        .values(
            title=title.strip(),
            preamble=preamble,
            draft_revision=Document.draft_revision + 1,
            updated_at=utcnow(),
        )
    ).rowcount
    if not changed:
        session.rollback()
        raise Conflict("the title or preamble was changed by someone else")
    audit.record(
        session,
        actor_id=user.id,
        action="draft.heading_changed",
        object_type="document",
        object_id=document.id,
    )
    session.commit()
    session.refresh(document)
    return document


def add_section(
    session: Session, user: User, document_id: int, content: SectionContent, *, after_key: str | None = None
) -> DraftSection:
    document = _editable(session, user, document_id)
    errors = validate_content(content)
    if errors:
        raise InvalidInput("invalid section", field_errors=errors)
    sections = list(document.draft_sections)
    position = len(sections)
    if after_key is not None:
        index = next((i for i, s in enumerate(sections) if s.key == after_key), None)
        if index is None:
            raise NotFound("section not found")
        position = index + 1
        for section in sections[position:]:
            section.position += 1
    section = DraftSection(document_id=document.id, key=_new_key(), position=position, updated_by_id=user.id)
    content.apply_to(section)
    session.add(section)
    _touch(document)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="draft.section_added",
        object_type="document",
        object_id=document.id,
        details={"key": section.key, "kind": content.kind, "title": content.title},
    )
    session.commit()
    return section


@dataclass
class DraftConflict(Conflict):
    """Someone saved the section after the editor loaded it."""

    key: str
    current: SectionContent
    current_revision: int
    merges: dict[str, MergeResult]

    def __init__(
        self, key: str, current: SectionContent, current_revision: int, merges: dict[str, MergeResult]
    ):
        super().__init__("the section was changed by someone else")
        self.key = key
        self.current = current
        self.current_revision = current_revision
        self.merges = merges


def _section(session: Session, document: Document, key: str) -> DraftSection:
    section = session.scalar(
        select(DraftSection).where(DraftSection.document_id == document.id, DraftSection.key == key)
    )
    if section is None:
        raise NotFound("section not found")
    return section


def update_section(
    session: Session,
    user: User,
    document_id: int,
    key: str,
    *,
    base_revision: int,
    base: SectionContent,
    mine: SectionContent,
) -> DraftSection:
    """Save an edited section; ``base`` is the content the editor started from (for merging)."""
    document = _editable(session, user, document_id)
    errors = validate_content(mine)
    if errors:
        raise InvalidInput("invalid section", field_errors=errors)
    section = _section(session, document, key)
    values = {
        "kind": mine.kind,
        "title": mine.title,
        "body": mine.body,
        "plain_language": mine.plain_language,
        "indicators": mine.indicators,
        "budget_lines": mine.budget_lines,
        "review_date": mine.review_date,
        "revision": DraftSection.revision + 1,
        "updated_at": utcnow(),
        "updated_by_id": user.id,
    }
    # Compare-and-set: only succeeds if nobody saved since the editor loaded revision base_revision.
    changed = session.execute(
        update(DraftSection)
        .where(DraftSection.id == section.id, DraftSection.revision == base_revision)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        session.rollback()
        section = _section(session, document, key)
        theirs = SectionContent.of(section)
        merges = {
            name: merge_texts(getattr(base, name), getattr(mine, name), getattr(theirs, name))
            for name in TEXT_FIELDS
        }
        raise DraftConflict(key, theirs, section.revision, merges)
    _touch(document)
    audit.record(
        session,
        actor_id=user.id,
        action="draft.section_changed",
        object_type="document",
        object_id=document.id,
        details={"key": key, "revision": base_revision + 1},
    )
    session.commit()
    session.refresh(section)
    return section


def remove_section(session: Session, user: User, document_id: int, key: str, *, base_revision: int) -> None:
    document = _editable(session, user, document_id)
    section = _section(session, document, key)
    if section.revision != base_revision:
        raise Conflict("the section was changed by someone else")
    title = section.title
    document.draft_sections.remove(section)
    for position, remaining in enumerate(document.draft_sections):
        remaining.position = position
    _touch(document)
    audit.record(
        session,
        actor_id=user.id,
        action="draft.section_removed",
        object_type="document",
        object_id=document.id,
        details={"key": key, "title": title},
    )
    session.commit()


def move_section(session: Session, user: User, document_id: int, key: str, *, direction: str) -> None:
    document = _editable(session, user, document_id)
    if direction not in ("up", "down"):
        raise InvalidInput("invalid direction", field_errors={"direction": ["invalid"]})
    sections = list(document.draft_sections)
    index = next((i for i, s in enumerate(sections) if s.key == key), None)
    if index is None:
        raise NotFound("section not found")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index].position, sections[other].position = (
            sections[other].position,
            sections[index].position,
        )
        _touch(document)
        audit.record(
            session,
            actor_id=user.id,
            action="draft.section_moved",
            object_type="document",
            object_id=document.id,
            details={"key": key, "direction": direction},
        )
    session.commit()


def set_requirements(session: Session, user: User, document_id: int, requirements: Requirements) -> Document:
    document, _, _ = load(session, user, document_id, DocumentPermission.EDIT_DRAFT, kind="framework")
    document.draft_requirements = requirements.to_dict()
    _touch(document)
    audit.record(
        session,
        actor_id=user.id,
        action="framework.requirements_changed",
        object_type="document",
        object_id=document.id,
        details=requirements.to_dict(),
    )
    session.commit()
    return document


def set_parties(session: Session, user: User, document_id: int, parties: list[tuple[int, str]]) -> Document:
    """The organisations that are party to an agreement, each with the party it speaks for."""
    document, _, _ = load(session, user, document_id, DocumentPermission.EDIT_DRAFT, kind="agreement")
    valid_parties = {party.value for party in Party}
    organisation_ids = {organisation_id for organisation_id, _ in parties}
    known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(organisation_ids))))
    if organisation_ids - known or any(party not in valid_parties for _, party in parties):
        raise InvalidInput("invalid parties", field_errors={"parties": ["invalid"]})
    document.parties.clear()
    session.flush()
    for organisation_id, party in dict(parties).items():
        document.parties.append(DocumentParty(organisation_id=organisation_id, party=party))
    _touch(document)
    audit.record(
        session,
        actor_id=user.id,
        action="agreement.parties_changed",
        object_type="document",
        object_id=document.id,
        details={"parties": [[o, p] for o, p in dict(parties).items()]},
    )
    session.commit()
    return document


def section_count(session: Session, document_id: int) -> int:
    return session.scalar(select(func.count()).where(DraftSection.document_id == document_id)) or 0

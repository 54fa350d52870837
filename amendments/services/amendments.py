"""Proposing, deciding and merging amendments.

Every function checks the acting user's permission (amendments.permissions), changes data, writes its
audit entries and commits. Merging an accepted amendment into the working draft uses the draft's
compare-and-set on the section revision (as agreements.services.drafts does) and writes the usual
draft audit entry beside the amendment's own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from agreements.domain.workflow import Status
from agreements.models import Document, DocumentVersion, DraftSection, VersionSection
from agreements.permissions import DocumentPermission
from agreements.permissions import is_allowed as document_allowed
from agreements.services.access import context_of
from amendments.domain.merging import ChangePlan, place_new_section, plan_change
from amendments.domain.proposals import MAX_TEXT, MAX_TITLE, AmendmentKind, proposal_errors
from amendments.domain.states import AmendmentStatus, AmendmentTransition, InvalidTransition, next_status
from amendments.models import Amendment
from amendments.permissions import AmendmentContext, AmendmentPermission, is_allowed, require
from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from core.timeutil import utcnow
from governance.models import SpaceMembership
from governance.permissions import Actor
from governance.services.actors import actor_for

MAX_NOTE = 5_000


# --- loading with permissions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """An agreement as seen by the acting user, for amendment permissions."""

    document: Document
    actor: Actor
    document_status: Status
    has_published_version: bool
    may_view_published: bool

    def context(self, amendment: Amendment | None = None) -> AmendmentContext:
        return AmendmentContext(
            document_status=self.document_status,
            has_published_version=self.has_published_version,
            may_view_published=self.may_view_published,
            amendment_status=AmendmentStatus(amendment.status) if amendment is not None else None,
            is_author=amendment is not None
            and self.actor.user_id is not None
            and amendment.author_id == self.actor.user_id,
        )

    def allows(self, permission: AmendmentPermission, amendment: Amendment | None = None) -> bool:
        return is_allowed(self.actor, permission, self.context(amendment))

    def require(self, permission: AmendmentPermission, amendment: Amendment | None = None) -> None:
        require(self.actor, permission, self.context(amendment))

    def actions(self, amendment: Amendment) -> dict[str, bool]:
        return {
            permission.name.lower(): self.allows(permission, amendment)
            for permission in AmendmentPermission
            if permission not in (AmendmentPermission.VIEW, AmendmentPermission.PROPOSE)
        }


def scope_for(session: Session, user: Any, document: Document) -> Scope:
    actor = actor_for(session, user, space_id=document.space_id)
    doc_context = context_of(session, document)
    return Scope(
        document,
        actor,
        Status(document.status),
        doc_context.has_published_version,
        document_allowed(actor, DocumentPermission.VIEW_PUBLISHED, doc_context),
    )


def load_scope(session: Session, user: Any, document_id: int) -> Scope:
    """The agreement if it exists and the user may read its amendments."""
    document = session.get(Document, document_id)
    if document is None or document.kind != "agreement":
        raise NotFound("agreement not found")
    scope = scope_for(session, user, document)
    scope.require(AmendmentPermission.VIEW)
    return scope


def _amendment(session: Session, document_id: int, number: int) -> Amendment:
    amendment = session.scalar(
        select(Amendment).where(Amendment.document_id == document_id, Amendment.number == number)
    )
    if amendment is None:
        raise NotFound("amendment not found")
    return amendment


def load(session: Session, user: Any, document_id: int, number: int) -> tuple[Scope, Amendment]:
    scope = load_scope(session, user, document_id)
    return scope, _amendment(session, document_id, number)


# --- audit -------------------------------------------------------------------------------------------


def _record(session: Session, amendment: Amendment, action: str, actor_id: int | None, **extra: Any) -> None:
    details = {
        "document_id": amendment.document_id,
        "space_id": amendment.document.space_id,
        "author_id": amendment.author_id,
        "number": amendment.number,
    }
    details.update({name: value for name, value in extra.items() if value is not None})
    audit.record(
        session,
        actor_id=actor_id,
        action=f"amendment.{action}",
        object_type="amendment",
        object_id=amendment.id,
        details=details,
    )


def _move(amendment: Amendment, transition: AmendmentTransition) -> None:
    try:
        amendment.status = next_status(AmendmentStatus(amendment.status), transition)
    except InvalidTransition as error:
        raise Conflict(str(error)) from error


# --- proposing ---------------------------------------------------------------------------------------


def base_version(session: Session, document: Document, number: int | None) -> DocumentVersion:
    """The published version a proposal is made against: the given number, else the latest."""
    query = (
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .options(selectinload(DocumentVersion.sections))
    )
    if number is not None:
        query = query.where(DocumentVersion.number == number)
    version = session.scalar(query.order_by(DocumentVersion.number.desc()).limit(1))
    if version is None:
        raise InvalidInput("unknown version", field_errors={"base_version": ["unknown_version"]})
    return version


def _base_section(version: DocumentVersion, key: str | None) -> VersionSection | None:
    return next((section for section in version.sections if section.key == key), None)


def propose(
    session: Session,
    user: Any,
    document_id: int,
    *,
    kind: str,
    rationale: str,
    section_key: str | None = None,
    title: str = "",
    body: str = "",
    section_kind: str | None = None,
    after_section_key: str | None = None,
    base_version_number: int | None = None,
) -> Amendment:
    scope = load_scope(session, user, document_id)
    scope.require(AmendmentPermission.PROPOSE)
    document = scope.document
    version = base_version(session, document, base_version_number)
    base = _base_section(version, section_key)
    errors = proposal_errors(
        kind=kind,
        section_key=section_key,
        title=title,
        body=body,
        rationale=rationale,
        section_kind=section_kind,
        after_section_key=after_section_key or None,
        base_keys={section.key for section in version.sections},
        base_title=base.title if base else None,
        base_body=base.body if base else None,
    )
    if errors:
        raise InvalidInput("invalid amendment", field_errors=errors)
    membership = session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == document.space_id, SpaceMembership.user_id == user.id
        )
    )
    amendment = Amendment(
        document_id=document.id,
        base_version_id=version.id,
        kind=kind,
        rationale=rationale.strip(),
        status=AmendmentStatus.OPEN,
        author_id=user.id,
        party=membership.party if membership else None,
        organisation_id=membership.organisation_id if membership else None,
    )
    if kind == AmendmentKind.ADD:
        amendment.section_key = secrets.token_hex(4)
        amendment.after_section_key = after_section_key or None
        amendment.section_kind = section_kind
        amendment.proposed_title, amendment.proposed_body = title.strip(), body
    else:
        assert base is not None and section_key is not None
        amendment.section_key = section_key
        amendment.section_kind = base.kind
        if kind == AmendmentKind.CHANGE:
            amendment.proposed_title, amendment.proposed_body = title.strip(), body
        else:
            amendment.proposed_title, amendment.proposed_body = base.title, ""
    amendment.number = (
        session.scalar(select(func.max(Amendment.number)).where(Amendment.document_id == document.id)) or 0
    ) + 1
    session.add(amendment)
    try:
        session.flush()
    except IntegrityError as error:
        # Two proposals at the same moment: the unique (document, number) key refused one.
        session.rollback()
        raise Conflict("another amendment was proposed at the same time") from error
    _record(
        session,
        amendment,
        "proposed",
        user.id,
        version_id=version.id,
        kind=kind,
        section_key=amendment.section_key,
    )
    session.commit()
    return amendment


# --- simple decisions --------------------------------------------------------------------------------


def _check_note(note: str) -> str:
    if len(note) > MAX_NOTE:
        raise InvalidInput("note too long", field_errors={"note": ["too_long"]})
    return note.strip()


def _decide(
    session: Session,
    user: Any,
    document_id: int,
    number: int,
    permission: AmendmentPermission,
    transition: AmendmentTransition,
    action: str,
    note: str = "",
) -> Amendment:
    scope, amendment = load(session, user, document_id, number)
    scope.require(permission, amendment)
    note = _check_note(note)
    _move(amendment, transition)
    if transition != AmendmentTransition.PUT_TO_VOTE:
        amendment.decided_at = utcnow()
        amendment.decided_by_id = user.id
        amendment.decision_note = note
    _record(session, amendment, action, user.id, version_id=amendment.base_version_id)
    session.commit()
    return amendment


def withdraw(session: Session, user: Any, document_id: int, number: int) -> Amendment:
    return _decide(
        session,
        user,
        document_id,
        number,
        AmendmentPermission.WITHDRAW,
        AmendmentTransition.WITHDRAW,
        "withdrawn",
    )


def reject(session: Session, user: Any, document_id: int, number: int, *, note: str = "") -> Amendment:
    return _decide(
        session,
        user,
        document_id,
        number,
        AmendmentPermission.REJECT,
        AmendmentTransition.REJECT,
        "rejected",
        note,
    )


def put_to_vote(session: Session, user: Any, document_id: int, number: int) -> Amendment:
    return _decide(
        session,
        user,
        document_id,
        number,
        AmendmentPermission.PUT_TO_VOTE,
        AmendmentTransition.PUT_TO_VOTE,
        "put_to_vote",
    )


# --- merging into the working draft ------------------------------------------------------------------


class Outcome(StrEnum):
    MERGED = "merged"  # the text is in the draft
    ALREADY_DONE = "already_done"  # the draft already had it (section removed or added before)
    ANCHOR_MISSING = "anchor_missing"  # added at the end: the section it should follow is gone
    NEEDS_RESOLUTION = "needs_resolution"  # both changed the same words: a person chooses


@dataclass(frozen=True)
class MergePreview:
    """What merging an amendment into the draft now would do."""

    amendment: Amendment
    section: DraftSection | None  # the draft section concerned (None: gone, or not added yet)
    plan: ChangePlan | None  # for changes of a section still in the draft
    section_gone: bool  # a changed section is no longer in the draft: it would be added at the end
    # A section to remove was changed in the draft since the base: removing it drops those changes too,
    # so a person confirms it.
    removal_drops_changes: bool = False

    @property
    def needs_a_person(self) -> bool:
        if self.amendment.kind == AmendmentKind.REMOVE:
            return self.removal_drops_changes
        if self.amendment.kind == AmendmentKind.ADD:
            return False
        return self.section_gone or self.plan is None or not self.plan.is_clean


def _draft_sections(session: Session, document_id: int) -> list[DraftSection]:
    return list(
        session.scalars(
            select(DraftSection)
            .where(DraftSection.document_id == document_id)
            .order_by(DraftSection.position)
        )
    )


def _texts(title: str, body: str) -> dict[str, str]:
    return {"title": title, "body": body or ""}


def preview(session: Session, amendment: Amendment) -> MergePreview:
    section = session.scalar(
        select(DraftSection).where(
            DraftSection.document_id == amendment.document_id, DraftSection.key == amendment.section_key
        )
    )
    base = _base_section(amendment.base_version, amendment.section_key)
    if amendment.kind == AmendmentKind.REMOVE:
        drops = section is not None and (
            base is None or (section.title, section.body) != (base.title, base.body)
        )
        return MergePreview(amendment, section, None, False, drops)
    if amendment.kind != AmendmentKind.CHANGE:
        return MergePreview(amendment, section, None, False)
    if section is None:
        return MergePreview(amendment, None, None, True)
    base_texts = _texts(base.title, base.body) if base else _texts("", "")
    plan = plan_change(
        base_texts,
        _texts(amendment.proposed_title, amendment.proposed_body),
        _texts(section.title, section.body),
    )
    return MergePreview(amendment, section, plan, False)


def _insert_section(
    session: Session, amendment: Amendment, actor_id: int | None, *, kind: str, at_end: bool = False
) -> bool:
    """Add the amendment's section to the draft; True when its anchor was gone (put at the end)."""
    sections = _draft_sections(session, amendment.document_id)
    keys = [s.key for s in sections]
    placement = place_new_section(keys, keys[-1] if at_end and keys else amendment.after_section_key)
    for section in sections[placement.index :]:
        section.position += 1
    section = DraftSection(
        document_id=amendment.document_id,
        key=amendment.section_key,
        position=placement.index,
        kind=kind,
        title=amendment.proposed_title,
        body=amendment.proposed_body,
        plain_language="",
        indicators=[],
        budget_lines=[],
        updated_by_id=actor_id,
    )
    session.add(section)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="draft.section_added",
        object_type="document",
        object_id=amendment.document_id,
        details={"key": section.key, "kind": kind, "title": section.title, "amendment_id": amendment.id},
    )
    return placement.anchor_missing


def _write_section(
    session: Session,
    amendment: Amendment,
    section: DraftSection,
    revision: int,
    texts: dict[str, str],
    actor_id: int | None,
) -> bool:
    """Compare-and-set of the draft section's title and text; False when someone saved in between."""
    changed = session.execute(
        update(DraftSection)
        .where(DraftSection.id == section.id, DraftSection.revision == revision)
        .values(
            title=texts["title"],
            body=texts["body"],
            revision=DraftSection.revision + 1,
            updated_at=utcnow(),
            updated_by_id=actor_id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    session.expire(section)
    audit.record(
        session,
        actor_id=actor_id,
        action="draft.section_changed",
        object_type="document",
        object_id=amendment.document_id,
        details={"key": section.key, "revision": revision + 1, "amendment_id": amendment.id},
    )
    return True


def _remove_section(
    session: Session, amendment: Amendment, section: DraftSection, actor_id: int | None
) -> None:
    document = amendment.document
    title = section.title
    document.draft_sections.remove(section)
    for position, remaining in enumerate(document.draft_sections):
        remaining.position = position
    audit.record(
        session,
        actor_id=actor_id,
        action="draft.section_removed",
        object_type="document",
        object_id=document.id,
        details={"key": amendment.section_key, "title": title, "amendment_id": amendment.id},
    )


def _finish_merge(session: Session, amendment: Amendment, actor_id: int | None, outcome: Outcome) -> Outcome:
    _move(amendment, AmendmentTransition.MERGE)
    amendment.merged_at = utcnow()
    amendment.document.updated_at = utcnow()
    _record(
        session,
        amendment,
        "merged",
        actor_id,
        version_id=amendment.base_version_id,
        section_key=amendment.section_key,
        outcome=outcome.value,
    )
    return outcome


def _merge_if_clean(
    session: Session, amendment: Amendment, actor_id: int | None, *, confirmed: bool = False
) -> Outcome:
    """Merge an accepted amendment into the draft when no person's choice is needed (no commit);
    ``confirmed``: a person saw that removing the section drops the draft's later changes."""
    found = preview(session, amendment)
    if amendment.kind == AmendmentKind.REMOVE:
        if found.removal_drops_changes and not confirmed:
            return Outcome.NEEDS_RESOLUTION
        if found.section is None:
            return _finish_merge(session, amendment, actor_id, Outcome.ALREADY_DONE)
        _remove_section(session, amendment, found.section, actor_id)
        return _finish_merge(session, amendment, actor_id, Outcome.MERGED)
    if amendment.kind == AmendmentKind.ADD:
        if found.section is not None:
            return _finish_merge(session, amendment, actor_id, Outcome.ALREADY_DONE)
        missing = _insert_section(session, amendment, actor_id, kind=amendment.section_kind or "text")
        return _finish_merge(
            session, amendment, actor_id, Outcome.ANCHOR_MISSING if missing else Outcome.MERGED
        )
    if found.section_gone or found.plan is None or not found.plan.is_clean or found.section is None:
        return Outcome.NEEDS_RESOLUTION
    if not _write_section(
        session, amendment, found.section, found.section.revision, found.plan.merged(), actor_id
    ):
        return Outcome.NEEDS_RESOLUTION
    return _finish_merge(session, amendment, actor_id, Outcome.MERGED)


def accept(session: Session, user: Any, document_id: int, number: int, *, note: str = "") -> Outcome:
    """Accept an open amendment and merge it into the draft. When the draft and the amendment changed the
    same words, nothing changes yet: the facilitator resolves the conflict (see :func:`resolve`)."""
    scope, amendment = load(session, user, document_id, number)
    scope.require(AmendmentPermission.ACCEPT, amendment)
    note = _check_note(note)
    if preview(session, amendment).needs_a_person:
        return Outcome.NEEDS_RESOLUTION
    _accept(session, amendment, user.id, note=note)
    outcome = _merge_if_clean(session, amendment, user.id)
    if outcome == Outcome.NEEDS_RESOLUTION:
        # Someone saved the section between reading and writing: decide again with the new text.
        session.rollback()
        return outcome
    session.commit()
    return outcome


def _accept(
    session: Session,
    amendment: Amendment,
    actor_id: int | None,
    *,
    note: str = "",
    motion_id: int | None = None,
) -> None:
    _move(amendment, AmendmentTransition.ACCEPT)
    amendment.decided_at = utcnow()
    amendment.decided_by_id = actor_id
    amendment.decision_note = note
    _record(
        session, amendment, "accepted", actor_id, version_id=amendment.base_version_id, motion_id=motion_id
    )


def resolve(
    session: Session,
    user: Any,
    document_id: int,
    number: int,
    *,
    draft_revision: int | None,
    choices: dict[str, list[str]],
) -> Outcome:
    """Finish accepting an amendment whose merge needs choices: each conflict gets the amendment's
    words, the draft's words or the facilitator's own. Refused when the draft changed meanwhile."""
    scope, amendment = load(session, user, document_id, number)
    opened = amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.VOTING)
    scope.require(AmendmentPermission.ACCEPT if opened else AmendmentPermission.RESOLVE_MERGE, amendment)
    if amendment.kind != AmendmentKind.CHANGE:
        if opened:
            _accept(session, amendment, user.id)
        outcome = _merge_if_clean(session, amendment, user.id, confirmed=True)
        session.commit()
        return outcome
    found = preview(session, amendment)
    if found.section_gone:
        # The section left the draft after the amendment's base: add the amended text back at the end.
        if opened:
            _accept(session, amendment, user.id)
        _insert_section(session, amendment, user.id, kind=amendment.section_kind or "text", at_end=True)
        outcome = _finish_merge(session, amendment, user.id, Outcome.ANCHOR_MISSING)
        session.commit()
        return outcome
    assert found.plan is not None and found.section is not None
    if draft_revision != found.section.revision:
        raise Conflict("the draft section was changed meanwhile")
    errors: dict[str, list[str]] = {}
    for field in found.plan.conflicting:
        given = choices.get(field.name, [])
        if len(given) != len(field.merge.conflicts):
            errors[field.name] = ["choose_every_conflict"]
    if errors:
        raise InvalidInput("choices missing", field_errors=errors)
    texts = found.plan.resolve(choices)
    if not texts["title"].strip():
        errors["title"] = ["required"]
    elif len(texts["title"]) > MAX_TITLE:
        errors["title"] = ["too_long"]
    if len(texts["body"]) > MAX_TEXT:
        errors["body"] = ["too_long"]
    if errors:
        raise InvalidInput("invalid result", field_errors=errors)
    texts["title"] = texts["title"].strip()
    if opened:
        _accept(session, amendment, user.id)
    if not _write_section(session, amendment, found.section, draft_revision, texts, user.id):
        session.rollback()
        raise Conflict("the draft section was changed meanwhile")
    outcome = _finish_merge(session, amendment, user.id, Outcome.MERGED)
    session.commit()
    return outcome

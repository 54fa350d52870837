"""Status changes of agreements (the workflow), compliance with the adopted framework, and moving
to a newer framework version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from agreements.domain import workflow
from agreements.domain.compliance import Finding, Requirements, check, is_compliant
from agreements.domain.section_diff import VersionDiff, diff_versions
from agreements.domain.workflow import Status, Transition, TransitionRefused
from agreements.models import Document, DocumentVersion, StatusChange
from agreements.permissions import DocumentPermission
from agreements.services.access import load
from agreements.services.versions import latest_version, sections_of
from core import audit
from core.errors import InvalidInput, NotFound
from governance.models import User

MAX_NOTE = 5_000


def compliance(session: Session, document: Document) -> list[Finding] | None:
    """The checklist of the latest published version against the adopted framework version
    (None when the agreement adopted no framework)."""
    if document.kind != "agreement" or document.framework_version_id is None:
        return None
    framework_version = session.get(DocumentVersion, document.framework_version_id)
    assert framework_version is not None
    version = latest_version(session, document.id)
    sections = sections_of(version) if version else []
    parties = {party.party for party in document.parties}
    return check(
        Requirements.from_dict(framework_version.requirements),
        sections,
        parties,
        in_force_from=document.in_force_from,
    )


def change_status(
    session: Session,
    user: User,
    document_id: int,
    transition: str,
    *,
    note: str = "",
    consultation_starts_on: date | None = None,
    consultation_ends_on: date | None = None,
    consultation_audience: str | None = None,
    in_force_from: date | None = None,
) -> Document:
    document, _, _ = load(session, user, document_id, DocumentPermission.CHANGE_STATUS, kind="agreement")
    try:
        move = Transition(transition)
    except ValueError as error:
        raise InvalidInput("unknown transition", field_errors={"transition": ["unknown"]}) from error
    errors: dict[str, list[str]] = {}
    if len(note) > MAX_NOTE:
        errors["note"] = ["too_long"]
    has_version = latest_version(session, document.id) is not None
    if move in (Transition.OPEN_CONSULTATION, Transition.PUT_TO_VOTE, Transition.ADOPT) and not has_version:
        errors["transition"] = ["no_published_version"]
    if move == Transition.OPEN_CONSULTATION:
        if consultation_starts_on is None or consultation_ends_on is None:
            errors["consultation_ends_on"] = ["required"]
        elif consultation_ends_on < consultation_starts_on:
            errors["consultation_ends_on"] = ["before_start"]
        if consultation_audience not in (None, "registered", "members"):
            errors["consultation_audience"] = ["invalid"]
    if move == Transition.ADOPT and in_force_from is None:
        errors["in_force_from"] = ["required"]
    if errors:
        raise InvalidInput("transition refused", field_errors=errors)
    findings = compliance(session, document)
    compliant = findings is None or is_compliant(findings)
    before = Status(document.status)
    try:
        after = workflow.next_status(before, move, compliant=compliant)
    except TransitionRefused as refused:
        raise InvalidInput("transition refused", field_errors={"transition": [refused.reason]}) from refused
    document.status = after
    if move == Transition.OPEN_CONSULTATION:
        document.consultation_starts_on = consultation_starts_on
        document.consultation_ends_on = consultation_ends_on
        document.consultation_audience = consultation_audience or "registered"
    if move == Transition.ADOPT:
        document.in_force_from = in_force_from
    session.add(
        StatusChange(
            document_id=document.id,
            transition=move,
            from_status=before,
            to_status=after,
            note=note.strip(),
            actor_id=user.id,
        )
    )
    audit.record(
        session,
        actor_id=user.id,
        action=f"agreement.{move.value}",
        object_type="document",
        object_id=document.id,
        details={"from": before.value, "to": after.value, "note": note.strip()},
    )
    session.commit()
    return document


def timeline(session: Session, document_id: int) -> list[StatusChange]:
    return list(
        session.scalars(
            select(StatusChange)
            .where(StatusChange.document_id == document_id)
            .options(joinedload(StatusChange.actor))
            .order_by(StatusChange.created_at, StatusChange.id)
        )
    )


@dataclass(frozen=True)
class FrameworkUpdate:
    current: DocumentVersion
    newest: DocumentVersion
    diff: VersionDiff


def framework_update(session: Session, document: Document) -> FrameworkUpdate | None:
    """A newer version of the adopted framework, with what changed, or None."""
    if document.framework_version_id is None:
        return None
    current = session.get(DocumentVersion, document.framework_version_id)
    assert current is not None
    newest = latest_version(session, current.document_id)
    if newest is None or newest.number <= current.number:
        return None
    return FrameworkUpdate(current, newest, diff_versions(sections_of(current), sections_of(newest)))


def adopt_framework_version(
    session: Session, user: User, document_id: int, framework_version_id: int
) -> Document:
    """Move an agreement to another version of its framework (never happens silently)."""
    document, _, _ = load(
        session, user, document_id, DocumentPermission.CHANGE_FRAMEWORK_VERSION, kind="agreement"
    )
    target = session.get(DocumentVersion, framework_version_id)
    if target is None or target.document.kind != "framework":
        raise NotFound("framework version not found")
    if document.framework_version_id is not None:
        current = session.get(DocumentVersion, document.framework_version_id)
        if current is not None and current.document_id != target.document_id:
            raise InvalidInput("other framework", field_errors={"framework_version_id": ["other_framework"]})
    previous = document.framework_version_id
    document.framework_version_id = target.id
    audit.record(
        session,
        actor_id=user.id,
        action="agreement.framework_version_adopted",
        object_type="document",
        object_id=document.id,
        details={"from": previous, "to": target.id},
    )
    session.commit()
    return document


def overview(session: Session, user: Any, document_id: int) -> dict[str, Any]:
    """Everything an agreement's page needs, for the views."""
    from agreements.services.access import allowed_actions

    document, actor, context = load(session, user, document_id, DocumentPermission.VIEW_PUBLISHED)
    return {
        "document": document,
        "context": context,
        "actions": allowed_actions(actor, context),
        "available_transitions": workflow.available(context.status) if document.kind == "agreement" else [],
        "latest": latest_version(session, document.id),
        "compliance": compliance(session, document),
        "timeline": timeline(session, document.id),
        "framework_update": framework_update(session, document),
    }


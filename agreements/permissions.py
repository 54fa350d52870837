"""Named permission rules for agreements and frameworks. Pure: no Flask, no SQLAlchemy.

The actor (governance.permissions.Actor) is seen from the agreement's social space; the document
context says what kind of document it is and in which state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from agreements.domain.workflow import EDITABLE, PUBLIC, Status
from core.errors import PermissionDenied
from governance.parties import SpaceRole
from governance.permissions import Actor


@dataclass(frozen=True)
class DocumentContext:
    kind: str  # "agreement" or "framework"
    status: Status
    has_published_version: bool

    @property
    def is_framework(self) -> bool:
        return self.kind == "framework"


class DocumentPermission(StrEnum):
    VIEW_PUBLISHED = "document.view_published"
    VIEW_DRAFT = "document.view_draft"
    CREATE = "document.create"
    EDIT_DRAFT = "document.edit_draft"
    PUBLISH_VERSION = "document.publish_version"
    CHANGE_STATUS = "document.change_status"
    CHANGE_FRAMEWORK_VERSION = "document.change_framework_version"


def _space_member(actor: Actor) -> bool:
    return actor.is_space_member


def _facilitator_or_admin(actor: Actor) -> bool:
    return actor.facilitates or actor.acts_as_admin


def _view_published(actor: Actor, doc: DocumentContext) -> bool:
    if doc.is_framework:
        return doc.has_published_version or actor.acts_as_admin
    if doc.status in PUBLIC and doc.has_published_version:
        return True
    return _space_member(actor) or actor.acts_as_admin


def _view_draft(actor: Actor, doc: DocumentContext) -> bool:
    if doc.is_framework:
        return actor.acts_as_admin
    return _space_member(actor) or actor.acts_as_admin


def _create(actor: Actor, doc: DocumentContext) -> bool:
    return actor.acts_as_admin if doc.is_framework else _facilitator_or_admin(actor)


def _edit_draft(actor: Actor, doc: DocumentContext) -> bool:
    if doc.is_framework:
        return actor.acts_as_admin
    if doc.status not in EDITABLE:
        return False
    if _facilitator_or_admin(actor):
        return True
    # In negotiation the parties write together; observers only follow.
    return doc.status == Status.NEGOTIATION and actor.is_space_member and actor.space_role == SpaceRole.MEMBER


def _publish(actor: Actor, doc: DocumentContext) -> bool:
    if doc.is_framework:
        return actor.acts_as_admin
    return doc.status not in {Status.SUPERSEDED, Status.EXPIRED, Status.WITHDRAWN} and _facilitator_or_admin(
        actor
    )


def _change_status(actor: Actor, doc: DocumentContext) -> bool:
    return not doc.is_framework and _facilitator_or_admin(actor)


RULES: dict[DocumentPermission, Callable[[Actor, DocumentContext], bool]] = {
    DocumentPermission.VIEW_PUBLISHED: _view_published,
    DocumentPermission.VIEW_DRAFT: _view_draft,
    DocumentPermission.CREATE: _create,
    DocumentPermission.EDIT_DRAFT: _edit_draft,
    DocumentPermission.PUBLISH_VERSION: _publish,
    DocumentPermission.CHANGE_STATUS: _change_status,
    DocumentPermission.CHANGE_FRAMEWORK_VERSION: _change_status,
}


def is_allowed(actor: Actor, permission: DocumentPermission, doc: DocumentContext) -> bool:
    return RULES[permission](actor, doc)


class DocumentNotAllowed(PermissionDenied):
    def __init__(self, permission: DocumentPermission):
        super().__init__(f"{permission.value} not allowed")
        self.permission = permission


def require(actor: Actor, permission: DocumentPermission, doc: DocumentContext) -> None:
    if not is_allowed(actor, permission, doc):
        raise DocumentNotAllowed(permission)

"""Role × action × status grid for agreements and frameworks (adhocracy4-style), without an app."""

from __future__ import annotations

import pytest

from agreements.domain.workflow import Status
from agreements.permissions import DocumentContext, DocumentPermission, is_allowed
from governance.parties import SpaceRole
from governance.permissions import ANONYMOUS, Actor

ROLES = {
    "anonymous": ANONYMOUS,
    "user": Actor(user_id=1),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR),
    "admin": Actor(user_id=1, is_admin=True),
}
P = DocumentPermission
EVERYONE = set(ROLES)
INSIDERS = {"member", "observer", "facilitator", "admin"}
FACILITATION = {"facilitator", "admin"}


def expected_for_agreement(permission: DocumentPermission, status: Status) -> set[str]:
    public = status in {
        Status.CONSULTATION,
        Status.ADOPTED,
        Status.UNDER_REVIEW,
        Status.SUPERSEDED,
        Status.EXPIRED,
    }
    final = status in {Status.SUPERSEDED, Status.EXPIRED, Status.WITHDRAWN}
    editable = status in {Status.DRAFT, Status.NEGOTIATION}
    negotiating = {"member"} if status == Status.NEGOTIATION else set()
    return {
        P.VIEW_PUBLISHED: EVERYONE if public else INSIDERS,
        P.VIEW_DRAFT: INSIDERS,
        P.CREATE: FACILITATION,
        P.EDIT_DRAFT: FACILITATION | negotiating if editable else set(),
        P.PUBLISH_VERSION: set() if final else FACILITATION,
        P.CHANGE_STATUS: FACILITATION,
        P.CHANGE_FRAMEWORK_VERSION: FACILITATION,
    }[permission]


# Frameworks have no workflow: administrators write and publish them; published versions are public.
FRAMEWORK_GRID = {
    P.VIEW_PUBLISHED: EVERYONE,
    P.VIEW_DRAFT: {"admin"},
    P.CREATE: {"admin"},
    P.EDIT_DRAFT: {"admin"},
    P.PUBLISH_VERSION: {"admin"},
    P.CHANGE_STATUS: set(),
    P.CHANGE_FRAMEWORK_VERSION: set(),
}


def allowed_roles(permission: DocumentPermission, context: DocumentContext) -> set[str]:
    return {role for role, actor in ROLES.items() if is_allowed(actor, permission, context)}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("permission", list(DocumentPermission))
def test_agreement_permission_grid(status: Status, permission: DocumentPermission) -> None:
    context = DocumentContext(kind="agreement", status=status, has_published_version=True)
    assert allowed_roles(permission, context) == expected_for_agreement(permission, status)


@pytest.mark.parametrize("permission", list(DocumentPermission))
def test_framework_permission_grid(permission: DocumentPermission) -> None:
    context = DocumentContext(kind="framework", status=Status.DRAFT, has_published_version=True)
    assert allowed_roles(permission, context) == FRAMEWORK_GRID[permission]


def test_an_unpublished_framework_is_seen_by_administrators_only() -> None:
    context = DocumentContext(kind="framework", status=Status.DRAFT, has_published_version=False)
    assert allowed_roles(P.VIEW_PUBLISHED, context) == {"admin"}


def test_an_agreement_without_published_version_is_seen_by_insiders_only() -> None:
    context = DocumentContext(kind="agreement", status=Status.CONSULTATION, has_published_version=False)
    assert allowed_roles(P.VIEW_PUBLISHED, context) == INSIDERS

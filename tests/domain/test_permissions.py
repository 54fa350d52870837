"""Role × action grid for the permission rules, without an app (after adhocracy4's rule tests)."""

from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from governance.parties import OrganisationRole, SpaceRole
from governance.permissions import ANONYMOUS, Actor, Permission, is_allowed, require

ROLES: dict[str, Actor] = {
    "anonymous": ANONYMOUS,
    "deactivated": Actor(user_id=9, is_active=False, space_role=SpaceRole.FACILITATOR, is_admin=True),
    "user": Actor(user_id=1),
    "requested": Actor(user_id=1, has_pending_request=True),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR, facilitates_any_space=True),
    "facilitator_elsewhere": Actor(user_id=1, facilitates_any_space=True),
    "org_member": Actor(user_id=1, organisation_role=OrganisationRole.MEMBER),
    "org_representative": Actor(user_id=1, organisation_role=OrganisationRole.REPRESENTATIVE),
    "admin": Actor(user_id=1, is_admin=True),
}

# Which roles may do what. Every permission is listed; a role not named is refused.
GRID: dict[Permission, set[str]] = {
    Permission.VIEW_SPACE: set(ROLES),
    Permission.VIEW_SPACE_MEMBER_NAMES: set(ROLES) - {"anonymous", "deactivated"},
    Permission.REQUEST_TO_JOIN_SPACE: {
        "user", "facilitator_elsewhere", "org_member", "org_representative", "admin",
    },
    Permission.LEAVE_SPACE: {"member", "observer", "facilitator"},
    Permission.INVITE_TO_SPACE: {"facilitator", "admin"},
    Permission.ACCEPT_INVITATION: set(ROLES) - {"anonymous", "deactivated"},
    Permission.DECIDE_JOIN_REQUEST: {"facilitator", "admin"},
    Permission.CHANGE_SPACE_MEMBER: {"facilitator", "admin"},
    Permission.APPOINT_FACILITATOR: {"admin"},
    Permission.CREATE_SPACE_GROUP: {"facilitator", "facilitator_elsewhere", "admin"},
    Permission.EDIT_SPACE_GROUP: {"facilitator", "admin"},
    Permission.VIEW_ORGANISATION: set(ROLES),
    Permission.CREATE_ORGANISATION: {"admin"},
    Permission.EDIT_ORGANISATION: {"org_representative", "admin"},
    Permission.MANAGE_ORGANISATION_MEMBERS: {"org_representative", "admin"},
    Permission.JOIN_ORGANISATION: set(ROLES)
    - {"anonymous", "deactivated", "org_member", "org_representative"},
    Permission.MANAGE_OWN_ACCOUNT: set(ROLES) - {"anonymous", "deactivated"},
    Permission.MANAGE_USERS: {"admin"},
    Permission.VIEW_AUDIT_LOG: {"admin"},
}  # fmt: skip


def test_grid_lists_every_permission() -> None:
    assert set(GRID) == set(Permission)


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
@pytest.mark.parametrize("role", list(ROLES))
def test_role_permission_grid(role: str, permission: Permission) -> None:
    expected = role in GRID[permission]
    assert is_allowed(ROLES[role], permission) is expected


def test_require_raises_permission_denied() -> None:
    with pytest.raises(PermissionDenied):
        require(ANONYMOUS, Permission.MANAGE_USERS)
    require(ROLES["admin"], Permission.MANAGE_USERS)

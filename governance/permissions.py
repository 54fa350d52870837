"""Named permission rules (after adhocracy4's rules): pure Python, no Flask, no SQLAlchemy.

Services build an :class:`Actor` describing who acts and how they relate to the object at hand
(a space, an organisation), then call :func:`require`. The rules are one table of small
predicates so the role × action grid in the tests reads like the specification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from core.errors import PermissionDenied
from governance.parties import OrganisationRole, SpaceRole


@dataclass(frozen=True)
class Actor:
    """Who acts, seen from one space and/or one organisation."""

    user_id: int | None = None
    is_admin: bool = False
    is_active: bool = True
    # Role in the space in question if the membership is active, else None.
    space_role: SpaceRole | None = None
    # A join request to this space is waiting for a decision.
    has_pending_request: bool = False
    # Facilitates at least one space (may define groups of units).
    facilitates_any_space: bool = False
    # Role in the organisation in question, if any.
    organisation_role: OrganisationRole | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None and self.is_active

    @property
    def is_space_member(self) -> bool:
        return self.is_authenticated and self.space_role is not None

    @property
    def facilitates(self) -> bool:
        return self.is_authenticated and self.space_role == SpaceRole.FACILITATOR

    @property
    def acts_as_admin(self) -> bool:
        return self.is_authenticated and self.is_admin


ANONYMOUS = Actor()


class Permission(StrEnum):
    VIEW_SPACE = "space.view"
    VIEW_SPACE_MEMBER_NAMES = "space.view_member_names"
    REQUEST_TO_JOIN_SPACE = "space.request_to_join"
    LEAVE_SPACE = "space.leave"
    INVITE_TO_SPACE = "space.invite"
    # Holding the invitation's secret link is what entitles; the rule only asks for an account.
    ACCEPT_INVITATION = "space.accept_invitation"
    DECIDE_JOIN_REQUEST = "space.decide_join_request"
    CHANGE_SPACE_MEMBER = "space.change_member"
    APPOINT_FACILITATOR = "space.appoint_facilitator"
    CREATE_SPACE_GROUP = "space.create_group"
    EDIT_SPACE_GROUP = "space.edit_group"

    VIEW_ORGANISATION = "organisation.view"
    CREATE_ORGANISATION = "organisation.create"
    EDIT_ORGANISATION = "organisation.edit"
    MANAGE_ORGANISATION_MEMBERS = "organisation.manage_members"
    JOIN_ORGANISATION = "organisation.join"

    MANAGE_OWN_ACCOUNT = "account.manage_own"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT_LOG = "audit.view"


Rule = Callable[[Actor], bool]


def _everyone(actor: Actor) -> bool:
    return True


def _authenticated(actor: Actor) -> bool:
    return actor.is_authenticated


def _admin(actor: Actor) -> bool:
    return actor.acts_as_admin


def _facilitator_or_admin(actor: Actor) -> bool:
    return actor.facilitates or actor.acts_as_admin


def _may_request_to_join(actor: Actor) -> bool:
    return actor.is_authenticated and actor.space_role is None and not actor.has_pending_request


def _may_leave(actor: Actor) -> bool:
    return actor.is_space_member


def _may_create_group(actor: Actor) -> bool:
    return actor.acts_as_admin or (actor.is_authenticated and actor.facilitates_any_space)


def _representative_or_admin(actor: Actor) -> bool:
    return actor.acts_as_admin or (
        actor.is_authenticated and actor.organisation_role == OrganisationRole.REPRESENTATIVE
    )


def _may_join_organisation(actor: Actor) -> bool:
    return actor.is_authenticated and actor.organisation_role is None


RULES: dict[Permission, Rule] = {
    Permission.VIEW_SPACE: _everyone,
    # Being listed as a beneficiary can reveal health-related facts: names only to signed-in users.
    Permission.VIEW_SPACE_MEMBER_NAMES: _authenticated,
    Permission.REQUEST_TO_JOIN_SPACE: _may_request_to_join,
    Permission.LEAVE_SPACE: _may_leave,
    Permission.INVITE_TO_SPACE: _facilitator_or_admin,
    Permission.ACCEPT_INVITATION: _authenticated,
    Permission.DECIDE_JOIN_REQUEST: _facilitator_or_admin,
    Permission.CHANGE_SPACE_MEMBER: _facilitator_or_admin,
    Permission.APPOINT_FACILITATOR: _admin,
    Permission.CREATE_SPACE_GROUP: _may_create_group,
    Permission.EDIT_SPACE_GROUP: _facilitator_or_admin,
    Permission.VIEW_ORGANISATION: _everyone,
    Permission.CREATE_ORGANISATION: _admin,
    Permission.EDIT_ORGANISATION: _representative_or_admin,
    Permission.MANAGE_ORGANISATION_MEMBERS: _representative_or_admin,
    Permission.JOIN_ORGANISATION: _may_join_organisation,
    Permission.MANAGE_OWN_ACCOUNT: _authenticated,
    Permission.MANAGE_USERS: _admin,
    Permission.VIEW_AUDIT_LOG: _admin,
}


def is_allowed(actor: Actor, permission: Permission) -> bool:
    return RULES[permission](actor)


class NotAllowed(PermissionDenied):
    """Raised by :func:`require`; the web layer answers 403 (or 401 for anonymous actors)."""

    def __init__(self, permission: Permission, actor: Actor):
        super().__init__(f"{permission.value} not allowed")
        self.permission = permission
        self.actor = actor


def require(actor: Actor, permission: Permission) -> None:
    if not is_allowed(actor, permission):
        raise NotAllowed(permission, actor)

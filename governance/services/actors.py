"""Build the permission module's :class:`Actor` for a user relative to a space or organisation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.models import OrganisationMember, SpaceMembership, User
from governance.parties import MembershipStatus, OrganisationRole, SpaceRole
from governance.permissions import ANONYMOUS, Actor


def as_user(user: Any) -> User | None:
    """Flask-Login's anonymous user and None both mean 'nobody signed in'."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def actor_for(
    session: Session,
    user: Any,
    *,
    space_id: int | None = None,
    organisation_id: int | None = None,
    with_facilitation: bool = False,
) -> Actor:
    user = as_user(user)
    if user is None:
        return ANONYMOUS
    space_role = None
    pending = False
    if space_id is not None:
        membership = session.scalar(
            select(SpaceMembership).where(
                SpaceMembership.space_id == space_id, SpaceMembership.user_id == user.id
            )
        )
        if membership is not None:
            if membership.status == MembershipStatus.ACTIVE:
                space_role = SpaceRole(membership.role)
            pending = membership.status == MembershipStatus.REQUESTED
    organisation_role = None
    if organisation_id is not None:
        role = session.scalar(
            select(OrganisationMember.role).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.user_id == user.id,
            )
        )
        organisation_role = OrganisationRole(role) if role else None
    facilitates_any = False
    if with_facilitation:
        facilitates_any = (
            session.scalar(
                select(SpaceMembership.id)
                .where(
                    SpaceMembership.user_id == user.id,
                    SpaceMembership.role == SpaceRole.FACILITATOR,
                    SpaceMembership.status == MembershipStatus.ACTIVE,
                )
                .limit(1)
            )
            is not None
        )
    return Actor(
        user_id=user.id,
        is_admin=user.is_admin,
        is_active=user.is_active,
        space_role=space_role,
        has_pending_request=pending,
        facilitates_any_space=facilitates_any,
        organisation_role=organisation_role,
    )

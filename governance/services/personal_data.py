"""Everything Raumrat holds about one person, as plain data for the "download your data" file.

Secrets are left out on purpose: no password hash, no token hashes (of API tokens or invitations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from core.audit import AuditEntry
from core.mail import OutboxMessage
from core.timeutil import utcnow
from governance.models import ApiToken, Invitation, OrganisationMember, SpaceMembership, User
from governance.permissions import Permission, require
from governance.services.actors import actor_for

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "pseudonym": user.pseudonym,
        "language": user.locale,
        "site_administrator": user.is_admin,
        "active": user.active,
        "created_at": _when(user.created_at),
        "deleted_at": _when(user.deleted_at),
    }


def _organisations(session: Session, user: User) -> list[dict[str, Any]]:
    links = session.scalars(
        select(OrganisationMember)
        .where(OrganisationMember.user_id == user.id)
        .options(joinedload(OrganisationMember.organisation))
        .order_by(OrganisationMember.id)
    )
    return [
        {
            "organisation_id": link.organisation_id,
            "organisation": link.organisation.name,
            "kind": link.organisation.kind,
            "role": link.role,
            "since": _when(link.created_at),
        }
        for link in links
    ]


def _memberships(session: Session, user: User) -> list[dict[str, Any]]:
    memberships = session.scalars(
        select(SpaceMembership)
        .where(SpaceMembership.user_id == user.id)
        .options(joinedload(SpaceMembership.space), joinedload(SpaceMembership.organisation))
        .order_by(SpaceMembership.id)
    )
    return [
        {
            "space_id": membership.space_id,
            "space": membership.space.name,
            "space_code": membership.space.code,
            "party": membership.party,
            "role": membership.role,
            "status": membership.status,
            "organisation": membership.organisation.name if membership.organisation else None,
            "message": membership.message,
            "requested_at": _when(membership.created_at),
            "decided_at": _when(membership.decided_at),
        }
        for membership in memberships
    ]


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "space_id": invitation.space_id,
        "space": invitation.space.name,
        "email": invitation.email,
        "party": invitation.party,
        "role": invitation.role,
        "organisation": invitation.organisation.name if invitation.organisation else None,
        "created_at": _when(invitation.created_at),
        "expires_at": _when(invitation.expires_at),
        "accepted_at": _when(invitation.accepted_at),
        "revoked_at": _when(invitation.revoked_at),
    }


def _invitations(session: Session, user: User) -> dict[str, list[dict[str, Any]]]:
    conditions = [Invitation.invited_by_id == user.id, Invitation.accepted_by_id == user.id]
    if user.email:
        conditions.append(Invitation.email == user.email)
    invitations = list(
        session.scalars(
            select(Invitation)
            .where(or_(*conditions))
            .options(joinedload(Invitation.space), joinedload(Invitation.organisation))
            .order_by(Invitation.id)
        )
    )
    return {
        "sent": [_invitation(i) for i in invitations if i.invited_by_id == user.id],
        "accepted": [_invitation(i) for i in invitations if i.accepted_by_id == user.id],
        # Invitations to the address that nobody has accepted yet.
        "to_your_address": [
            _invitation(i)
            for i in invitations
            if user.email and i.email == user.email and i.accepted_by_id is None
        ],
    }


def _api_tokens(session: Session, user: User) -> list[dict[str, Any]]:
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _when(token.created_at),
            "last_used_at": _when(token.last_used_at),
            "revoked_at": _when(token.revoked_at),
        }
        for token in tokens
    ]


def _audit_entries(session: Session, user: User) -> list[dict[str, Any]]:
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    return [
        {
            "at": _when(entry.created_at),
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
        }
        for entry in entries
    ]


def _mails(session: Session, user: User) -> list[dict[str, Any]]:
    if not user.email:
        return []
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == user.email).order_by(OutboxMessage.id)
    )
    return [
        {
            "created_at": _when(message.created_at),
            "recipient": message.recipient,
            "subject": message.subject,
            "body": message.body,
            "status": message.status,
            "sent_at": _when(message.sent_at),
        }
        for message in messages
    ]


def export_personal_data(session: Session, user: User) -> dict[str, Any]:
    """The person's own data as a JSON-ready dict (strings, numbers, lists, dicts, None)."""
    require(actor_for(session, user), Permission.MANAGE_OWN_ACCOUNT)
    from notifications.services.personal_data import personal_data as notification_data

    return {
        "format_version": FORMAT_VERSION,
        "exported_at": _when(utcnow()),
        "account": _account(user),
        "organisations": _organisations(session, user),
        "space_memberships": _memberships(session, user),
        "invitations": _invitations(session, user),
        "api_tokens": _api_tokens(session, user),
        "audit_entries": _audit_entries(session, user),
        "mails": _mails(session, user),
        "notifications": notification_data(session, user.id),
    }

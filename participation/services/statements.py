"""Formal statements (Stellungnahmen): an organisation's representative publishes a position on
behalf of the organisation, on an agreement or one of its amendments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import audit
from core.errors import InvalidInput
from governance.models import Organisation, OrganisationMember
from governance.parties import OrganisationRole
from participation.models import Statement
from participation.permissions import ParticipationPermission as P
from participation.permissions import is_allowed, require
from participation.services.access import (
    MAX_STATEMENT,
    Participation,
    amendment_of,
    author_membership,
    checked_text,
    participation,
)


def represented_organisations(session: Session, user: Any) -> list[Organisation]:
    """The organisations the user may speak for (as their representative), by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        session.scalars(
            select(Organisation)
            .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
            .where(
                OrganisationMember.user_id == user.id,
                OrganisationMember.role == OrganisationRole.REPRESENTATIVE,
            )
            .order_by(Organisation.name)
        )
    )


def may_state_for(part: Participation, organisations: list[Organisation]) -> list[Organisation]:
    """Of the user's represented organisations, those they may publish a statement for now."""
    actor = replace(part.actor, organisation_role=OrganisationRole.REPRESENTATIVE)
    return organisations if is_allowed(actor, P.STATE, part.context) else []


def publish_statement(
    session: Session,
    user: Any,
    document_id: int,
    organisation_id: int,
    body: str,
    *,
    amendment_id: int | None = None,
) -> Statement:
    part = participation(session, user, document_id)
    document = part.document
    role = None
    if part.user is not None:
        role = session.scalar(
            select(OrganisationMember.role).where(
                OrganisationMember.organisation_id == organisation_id,
                OrganisationMember.user_id == part.user.id,
            )
        )
    actor = replace(part.actor, organisation_role=OrganisationRole(role) if role else None)
    require(actor, P.STATE, part.context)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise InvalidInput("unknown organisation", field_errors={"organisation_id": ["invalid"]})
    text = checked_text(body, "body", MAX_STATEMENT)
    amendment = amendment_of(session, document, amendment_id) if amendment_id is not None else None
    membership = author_membership(session, part.user, document.space_id)
    # The author's party in the space, else the side the organisation's kind stands for.
    party = (membership.party if membership is not None else None) or organisation.kind
    statement = Statement(
        document_id=document.id,
        amendment_id=amendment.id if amendment else None,
        organisation_id=organisation.id,
        author_id=part.user.id,
        party=party,
        body=text,
    )
    session.add(statement)
    session.flush()
    audit.record(
        session,
        actor_id=part.user.id,
        action="statement.published",
        object_type="statement",
        object_id=statement.id,
        details={
            "document_id": document.id,
            "amendment_id": statement.amendment_id,
            "organisation_id": organisation.id,
            "space_id": document.space_id,
        },
    )
    session.commit()
    return statement


def statements_of(session: Session, document_id: int, amendment_id: int | None = None) -> list[Statement]:
    """The statements on an agreement (amendment_id None) or on one amendment, oldest first, in one query."""
    condition = (
        Statement.amendment_id.is_(None) if amendment_id is None else Statement.amendment_id == amendment_id
    )
    return list(
        session.scalars(
            select(Statement)
            .where(Statement.document_id == document_id, condition)
            .options(joinedload(Statement.organisation), joinedload(Statement.author))
            .order_by(Statement.created_at, Statement.id)
        )
    )

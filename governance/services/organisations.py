"""Organisations: the directory, an organisation's page, editing and its members.

Members are added by a representative or an administrator (an existing account, found by e-mail);
an organisation always keeps at least one representative unless an administrator decides otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from governance.models import Organisation, OrganisationMember, Space, SpaceMembership, User
from governance.parties import MembershipStatus, OrganisationKind, OrganisationRole
from governance.permissions import Actor, Permission, is_allowed, require
from governance.services.accounts import normalise_email
from governance.services.actors import actor_for, as_user
from governance.units import normalise_search

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_WEBSITE_LENGTH = 300
MAX_QUERY_LENGTH = 100
MAX_EMAIL_LENGTH = 320

KINDS = frozenset(kind.value for kind in OrganisationKind)
ROLES = frozenset(role.value for role in OrganisationRole)


class LastRepresentative(Conflict):
    """An organisation must keep a representative; only an administrator may leave it without one."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "An organisation needs at least one representative. "
                "Make another member a representative first, or ask the site administration."
            )
        )


# --- reading -------------------------------------------------------------------------------------


def validate_filter(kind: str | None, query: str | None) -> tuple[str | None, str]:
    """Clean the directory's filter values; unknown kinds and overlong searches raise InvalidInput."""
    errors: dict[str, list[str]] = {}
    kind = (kind or "").strip() or None
    query = (query or "").strip()
    if kind is not None and kind not in KINDS:
        errors["kind"] = ["unknown_kind"]
    if len(query) > MAX_QUERY_LENGTH:
        errors["q"] = ["too_long"]
    if errors:
        raise InvalidInput("invalid filter", field_errors=errors)
    return kind, query


def list_organisations(
    session: Session, user: Any, *, kind: str | None = None, query: str | None = None
) -> list[Organisation]:
    """Organisations by name, optionally of one kind and matching every word of a name search."""
    require(actor_for(session, user), Permission.VIEW_ORGANISATION)
    kind, query = validate_filter(kind, query)
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    organisations = list(session.scalars(stmt))
    if not query:
        return organisations
    # Matched in Python: SQLite's lower() only folds ASCII, and umlauts should match however they
    # are typed ("Groepelingen", "gröpelingen"). Organisations number in the hundreds, not millions.
    words = normalise_search(query).split()
    return [org for org in organisations if all(word in normalise_search(org.name) for word in words)]


def member_counts(session: Session, user: Any) -> dict[int, int]:
    """Number of members per organisation id, in one query (organisations without members absent)."""
    require(actor_for(session, user), Permission.VIEW_ORGANISATION)
    rows = session.execute(
        select(OrganisationMember.organisation_id, func.count()).group_by(OrganisationMember.organisation_id)
    )
    return {organisation_id: count for organisation_id, count in rows}


def get_organisation(session: Session, user: Any, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    require(actor_for(session, user, organisation_id=organisation.id), Permission.VIEW_ORGANISATION)
    return organisation


@dataclass
class OrganisationPage:
    organisation: Organisation
    # Empty when the viewer may not see names (anonymous visitors see the counts only).
    members: list[OrganisationMember]
    may_see_names: bool
    member_count: int
    representative_count: int
    # Spaces the organisation takes part in, with how many active members speak for it there.
    spaces: list[tuple[Space, int]]
    viewer_membership: OrganisationMember | None
    permissions: dict[str, bool]


def _members(session: Session, organisation_id: int) -> list[OrganisationMember]:
    return list(
        session.scalars(
            select(OrganisationMember)
            .join(OrganisationMember.user)
            .where(OrganisationMember.organisation_id == organisation_id)
            .options(joinedload(OrganisationMember.user))
            # Representatives first, then by name: the people to contact come first.
            .order_by(
                (OrganisationMember.role != OrganisationRole.REPRESENTATIVE),
                func.coalesce(User.pseudonym, User.display_name),
                OrganisationMember.id,
            )
        )
    )


def _spaces(session: Session, organisation_id: int) -> list[tuple[Space, int]]:
    counts = (
        select(SpaceMembership.space_id, func.count().label("speakers"))
        .where(
            SpaceMembership.organisation_id == organisation_id,
            SpaceMembership.status == MembershipStatus.ACTIVE,
        )
        .group_by(SpaceMembership.space_id)
        .subquery()
    )
    rows = session.execute(
        select(Space, counts.c.speakers).join(counts, Space.id == counts.c.space_id).order_by(Space.name)
    )
    return [(space, speakers) for space, speakers in rows]


def _permissions(actor: Actor) -> dict[str, bool]:
    return {
        permission.name.lower(): is_allowed(actor, permission)
        for permission in (
            Permission.EDIT_ORGANISATION,
            Permission.MANAGE_ORGANISATION_MEMBERS,
            Permission.CREATE_ORGANISATION,
        )
    }


def organisation_page(session: Session, user: Any, organisation_id: int) -> OrganisationPage:
    """Everything an organisation's page shows, in a fixed number of queries whatever its size."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    actor = actor_for(session, user, organisation_id=organisation.id)
    require(actor, Permission.VIEW_ORGANISATION)
    members = _members(session, organisation.id)
    viewer = as_user(user)
    # Belonging to an advocacy group can reveal health-related facts: the same rule as for a space's
    # member names applies (names to signed-in users only).
    may_see_names = is_allowed(actor, Permission.VIEW_SPACE_MEMBER_NAMES)
    viewer_membership = next((m for m in members if viewer is not None and m.user_id == viewer.id), None)
    permissions = _permissions(actor)
    permissions["leave_organisation"] = viewer_membership is not None and actor.is_authenticated
    return OrganisationPage(
        organisation=organisation,
        members=members if may_see_names else [],
        may_see_names=may_see_names,
        member_count=len(members),
        representative_count=sum(1 for m in members if m.role == OrganisationRole.REPRESENTATIVE),
        spaces=_spaces(session, organisation.id),
        viewer_membership=viewer_membership,
        permissions=permissions,
    )


def may_create(session: Session, user: Any) -> bool:
    return is_allowed(actor_for(session, user), Permission.CREATE_ORGANISATION)


def require_may_create(session: Session, user: Any) -> None:
    require(actor_for(session, user), Permission.CREATE_ORGANISATION)


def require_may_manage_members(session: Session, user: Any, organisation_id: int) -> Organisation:
    return _managed_organisation(session, user, organisation_id)[0]


def organisation_for_editing(session: Session, user: Any, organisation_id: int) -> tuple[Organisation, bool]:
    """The organisation if the user may edit it, and whether they may also change its kind."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    actor = actor_for(session, user, organisation_id=organisation.id)
    require(actor, Permission.EDIT_ORGANISATION)
    return organisation, is_allowed(actor, Permission.CREATE_ORGANISATION)


def member_management_page(session: Session, user: Any, organisation_id: int) -> OrganisationPage:
    """The organisation's page, for those who may manage its members."""
    require(actor_for(session, user, organisation_id=organisation_id), Permission.MANAGE_ORGANISATION_MEMBERS)
    return organisation_page(session, user, organisation_id)


# --- validation ----------------------------------------------------------------------------------


@dataclass
class OrganisationFields:
    name: str
    kind: str | None
    description: str
    website: str | None


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _has_control_characters(value: str) -> bool:
    return any(ord(char) < 32 and char not in "\r\n\t" for char in value)


def _name_taken(session: Session, name: str, *, except_id: int | None = None) -> bool:
    stmt = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(Organisation.id != except_id)
    return session.execute(stmt.limit(1)).first() is not None


def validate_fields(
    session: Session,
    *,
    name: str,
    kind: str | None,
    description: str | None,
    website: str | None,
    kind_required: bool,
    except_id: int | None = None,
) -> OrganisationFields:
    """Check an organisation's fields; every problem is reported at once as a code per field."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    description = (description or "").strip()
    website = (website or "").strip() or None
    kind = (kind or "").strip() or None
    if not name:
        errors["name"] = ["required"]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = ["too_long"]
    elif _has_control_characters(name):
        errors["name"] = ["control_characters"]
    elif _name_taken(session, name, except_id=except_id):
        errors["name"] = ["taken"]
    if kind is None:
        if kind_required:
            errors["kind"] = ["required"]
    elif kind not in KINDS:
        errors["kind"] = ["unknown_kind"]
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = ["too_long"]
    if website is not None:
        if len(website) > MAX_WEBSITE_LENGTH:
            errors["website"] = ["too_long"]
        elif not _is_web_address(website):
            errors["website"] = ["invalid_url"]
    if errors:
        raise InvalidInput("invalid organisation", field_errors=errors)
    return OrganisationFields(name=name, kind=kind, description=description, website=website)


def _commit_or_name_taken(session: Session) -> None:
    """Two people choosing the same name at once: the unique index decides, the loser gets 'taken'."""
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise InvalidInput("invalid organisation", field_errors={"name": ["taken"]}) from error


# --- changing ------------------------------------------------------------------------------------


def create_organisation(
    session: Session,
    user: Any,
    *,
    name: str,
    kind: str,
    description: str = "",
    website: str | None = None,
) -> Organisation:
    actor = actor_for(session, user)
    require(actor, Permission.CREATE_ORGANISATION)
    fields = validate_fields(
        session, name=name, kind=kind, description=description, website=website, kind_required=True
    )
    organisation = Organisation(
        name=fields.name, kind=fields.kind, description=fields.description, website=fields.website
    )
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.created",
        object_type="organisation",
        object_id=organisation.id,
        details={"name": fields.name, "kind": fields.kind},
    )
    _commit_or_name_taken(session)
    return organisation


def update_organisation(
    session: Session,
    user: Any,
    organisation_id: int,
    *,
    name: str,
    description: str = "",
    website: str | None = None,
    kind: str | None = None,
) -> Organisation:
    """Change name, description and website; the kind (which side it sits on) only administrators.

    ``kind=None`` keeps the kind as it is.
    """
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    actor = actor_for(session, user, organisation_id=organisation.id)
    require(actor, Permission.EDIT_ORGANISATION)
    fields = validate_fields(
        session,
        name=name,
        kind=kind,
        description=description,
        website=website,
        kind_required=False,
        except_id=organisation.id,
    )
    if fields.kind is not None and fields.kind != organisation.kind:
        require(actor, Permission.CREATE_ORGANISATION)
    new_values = {
        "name": fields.name,
        "kind": fields.kind or organisation.kind,
        "description": fields.description,
        "website": fields.website,
    }
    changed = {key: value for key, value in new_values.items() if getattr(organisation, key) != value}
    if not changed:
        return organisation
    for key, value in changed.items():
        setattr(organisation, key, value)
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.updated",
        object_type="organisation",
        object_id=organisation.id,
        # The description can be long: record that it changed, not its text.
        details={
            "changed": sorted(changed),
            **{key: value for key, value in changed.items() if key != "description"},
        },
    )
    _commit_or_name_taken(session)
    return organisation


def _managed_organisation(session: Session, user: Any, organisation_id: int) -> tuple[Organisation, Actor]:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    actor = actor_for(session, user, organisation_id=organisation.id)
    require(actor, Permission.MANAGE_ORGANISATION_MEMBERS)
    return organisation, actor


def _member(session: Session, organisation_id: int, member_id: int) -> OrganisationMember:
    member = session.get(OrganisationMember, member_id)
    if member is None or member.organisation_id != organisation_id:
        raise NotFound("member not found")
    return member


def _validate_role(role: str | None) -> str:
    if role not in ROLES:
        raise InvalidInput("invalid role", field_errors={"role": ["unknown_role"]})
    return role


def _other_representatives(session: Session, member: OrganisationMember) -> int:
    return session.scalar(
        select(func.count()).where(
            OrganisationMember.organisation_id == member.organisation_id,
            OrganisationMember.role == OrganisationRole.REPRESENTATIVE,
            OrganisationMember.id != member.id,
        )
    )


def _keep_a_representative(session: Session, actor: Actor, member: OrganisationMember) -> None:
    if member.role != OrganisationRole.REPRESENTATIVE or actor.acts_as_admin:
        return
    if _other_representatives(session, member) == 0:
        raise LastRepresentative()


def _stop_speaking_for(session: Session, member: OrganisationMember) -> list[int]:
    """Someone who leaves an organisation no longer speaks for it in any space."""
    memberships = list(
        session.scalars(
            select(SpaceMembership).where(
                SpaceMembership.user_id == member.user_id,
                SpaceMembership.organisation_id == member.organisation_id,
            )
        )
    )
    for membership in memberships:
        membership.organisation_id = None
    return [membership.space_id for membership in memberships]


def add_member(
    session: Session, user: Any, organisation_id: int, *, email: str, role: str = OrganisationRole.MEMBER
) -> OrganisationMember:
    """Add an existing, active account to the organisation, found by its e-mail address."""
    organisation, actor = _managed_organisation(session, user, organisation_id)
    errors: dict[str, list[str]] = {}
    address = normalise_email(email or "")
    if not address:
        errors["email"] = ["required"]
    elif len(address) > MAX_EMAIL_LENGTH:
        errors["email"] = ["too_long"]
    if role not in ROLES:
        errors["role"] = ["unknown_role"]
    person = None
    if not errors:
        person = session.scalar(select(User).where(User.email == address))
        if person is None or not person.is_active:
            errors["email"] = ["no_account"]
        elif session.scalar(
            select(OrganisationMember.id).where(
                OrganisationMember.organisation_id == organisation.id, OrganisationMember.user_id == person.id
            )
        ):
            errors["email"] = ["already_member"]
    if errors:
        raise InvalidInput("member not added", field_errors=errors)
    assert person is not None
    member = OrganisationMember(organisation_id=organisation.id, user_id=person.id, role=role)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.member_added",
        object_type="organisation",
        object_id=organisation.id,
        details={"user_id": person.id, "role": role},
    )
    try:
        session.commit()
    except IntegrityError as error:  # added by someone else at the same moment
        session.rollback()
        raise InvalidInput("member not added", field_errors={"email": ["already_member"]}) from error
    return member


def change_member_role(
    session: Session, user: Any, organisation_id: int, member_id: int, *, role: str
) -> OrganisationMember:
    organisation, actor = _managed_organisation(session, user, organisation_id)
    member = _member(session, organisation.id, member_id)
    role = _validate_role(role)
    if member.role == role:
        return member
    if role != OrganisationRole.REPRESENTATIVE:
        _keep_a_representative(session, actor, member)
    previous = member.role
    member.role = role
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.member_role_changed",
        object_type="organisation",
        object_id=organisation.id,
        details={"user_id": member.user_id, "from": previous, "to": role},
    )
    session.commit()
    return member


def remove_member(session: Session, user: Any, organisation_id: int, member_id: int) -> str:
    """Remove a member; return their public name for the confirmation message."""
    organisation, actor = _managed_organisation(session, user, organisation_id)
    member = _member(session, organisation.id, member_id)
    name = member.user.public_name
    _keep_a_representative(session, actor, member)
    space_ids = _stop_speaking_for(session, member)
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.member_removed",
        object_type="organisation",
        object_id=organisation.id,
        details={"user_id": member.user_id, "role": member.role, "no_longer_speaks_in": space_ids},
    )
    session.delete(member)
    session.commit()
    return name


def leave_organisation(session: Session, user: Any, organisation_id: int) -> None:
    """The signed-in user leaves an organisation they belong to."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation not found")
    actor = actor_for(session, user, organisation_id=organisation.id)
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    member = session.scalar(
        select(OrganisationMember).where(
            OrganisationMember.organisation_id == organisation.id, OrganisationMember.user_id == actor.user_id
        )
    )
    if member is None:
        raise NotFound("not a member")
    _keep_a_representative(session, actor, member)
    space_ids = _stop_speaking_for(session, member)
    audit.record(
        session,
        actor_id=actor.user_id,
        action="organisation.member_left",
        object_type="organisation",
        object_id=organisation.id,
        details={"user_id": member.user_id, "role": member.role, "no_longer_speaks_in": space_ids},
    )
    session.delete(member)
    session.commit()

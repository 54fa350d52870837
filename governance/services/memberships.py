"""Membership of a social space by party.

Join requests and their decision, leaving, invitations by e-mail, the facilitators' member
management and the site administrators' appointment of facilitators. Every function checks a named
permission, writes the audit log for each change and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from core.mail import queue_mail
from core.timeutil import utcnow
from governance.labels import PARTY_MEMBER_LABELS, SPACE_ROLE_LABELS
from governance.models import Invitation, Organisation, OrganisationMember, Space, SpaceMembership, User
from governance.parties import MembershipStatus, Party, SpaceRole, party_required
from governance.passwords import hash_token, new_secret_token
from governance.permissions import Permission, is_allowed, require
from governance.services.accounts import normalise_email
from governance.services.actors import actor_for
from governance.services.spaces import get_space

MAX_MESSAGE_LENGTH = 1000
MAX_EMAIL_LENGTH = 320
# Longer "tokens" cannot be ours; refusing them early keeps junk out of the hash lookup.
MAX_TOKEN_LENGTH = 100
INVITABLE_ROLES = (SpaceRole.MEMBER, SpaceRole.OBSERVER, SpaceRole.FACILITATOR)


class InvitationUnusable(Conflict):
    """The invitation exists but can no longer be used; ``reason`` is expired, revoked or used."""

    status = 410

    def __init__(self, reason: str):
        super().__init__(f"invitation {reason}")
        self.reason = reason


# ---------------------------------------------------------------------------------------------
# Shared checks


def _parse_party(party: str | None, role: SpaceRole | None, errors: dict[str, list[str]]) -> str | None:
    """A valid party, or None where the role may go without one; problems go into ``errors``."""
    party = (party or "").strip()
    if not party:
        if role is not None and party_required(role):
            errors["party"] = ["required"]
        return None
    if party not in {p.value for p in Party}:
        errors["party"] = ["unknown_party"]
        return None
    return party


def _parse_role(role: str | None, errors: dict[str, list[str]]) -> SpaceRole | None:
    try:
        return SpaceRole(role or "")
    except ValueError:
        errors["role"] = ["unknown_role"]
        return None


def _organisation_ids_of(session: Session, user_id: int) -> set[int]:
    return set(
        session.scalars(
            select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user_id)
        )
    )


def organisations_of(session: Session, user_id: int) -> list[Organisation]:
    """The organisations a person belongs to: the only ones they may speak for in a space."""
    return list(
        session.scalars(
            select(Organisation)
            .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
            .where(OrganisationMember.user_id == user_id)
            .order_by(Organisation.name)
        )
    )


def _membership_of(session: Session, space_id: int, user_id: int) -> SpaceMembership | None:
    return session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space_id, SpaceMembership.user_id == user_id
        )
    )


def _membership_in_space(session: Session, space_id: int, membership_id: int) -> SpaceMembership:
    membership = session.get(SpaceMembership, membership_id)
    if membership is None or membership.space_id != space_id:
        raise NotFound("membership not found")
    return membership


def _active_facilitator_count(session: Session, space_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SpaceMembership)
            .where(
                SpaceMembership.space_id == space_id,
                SpaceMembership.role == SpaceRole.FACILITATOR,
                SpaceMembership.status == MembershipStatus.ACTIVE,
            )
        )
        or 0
    )


def _flush_or_conflict(session: Session) -> None:
    """A second request for the same space and person at the same moment hits the unique constraint."""
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict("membership changed at the same time") from error


def _snapshot(membership: SpaceMembership) -> dict[str, Any]:
    return {
        "party": membership.party,
        "role": membership.role,
        "status": membership.status,
        "organisation_id": membership.organisation_id,
    }


# ---------------------------------------------------------------------------------------------
# Mail, each in the recipient's language


def _space_link(space: Space) -> str:
    return url_for("spaces.show", space_id=space.id, _external=True)


def _mail_decision(session: Session, membership: SpaceMembership, *, approved: bool) -> None:
    user = membership.user
    if not user.email:
        return
    with force_locale(user.locale):
        values = {
            "name": user.display_name,
            "space": membership.space.name,
            "date": format_date(membership.created_at, format="long"),
            "link": _space_link(membership.space),
        }
        if approved:
            party = membership.party
            values["party"] = (
                str(PARTY_MEMBER_LABELS[party]) if party else str(SPACE_ROLE_LABELS[membership.role])
            )
            subject = _("Welcome to the social space %(space)s", **values)
            body = _(
                "Hello %(name)s,\n\nthe facilitation of the social space %(space)s has accepted your request "
                "of %(date)s. You take part as: %(party)s.\n\nThe social space on Raumrat:\n%(link)s\n",
                **values,
            )
        else:
            subject = _("Your request to join %(space)s", **values)
            body = _(
                "Hello %(name)s,\n\nthe facilitation of the social space %(space)s has declined your request "
                "of %(date)s. If you have questions, please ask the facilitation. You can ask to join "
                "again at any time:\n%(link)s\n",
                **values,
            )
    queue_mail(session, recipient=user.email, subject=subject, body=body)


def _mail_invitation(
    session: Session, invitation: Invitation, token: str, inviter: User, locale: str
) -> None:
    with force_locale(locale):
        values = {
            "inviter": inviter.public_name,
            "space": invitation.space.name,
            "role": str(SPACE_ROLE_LABELS[invitation.role]),
            "party": str(PARTY_MEMBER_LABELS[invitation.party]) if invitation.party else "–",
            "date": format_date(invitation.expires_at, format="long"),
            "link": url_for("memberships.invitation", token=token, _external=True),
        }
        subject = _("Invitation to the social space %(space)s", **values)
        body = _(
            "Hello,\n\n%(inviter)s invites you to take part in the social space %(space)s on Raumrat.\n\n"
            "Role: %(role)s\nParty: %(party)s\n\nTo accept or decline, open this link by %(date)s:\n"
            "%(link)s\n\nIf you do not have an account yet, you can create one there. If you did not "
            "expect this invitation, you can ignore this e-mail.\n",
            **values,
        )
    queue_mail(session, recipient=invitation.email, subject=subject, body=body)


def _mail_appointment(session: Session, membership: SpaceMembership) -> None:
    user = membership.user
    if not user.email:
        return
    with force_locale(user.locale):
        values = {
            "name": user.display_name,
            "space": membership.space.name,
            "link": _space_link(membership.space),
        }
        subject = _("You facilitate the social space %(space)s", **values)
        body = _(
            "Hello %(name)s,\n\nan administrator of Raumrat has made you a facilitator of the social space "
            "%(space)s. You can now decide on requests to join, invite people and manage the members:\n"
            "%(link)s\n",
            **values,
        )
    queue_mail(session, recipient=user.email, subject=subject, body=body)


# ---------------------------------------------------------------------------------------------
# Joining and leaving


@dataclass
class JoinChoices:
    space: Space
    organisations: list[Organisation]
    # A declined or ended membership: its earlier answers fill the form again.
    previous: SpaceMembership | None


def join_choices(session: Session, user: Any, space_id: int) -> JoinChoices:
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.REQUEST_TO_JOIN_SPACE)
    return JoinChoices(
        space=space,
        organisations=organisations_of(session, user.id),
        previous=_membership_of(session, space.id, user.id),
    )


def request_to_join(
    session: Session,
    user: Any,
    space_id: int,
    *,
    party: str | None,
    organisation_id: int | None = None,
    message: str = "",
) -> SpaceMembership:
    """Ask the facilitation to be let in, speaking for a party (and perhaps one's organisation)."""
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.REQUEST_TO_JOIN_SPACE)
    errors: dict[str, list[str]] = {}
    chosen_party = _parse_party(party, SpaceRole.MEMBER, errors)
    if organisation_id is not None and organisation_id not in _organisation_ids_of(session, user.id):
        errors["organisation"] = ["not_your_organisation"]
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        errors["message"] = ["too_long"]
    if errors:
        raise InvalidInput("invalid join request", field_errors=errors)
    # Declined and ended memberships are asked again on the same row (one row per space and person).
    membership = _membership_of(session, space.id, user.id)
    if membership is None:
        membership = SpaceMembership(space_id=space.id, user_id=user.id)
        session.add(membership)
    membership.party = chosen_party
    membership.role = SpaceRole.MEMBER
    membership.status = MembershipStatus.REQUESTED
    membership.organisation_id = organisation_id
    membership.message = message
    # The row now stands for this request: facilitators see requests in the order they came in.
    membership.created_at = utcnow()
    membership.decided_at = None
    membership.decided_by_id = None
    _flush_or_conflict(session)
    audit.record(
        session, actor_id=user.id, action="membership.requested", object_type="space_membership",
        object_id=membership.id,
        details={"space_id": space.id, "party": chosen_party, "organisation_id": organisation_id},
    )  # fmt: skip
    session.commit()
    return membership


@dataclass
class LeaveCheck:
    space: Space
    membership: SpaceMembership
    # A space keeps at least one facilitator: the last one must hand over before leaving.
    last_facilitator: bool


def leave_check(session: Session, user: Any, space_id: int) -> LeaveCheck:
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.LEAVE_SPACE)
    membership = _membership_of(session, space.id, user.id)
    assert membership is not None  # LEAVE_SPACE holds only for active members
    last = membership.role == SpaceRole.FACILITATOR and _active_facilitator_count(session, space.id) <= 1
    return LeaveCheck(space=space, membership=membership, last_facilitator=last)


def leave_space(session: Session, user: Any, space_id: int) -> SpaceMembership:
    check = leave_check(session, user, space_id)
    if check.last_facilitator:
        raise Conflict("last facilitator", field_errors={"membership": ["last_facilitator"]})
    membership = check.membership
    before = _snapshot(membership)
    membership.status = MembershipStatus.LEFT
    audit.record(
        session, actor_id=user.id, action="membership.left", object_type="space_membership",
        object_id=membership.id, details={"space_id": space_id, "before": before},
    )  # fmt: skip
    session.commit()
    return membership


# ---------------------------------------------------------------------------------------------
# Decisions on join requests


def _pending_request(session: Session, user: Any, space_id: int, membership_id: int) -> SpaceMembership:
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.DECIDE_JOIN_REQUEST)
    membership = _membership_in_space(session, space.id, membership_id)
    if membership.status != MembershipStatus.REQUESTED:
        # Another facilitator decided first, or the person withdrew.
        raise Conflict("request already decided")
    return membership


def request_for_decision(session: Session, user: Any, space_id: int, membership_id: int) -> SpaceMembership:
    return _pending_request(session, user, space_id, membership_id)


def approve_request(
    session: Session, user: Any, space_id: int, membership_id: int, *, party: str | None = None
) -> SpaceMembership:
    """Let a person in; the facilitation may correct the party they chose."""
    membership = _pending_request(session, user, space_id, membership_id)
    errors: dict[str, list[str]] = {}
    chosen_party = _parse_party(party or membership.party, SpaceRole(membership.role), errors)
    if errors:
        raise InvalidInput("invalid decision", field_errors=errors)
    requested_party = membership.party
    membership.party = chosen_party
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = utcnow()
    membership.decided_by_id = user.id
    audit.record(
        session, actor_id=user.id, action="membership.approved", object_type="space_membership",
        object_id=membership.id,
        details={"space_id": space_id, "requested_party": requested_party, "party": chosen_party},
    )  # fmt: skip
    _mail_decision(session, membership, approved=True)
    session.commit()
    return membership


def decline_request(session: Session, user: Any, space_id: int, membership_id: int) -> SpaceMembership:
    membership = _pending_request(session, user, space_id, membership_id)
    membership.status = MembershipStatus.DECLINED
    membership.decided_at = utcnow()
    membership.decided_by_id = user.id
    audit.record(
        session, actor_id=user.id, action="membership.declined", object_type="space_membership",
        object_id=membership.id, details={"space_id": space_id},
    )  # fmt: skip
    _mail_decision(session, membership, approved=False)
    session.commit()
    return membership


# ---------------------------------------------------------------------------------------------
# Invitations


def _open_invitations_query(space_id: int):
    return select(Invitation).where(
        Invitation.space_id == space_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > utcnow(),
    )


@dataclass
class InvitationsPage:
    space: Space
    open_invitations: list[Invitation]
    organisations: list[Organisation]
    may_invite_facilitators: bool


def invitations_page(session: Session, user: Any, space_id: int) -> InvitationsPage:
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.INVITE_TO_SPACE)
    invitations = session.scalars(
        _open_invitations_query(space.id)
        .options(joinedload(Invitation.invited_by), joinedload(Invitation.organisation))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return InvitationsPage(
        space=space,
        open_invitations=list(invitations),
        organisations=list(session.scalars(select(Organisation).order_by(Organisation.name))),
        may_invite_facilitators=is_allowed(actor, Permission.APPOINT_FACILITATOR),
    )


def invite(
    session: Session,
    user: Any,
    space_id: int,
    *,
    email: str,
    role: str,
    party: str | None = None,
    organisation_id: int | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; return the invitation and its secret, which only the mail carries."""
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.INVITE_TO_SPACE)
    errors: dict[str, list[str]] = {}
    chosen_role = _parse_role(role, errors)
    if chosen_role == SpaceRole.FACILITATOR:
        require(actor, Permission.APPOINT_FACILITATOR)
    chosen_party = _parse_party(party, chosen_role, errors)
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        errors["organisation"] = ["unknown_organisation"]
    email = normalise_email(email or "")
    invitee = None
    if not email or "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        errors["email"] = ["invalid"]
    else:
        invitee = session.scalar(select(User).where(User.email == email))
        membership = _membership_of(session, space.id, invitee.id) if invitee else None
        if membership is not None and membership.status == MembershipStatus.ACTIVE:
            errors["email"] = ["already_member"]
        elif session.scalar(_open_invitations_query(space.id).where(Invitation.email == email).limit(1)):
            errors["email"] = ["already_invited"]
    if errors:
        raise InvalidInput("invalid invitation", field_errors=errors)
    token = new_secret_token()
    invitation = Invitation(
        space=space,
        email=email,
        party=chosen_party,
        role=chosen_role,
        organisation_id=organisation_id,
        token_hash=hash_token(token),
        invited_by_id=user.id,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session, actor_id=user.id, action="invitation.created", object_type="invitation",
        object_id=invitation.id,
        details={"space_id": space.id, "email": email, "role": chosen_role.value, "party": chosen_party,
                 "organisation_id": organisation_id},
    )  # fmt: skip
    _mail_invitation(session, invitation, token, user, invitee.locale if invitee else user.locale)
    session.commit()
    return invitation, token


def _invitation_by_token(session: Session, token: str) -> Invitation:
    """The invitation a link names; unknown links are 404, used-up ones :class:`InvitationUnusable`."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("invitation not found")
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .options(joinedload(Invitation.space), joinedload(Invitation.invited_by))
    )
    if invitation is None:
        raise NotFound("invitation not found")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.expires_at <= utcnow():
        raise InvitationUnusable("expired")
    return invitation


def invitation_for_token(session: Session, user: Any, token: str) -> Invitation:
    invitation = _invitation_by_token(session, token)
    require(actor_for(session, user, space_id=invitation.space_id), Permission.VIEW_SPACE)
    return invitation


def accept_invitation(session: Session, user: Any, token: str) -> SpaceMembership:
    """Join with the invitation's party, role and organisation, whatever request was pending."""
    invitation = _invitation_by_token(session, token)
    require(actor_for(session, user, space_id=invitation.space_id), Permission.ACCEPT_INVITATION)
    membership = _membership_of(session, invitation.space_id, user.id)
    if (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role == SpaceRole.FACILITATOR
        and invitation.role != SpaceRole.FACILITATOR
        and _active_facilitator_count(session, invitation.space_id) <= 1
    ):
        raise Conflict("last facilitator", field_errors={"membership": ["last_facilitator"]})
    now = utcnow()
    # Claim the invitation atomically, so one link makes one membership even if clicked twice at once.
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        session.rollback()
        raise InvitationUnusable("used")
    before = _snapshot(membership) if membership else None
    if membership is None:
        membership = SpaceMembership(space_id=invitation.space_id, user_id=user.id, message="")
        session.add(membership)
    membership.party = invitation.party
    membership.role = invitation.role
    membership.organisation_id = invitation.organisation_id
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = now
    membership.decided_by_id = invitation.invited_by_id
    _flush_or_conflict(session)
    audit.record(
        session, actor_id=user.id, action="invitation.accepted", object_type="invitation",
        object_id=invitation.id, details={"space_id": invitation.space_id},
    )  # fmt: skip
    audit.record(
        session, actor_id=user.id, action="membership.joined_by_invitation", object_type="space_membership",
        object_id=membership.id,
        details={"space_id": invitation.space_id, "invitation_id": invitation.id, "before": before,
                 "after": _snapshot(membership)},
    )  # fmt: skip
    session.commit()
    session.refresh(invitation)
    return membership


def decline_invitation(session: Session, user: Any, token: str) -> Invitation:
    """The invitee says no; the link stops working (the model keeps no separate 'declined' time)."""
    invitation = _invitation_by_token(session, token)
    require(actor_for(session, user, space_id=invitation.space_id), Permission.ACCEPT_INVITATION)
    invitation.revoked_at = utcnow()
    audit.record(
        session, actor_id=user.id, action="invitation.declined", object_type="invitation",
        object_id=invitation.id, details={"space_id": invitation.space_id},
    )  # fmt: skip
    session.commit()
    return invitation


def revoke_invitation(session: Session, user: Any, space_id: int, invitation_id: int) -> Invitation:
    space = get_space(session, space_id)
    require(actor_for(session, user, space_id=space.id), Permission.INVITE_TO_SPACE)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.space_id != space.id:
        raise NotFound("invitation not found")
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict("invitation no longer open")
    invitation.revoked_at = utcnow()
    audit.record(
        session, actor_id=user.id, action="invitation.revoked", object_type="invitation",
        object_id=invitation.id, details={"space_id": space.id},
    )  # fmt: skip
    session.commit()
    return invitation


# ---------------------------------------------------------------------------------------------
# Member management by the facilitation


@dataclass
class ManagePage:
    space: Space
    members: list[SpaceMembership]
    pending_requests: list[SpaceMembership]
    may_appoint_facilitators: bool
    open_invitation_count: int


_ROLE_ORDER = {SpaceRole.FACILITATOR.value: 0, SpaceRole.MEMBER.value: 1, SpaceRole.OBSERVER.value: 2}
_PARTY_ORDER = {party.value: index for index, party in enumerate(Party)}


def manage_page(session: Session, user: Any, space_id: int) -> ManagePage:
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.CHANGE_SPACE_MEMBER)
    current = list(
        session.scalars(
            select(SpaceMembership)
            .where(
                SpaceMembership.space_id == space.id,
                SpaceMembership.status.in_([MembershipStatus.ACTIVE, MembershipStatus.REQUESTED]),
            )
            .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.organisation))
            .order_by(SpaceMembership.created_at, SpaceMembership.id)
        )
    )
    members = [m for m in current if m.status == MembershipStatus.ACTIVE]
    members.sort(
        key=lambda m: (
            _ROLE_ORDER.get(m.role, 9), _PARTY_ORDER.get(m.party or "", 9), m.user.public_name.lower()
        )
    )  # fmt: skip
    open_count = session.scalar(
        select(func.count()).select_from(_open_invitations_query(space.id).subquery())
    )
    return ManagePage(
        space=space,
        members=members,
        # The same people may decide on requests (DECIDE_JOIN_REQUEST) as manage members.
        pending_requests=[m for m in current if m.status == MembershipStatus.REQUESTED]
        if is_allowed(actor, Permission.DECIDE_JOIN_REQUEST)
        else [],
        may_appoint_facilitators=is_allowed(actor, Permission.APPOINT_FACILITATOR),
        open_invitation_count=open_count or 0,
    )


@dataclass
class MemberChoices:
    membership: SpaceMembership
    organisations: list[Organisation]
    may_appoint_facilitators: bool


def _active_member(session: Session, space_id: int, membership_id: int) -> SpaceMembership:
    membership = _membership_in_space(session, space_id, membership_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotFound("not an active member")
    return membership


def member_choices(session: Session, user: Any, space_id: int, membership_id: int) -> MemberChoices:
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.CHANGE_SPACE_MEMBER)
    membership = _active_member(session, space.id, membership_id)
    organisations = organisations_of(session, membership.user_id)
    # An organisation set by an invitation stays selectable even if the person is not listed in it.
    if membership.organisation and membership.organisation not in organisations:
        organisations.append(membership.organisation)
    return MemberChoices(
        membership=membership,
        organisations=organisations,
        may_appoint_facilitators=is_allowed(actor, Permission.APPOINT_FACILITATOR),
    )


def change_member(
    session: Session,
    user: Any,
    space_id: int,
    membership_id: int,
    *,
    party: str | None,
    role: str,
    organisation_id: int | None,
) -> SpaceMembership:
    """Correct a member's party, role or organisation; facilitator roles come and go only by admins."""
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.CHANGE_SPACE_MEMBER)
    membership = _active_member(session, space.id, membership_id)
    errors: dict[str, list[str]] = {}
    new_role = _parse_role(role, errors)
    if new_role is None:
        raise InvalidInput("invalid member change", field_errors=errors)
    if SpaceRole.FACILITATOR in (new_role, membership.role) and new_role != membership.role:
        require(actor, Permission.APPOINT_FACILITATOR)
    new_party = _parse_party(party, new_role, errors)
    allowed_organisations = _organisation_ids_of(session, membership.user_id) | {membership.organisation_id}
    if organisation_id is not None and organisation_id not in allowed_organisations:
        errors["organisation"] = ["not_their_organisation"]
    if errors:
        raise InvalidInput("invalid member change", field_errors=errors)
    before = _snapshot(membership)
    membership.party = new_party
    membership.role = new_role
    membership.organisation_id = organisation_id
    after = _snapshot(membership)
    if after != before:
        audit.record(
            session, actor_id=user.id, action="membership.changed", object_type="space_membership",
            object_id=membership.id, details={"space_id": space.id, "before": before, "after": after},
        )  # fmt: skip
        session.commit()
    return membership


def remove_member(session: Session, user: Any, space_id: int, membership_id: int) -> SpaceMembership:
    space = get_space(session, space_id)
    actor = actor_for(session, user, space_id=space.id)
    require(actor, Permission.CHANGE_SPACE_MEMBER)
    membership = _active_member(session, space.id, membership_id)
    if membership.role == SpaceRole.FACILITATOR:
        require(actor, Permission.APPOINT_FACILITATOR)
    before = _snapshot(membership)
    membership.status = MembershipStatus.LEFT
    audit.record(
        session, actor_id=user.id, action="membership.removed", object_type="space_membership",
        object_id=membership.id, details={"space_id": space.id, "before": before},
    )  # fmt: skip
    session.commit()
    return membership


# ---------------------------------------------------------------------------------------------
# Facilitators of every space, for site administrators


@dataclass
class FacilitatorsOverview:
    by_space: list[tuple[Space, list[SpaceMembership]]]
    spaces: list[Space]


def facilitators_overview(session: Session, user: Any) -> FacilitatorsOverview:
    require(actor_for(session, user), Permission.APPOINT_FACILITATOR)
    memberships = session.scalars(
        select(SpaceMembership)
        .join(Space, Space.id == SpaceMembership.space_id)
        .where(
            SpaceMembership.role == SpaceRole.FACILITATOR, SpaceMembership.status == MembershipStatus.ACTIVE
        )
        .options(joinedload(SpaceMembership.user), joinedload(SpaceMembership.space))
        .order_by(Space.name, Space.id, SpaceMembership.id)
    )
    by_space: dict[int, tuple[Space, list[SpaceMembership]]] = {}
    for membership in memberships:
        by_space.setdefault(membership.space_id, (membership.space, []))[1].append(membership)
    spaces = list(session.scalars(select(Space).order_by(Space.code.is_(None), Space.code, Space.name)))
    return FacilitatorsOverview(by_space=list(by_space.values()), spaces=spaces)


def appoint_facilitator(session: Session, user: Any, *, space_id: int | None, email: str) -> SpaceMembership:
    """Make an existing account a facilitator of a space (joining them to it if needed)."""
    require(actor_for(session, user), Permission.APPOINT_FACILITATOR)
    errors: dict[str, list[str]] = {}
    space = session.get(Space, space_id) if space_id is not None else None
    if space is None:
        errors["space"] = ["unknown_space"]
    person = session.scalar(select(User).where(User.email == normalise_email(email or "")))
    if person is None or not person.is_active:
        errors["email"] = ["unknown_user"]
    membership = _membership_of(session, space.id, person.id) if space and person else None
    if (
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.role == SpaceRole.FACILITATOR
    ):
        errors["email"] = ["already_facilitator"]
    if errors:
        raise InvalidInput("invalid appointment", field_errors=errors)
    assert space is not None and person is not None
    before = _snapshot(membership) if membership else None
    if membership is None:
        membership = SpaceMembership(space_id=space.id, user_id=person.id, message="")
        session.add(membership)
    # Facilitators may stay with the party they speak for, or be neutral.
    membership.role = SpaceRole.FACILITATOR
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = utcnow()
    membership.decided_by_id = user.id
    _flush_or_conflict(session)
    audit.record(
        session, actor_id=user.id, action="membership.facilitator_appointed", object_type="space_membership",
        object_id=membership.id, details={"space_id": space.id, "user_id": person.id, "before": before},
    )  # fmt: skip
    _mail_appointment(session, membership)
    session.commit()
    return membership


def remove_facilitator(session: Session, user: Any, membership_id: int) -> SpaceMembership:
    """End someone's facilitation; they stay as a member of their party, or as an observer without one."""
    require(actor_for(session, user), Permission.APPOINT_FACILITATOR)
    membership = session.get(SpaceMembership, membership_id)
    if (
        membership is None
        or membership.role != SpaceRole.FACILITATOR
        or membership.status != MembershipStatus.ACTIVE
    ):
        raise NotFound("facilitator not found")
    before = _snapshot(membership)
    membership.role = SpaceRole.MEMBER if membership.party else SpaceRole.OBSERVER
    audit.record(
        session, actor_id=user.id, action="membership.facilitator_removed", object_type="space_membership",
        object_id=membership.id, details={"space_id": membership.space_id, "before": before},
    )  # fmt: skip
    session.commit()
    return membership

"""Invitations by e-mail.

User stories:
- As a facilitator I invite a carrier's employee by e-mail, as a member of the party "carrier".
- As the invited person I open the link, see who invites me to what, and accept or decline.
- As a facilitator I see the open invitations and revoke one sent to the wrong address.
- Links stop working when used, revoked or expired; only the hash of the secret is stored.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.mail import OutboxMessage
from core.timeutil import utcnow
from governance.models import Invitation, Organisation, SpaceMembership
from governance.passwords import hash_token
from governance.services import memberships
from tests.membership_data import add_membership, cast


@pytest.fixture
def space(space_by_code):
    return space_by_code("04011440")


@pytest.fixture
def people(session, make_user, space):
    return cast(session, make_user, space)


def invite(session, inviter, space, **values):
    values = {"email": "carla@test.example", "role": "member", "party": "carrier", **values}
    return memberships.invite(session, inviter, space.id, **values)


def test_a_facilitator_invites_by_mail_and_only_the_hash_is_kept(app, session, people, space) -> None:
    organisation = Organisation(name="Amt für Soziale Dienste", kind="carrier")
    session.add(organisation)
    session.commit()
    invitation, token = invite(
        session, people.facilitator, space, email="  Carla@Test.Example ", organisation_id=organisation.id
    )
    assert invitation.email == "carla@test.example"
    assert (invitation.role, invitation.party, invitation.organisation_id) == (
        "member",
        "carrier",
        organisation.id,
    )
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    days = app.config["INVITATION_DAYS"]
    assert abs(invitation.expires_at - (utcnow() + timedelta(days=days))) < timedelta(minutes=1)
    [mail] = session.scalars(select(OutboxMessage)).all()
    assert mail.recipient == "carla@test.example"
    assert f"http://raumrat.test/invitations/{token}" in mail.body
    assert "Fiona" in mail.body and "Gröpelingen" in mail.subject
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "invitation")) == (
        "invitation.created"
    )
    page = memberships.invitations_page(session, people.facilitator, space.id)
    assert [i.id for i in page.open_invitations] == [invitation.id]
    assert page.may_invite_facilitators is False


def test_the_mail_speaks_the_language_of_an_existing_account(session, people, space) -> None:
    people.user.locale = "en"
    session.commit()
    invite(session, people.facilitator, space, email=people.user.email)
    [mail] = session.scalars(select(OutboxMessage)).all()
    expiry = utcnow() + timedelta(days=14)
    assert expiry.strftime("%B") in mail.body  # an English month name


@pytest.mark.parametrize("role", ["anonymous", "user", "member", "observer"])
def test_only_the_facilitation_invites(session, people, space, role) -> None:
    with pytest.raises(PermissionDenied):
        invite(session, None if role == "anonymous" else getattr(people, role), space)
    with pytest.raises(PermissionDenied):
        memberships.invitations_page(
            session, None if role == "anonymous" else getattr(people, role), space.id
        )


def test_only_admins_invite_facilitators(session, people, space) -> None:
    with pytest.raises(PermissionDenied):
        invite(session, people.facilitator, space, role="facilitator", party=None)
    invitation, _ = invite(session, people.admin, space, role="facilitator", party=None)
    assert invitation.role == "facilitator" and invitation.party is None
    assert memberships.invitations_page(session, people.admin, space.id).may_invite_facilitators


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"party": None}, {"party": ["required"]}),
        ({"party": "pirates"}, {"party": ["unknown_party"]}),
        ({"role": "king", "party": None}, {"role": ["unknown_role"]}),
        ({"email": "not-an-address"}, {"email": ["invalid"]}),
        ({"organisation_id": 999_999}, {"organisation": ["unknown_organisation"]}),
    ],
)
def test_bad_invitations_are_refused_with_reasons(session, people, space, values, errors) -> None:
    with pytest.raises(InvalidInput) as error:
        invite(session, people.facilitator, space, **values)
    assert error.value.field_errors == errors


def test_observers_need_no_party(session, people, space) -> None:
    invitation, _ = invite(session, people.facilitator, space, role="observer", party="")
    assert invitation.party is None


def test_members_and_open_invitations_are_not_invited_twice(session, people, space) -> None:
    with pytest.raises(InvalidInput) as error:
        invite(session, people.facilitator, space, email=people.member.email)
    assert error.value.field_errors == {"email": ["already_member"]}
    invite(session, people.facilitator, space)
    with pytest.raises(InvalidInput) as error:
        invite(session, people.facilitator, space)
    assert error.value.field_errors == {"email": ["already_invited"]}


# --- using the link ----------------------------------------------------------------------------


def test_accepting_makes_an_active_membership_with_the_invitations_values(session, people, space) -> None:
    invitation, token = invite(session, people.facilitator, space, party="provider")
    seen = memberships.invitation_for_token(session, None, token)  # anonymous visitors see what it is
    assert seen.id == invitation.id and seen.invited_by.id == people.facilitator.id
    membership = memberships.accept_invitation(session, people.user, token)
    assert (membership.status, membership.role, membership.party) == ("active", "member", "provider")
    assert membership.decided_by_id == people.facilitator.id
    invitation = session.get(Invitation, invitation.id)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == people.user.id
    logged = set(session.scalars(select(AuditEntry.action)))
    assert {"invitation.accepted", "membership.joined_by_invitation"} <= logged


def test_accepting_overrides_a_pending_request(session, people, space) -> None:
    request = memberships.request_to_join(session, people.user, space.id, party="beneficiary")
    _, token = invite(session, people.admin, space, role="observer", party=None, email=people.user.email)
    membership = memberships.accept_invitation(session, people.user, token)
    assert membership.id == request.id
    assert (membership.status, membership.role, membership.party) == ("active", "observer", None)


def test_a_used_link_cannot_be_used_again(session, people, space, make_user) -> None:
    _, token = invite(session, people.facilitator, space)
    memberships.accept_invitation(session, people.user, token)
    for attempt in (
        lambda: memberships.invitation_for_token(session, people.user, token),
        lambda: memberships.accept_invitation(session, make_user("eve"), token),
        lambda: memberships.decline_invitation(session, people.user, token),
    ):
        with pytest.raises(memberships.InvitationUnusable) as error:
            attempt()
        assert error.value.reason == "used" and error.value.status == 410


def test_an_expired_link_is_refused(session, people, space) -> None:
    invitation, token = invite(session, people.facilitator, space)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    with pytest.raises(memberships.InvitationUnusable) as error:
        memberships.accept_invitation(session, people.user, token)
    assert error.value.reason == "expired"
    assert memberships.invitations_page(session, people.facilitator, space.id).open_invitations == []


def test_a_revoked_link_is_refused(session, people, space) -> None:
    invitation, token = invite(session, people.facilitator, space)
    memberships.revoke_invitation(session, people.facilitator, space.id, invitation.id)
    with pytest.raises(memberships.InvitationUnusable) as error:
        memberships.invitation_for_token(session, people.user, token)
    assert error.value.reason == "revoked"
    assert memberships.invitations_page(session, people.facilitator, space.id).open_invitations == []
    with pytest.raises(Conflict):
        memberships.revoke_invitation(session, people.admin, space.id, invitation.id)


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 500])
def test_unknown_links_are_not_found(session, people, token) -> None:
    with pytest.raises(NotFound):
        memberships.invitation_for_token(session, people.user, token)


def test_anonymous_visitors_must_sign_in_to_accept_or_decline(session, people, space) -> None:
    _, token = invite(session, people.facilitator, space)
    with pytest.raises(PermissionDenied):
        memberships.accept_invitation(session, None, token)
    with pytest.raises(PermissionDenied):
        memberships.decline_invitation(session, None, token)


def test_declining_closes_the_invitation(session, people, space) -> None:
    invitation, token = invite(session, people.facilitator, space)
    memberships.decline_invitation(session, people.user, token)
    assert session.get(Invitation, invitation.id).revoked_at is not None
    assert "invitation.declined" in set(session.scalars(select(AuditEntry.action)))
    assert session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == people.user.id)) is None
    with pytest.raises(memberships.InvitationUnusable):
        memberships.accept_invitation(session, people.user, token)


def test_the_last_facilitator_cannot_step_down_by_accepting_a_lesser_invitation(session, people, space):
    _, token = invite(session, people.admin, space, email=people.user.email, role="observer", party=None)
    # Meanwhile the invited person took over as the only facilitator.
    fiona = session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == people.facilitator.id))
    fiona.status = "left"
    add_membership(session, space, people.user, role="facilitator")
    with pytest.raises(Conflict):
        memberships.accept_invitation(session, people.user, token)


# --- revoking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "user", "member", "observer"])
def test_only_the_facilitation_revokes(session, people, space, role) -> None:
    invitation, _ = invite(session, people.facilitator, space)
    with pytest.raises(PermissionDenied):
        memberships.revoke_invitation(
            session, None if role == "anonymous" else getattr(people, role), space.id, invitation.id
        )


def test_an_invitation_is_revoked_only_in_its_own_space(session, people, space, space_by_code) -> None:
    invitation, _ = invite(session, people.admin, space)
    with pytest.raises(NotFound):
        memberships.revoke_invitation(session, people.admin, space_by_code("04011430").id, invitation.id)

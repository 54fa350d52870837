"""Pages: invitations, member management and the administrators' facilitator page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.mail import OutboxMessage
from core.timeutil import utcnow
from governance.models import Invitation, Organisation, OrganisationMember
from governance.services import memberships
from tests.membership_data import add_membership, cast
from tests.pages.test_memberships import HTMX, membership_of, signed_in

ROLE_STATUS = [("anonymous", 401), ("user", 403), ("member", 403), ("observer", 403)]


@pytest.fixture
def space(space_by_code):
    return space_by_code("04011440")


@pytest.fixture
def people(session, make_user, space):
    return cast(session, make_user, space)


def invite(session, people, space, **values):
    values = {"email": "carla@test.example", "role": "member", "party": "carrier", **values}
    return memberships.invite(session, people.facilitator, space.id, **values)


def token_from_mail(session) -> str:
    body = session.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    match = re.search(r"/invitations/([A-Za-z0-9_-]+)", body)
    assert match is not None
    return match.group(1)


# --- inviting ----------------------------------------------------------------------------------


def test_a_facilitator_invites_through_the_form(client, login, session, people, space) -> None:
    login(people.facilitator)
    page = client.get(f"/spaces/{space.id}/invitations").get_data(as_text=True)
    assert "Send invitation" in page and 'name="email"' in page
    assert 'value="observer"' in page and 'value="facilitator"' not in page
    response = client.post(
        f"/spaces/{space.id}/invitations",
        data={"email": "carla@test.example", "role": "member", "party": "carrier", "organisation": ""},
    )
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}/invitations")
    html = client.get(response.location).get_data(as_text=True)
    assert "The invitation has been sent to carla@test.example." in html
    assert 'id="open-invitations"' in html and "Revoke" in html
    assert token_from_mail(session)


def test_admins_may_invite_facilitators(client, login, people, space) -> None:
    page = login(people.admin).get(f"/spaces/{space.id}/invitations").get_data(as_text=True)
    assert 'value="facilitator"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"party": "pirates"}, "Choose one of the parties in the list"),
        ({"party": ""}, "Members speak for a party: choose one"),
        ({"role": "facilitator"}, "Choose one of the roles in the list"),
        ({"email": "no-address"}, "Enter an e-mail address in the right format"),
    ],
)
def test_bad_invitations_are_shown_again_with_what_was_typed(
    client, login, session, people, space, data, message
):
    form = {"email": "keep.me@test.example", "role": "member", "party": "carrier", "organisation": "", **data}
    response = login(people.facilitator).post(f"/spaces/{space.id}/invitations", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{form["email"]}"' in html
    assert session.scalar(select(Invitation)) is None


def test_inviting_a_member_again_gives_a_clear_message(client, login, people, space) -> None:
    response = login(people.facilitator).post(
        f"/spaces/{space.id}/invitations",
        data={"email": people.member.email, "role": "member", "party": "carrier", "organisation": ""},
    )
    assert response.status_code == 422
    assert "This person is already a member of the social space" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), ROLE_STATUS)
def test_only_the_facilitation_sees_and_sends_invitations(
    client, login, session, people, space, role, status
):
    client = signed_in(client, login, people, role)
    assert client.get(f"/spaces/{space.id}/invitations").status_code == status
    data = {"email": "x@test.example", "role": "member", "party": "carrier"}
    assert client.post(f"/spaces/{space.id}/invitations", data=data).status_code == status
    invitation, _ = invite(session, people, space)
    assert client.post(f"/spaces/{space.id}/invitations/{invitation.id}/revoke").status_code == status


def test_revoking_as_plain_post_and_by_htmx(client, login, session, people, space) -> None:
    first, _ = invite(session, people, space)
    second, _ = invite(session, people, space, email="dora@test.example")
    login(people.facilitator)
    response = client.post(f"/spaces/{space.id}/invitations/{first.id}/revoke")
    assert response.status_code == 302
    assert "The invitation for carla@test.example has been revoked." in client.get(
        response.location
    ).get_data(as_text=True)
    response = client.post(f"/spaces/{space.id}/invitations/{second.id}/revoke", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<section id="open-invitations"')
    assert "There are no open invitations." in html
    assert client.post(f"/spaces/{space.id}/invitations/{second.id}/revoke").status_code == 409
    assert client.post(f"/spaces/{space.id}/invitations/999999/revoke").status_code == 404


# --- the link ----------------------------------------------------------------------------------


def test_an_anonymous_visitor_signs_in_and_comes_back_to_accept(client, session, people, space) -> None:
    invite(session, people, space, email=people.user.email, party="provider")
    token = token_from_mail(session)
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "Invitation to the social space Gröpelingen" in page
    assert "Provider" in page and "Member" in page and "Fiona" in page
    assert "Sign in to accept" in page and "Create an account" in page
    assert "Accept invitation" not in page
    assert f'href="/login?next=/invitations/{token}"' in page.replace("%2F", "/")
    assert f'href="/register?next=/invitations/{token}"' in page.replace("%2F", "/")
    people.user.locale = "en"  # signing in switches to the account's language
    session.commit()
    response = client.post(
        f"/login?next=/invitations/{token}",
        data={"email": people.user.email, "password": "correct horse battery"},
    )
    assert response.status_code == 302 and response.location.endswith(f"/invitations/{token}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Accept invitation" in page and "Decline invitation" in page
    response = client.post(f"/invitations/{token}/accept")
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}")
    assert "Welcome to the social space Gröpelingen" in client.get(response.location).get_data(as_text=True)
    membership = membership_of(session, space, people.user)
    assert (membership.status, membership.role, membership.party) == ("active", "member", "provider")


def test_a_new_person_registers_from_the_invitation(client, session, people, space) -> None:
    invite(session, people, space, email="neu@test.example")
    token = token_from_mail(session)
    response = client.post(
        f"/register?next=/invitations/{token}",
        data={
            "display_name": "Neu", "email": "neu@test.example", "password": "a long password",
            "password_confirm": "a long password", "accept_terms": "y",
        },
    )  # fmt: skip
    assert response.status_code == 302 and response.location.endswith(f"/invitations/{token}")
    assert client.post(f"/invitations/{token}/accept").status_code == 302


def test_accepting_needs_an_account(client, session, people, space) -> None:
    invite(session, people, space)
    assert client.post(f"/invitations/{token_from_mail(session)}/accept").status_code == 401


def test_declining_the_invitation(client, login, session, people, space) -> None:
    invite(session, people, space)
    token = token_from_mail(session)
    response = login(people.user).post(f"/invitations/{token}/decline")
    assert response.status_code == 302
    assert "You have declined the invitation to Gröpelingen." in client.get(response.location).get_data(
        as_text=True
    )
    assert membership_of(session, space, people.user) is None


def test_used_expired_revoked_and_unknown_links(client, login, session, people, space) -> None:
    login(people.user)
    invite(session, people, space)
    used = token_from_mail(session)
    client.post(f"/invitations/{used}/accept")
    response = client.get(f"/invitations/{used}")
    assert response.status_code == 410 and "already been used" in response.get_data(as_text=True)
    assert client.post(f"/invitations/{used}/accept").status_code == 410

    expired_invitation, _ = invite(session, people, space, email="e@test.example")
    expired = token_from_mail(session)
    expired_invitation.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.get(f"/invitations/{expired}")
    assert response.status_code == 410 and "This invitation has expired" in response.get_data(as_text=True)

    revoked_invitation, _ = invite(session, people, space, email="r@test.example")
    revoked = token_from_mail(session)
    memberships.revoke_invitation(session, people.facilitator, space.id, revoked_invitation.id)
    response = client.post(f"/invitations/{revoked}/decline")
    assert response.status_code == 410 and "no longer valid" in response.get_data(as_text=True)

    assert client.get("/invitations/not-a-real-token").status_code == 404


# --- member management -------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), ROLE_STATUS)
def test_only_the_facilitation_manages_members(client, login, session, people, space, role, status) -> None:
    member = membership_of(session, space, people.member)
    client = signed_in(client, login, people, role)
    assert client.get(f"/spaces/{space.id}/members/manage").status_code == status
    assert client.get(f"/spaces/{space.id}/members/{member.id}/edit").status_code == status
    data = {"role": "observer", "party": "", "organisation": ""}
    assert client.post(f"/spaces/{space.id}/members/{member.id}/edit", data=data).status_code == status
    assert client.post(f"/spaces/{space.id}/members/{member.id}/remove").status_code == status
    assert membership_of(session, space, people.member).role == "member"


def test_the_management_page(client, login, session, people, space) -> None:
    add_membership(session, space, people.user, party="carrier", status="requested")
    html = login(people.facilitator).get(f"/spaces/{space.id}/members/manage").get_data(as_text=True)
    assert "Manage members of Gröpelingen" in html
    for name in ("Fiona", "Mia", "Olga"):
        assert name in html
    assert 'id="pending-requests"' in html and "Otto" in html
    assert "Only administrators can appoint or remove facilitators." in html
    assert client.get("/spaces/999999/members/manage").status_code == 404


def test_changing_a_member(client, login, session, people, space) -> None:
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add_all([organisation, OrganisationMember(organisation=organisation, user=people.member)])
    session.commit()
    member = membership_of(session, space, people.member)
    login(people.facilitator)
    form = client.get(f"/spaces/{space.id}/members/{member.id}/edit").get_data(as_text=True)
    assert "Change the membership of Mia" in form and "Selbsthilfe West" in form
    assert 'value="facilitator"' not in form and "Save changes" in form
    response = client.post(
        f"/spaces/{space.id}/members/{member.id}/edit",
        data={"role": "member", "party": "advocacy_group", "organisation": str(organisation.id)},
    )
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}/members/manage")
    assert "The membership of Mia has been saved." in client.get(response.location).get_data(as_text=True)
    changed = membership_of(session, space, people.member)
    assert (changed.party, changed.organisation_id) == ("advocacy_group", organisation.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "member", "party": "pirates"}, "Choose one of the parties in the list"),
        ({"role": "member", "party": ""}, "Members speak for a party: choose one"),
        ({"role": "facilitator", "party": "carrier"}, "Choose one of the roles in the list"),
    ],
)
def test_bad_member_changes_are_shown_again(client, login, session, people, space, data, message) -> None:
    member = membership_of(session, space, people.member)
    response = login(people.facilitator).post(
        f"/spaces/{space.id}/members/{member.id}/edit", data={"organisation": "", **data}
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert membership_of(session, space, people.member).party == "beneficiary"


def test_a_facilitators_role_is_locked_for_other_facilitators(client, login, session, people, space) -> None:
    second = add_membership(session, space, people.user, role="facilitator")
    login(people.facilitator)
    form = client.get(f"/spaces/{space.id}/members/{second.id}/edit").get_data(as_text=True)
    assert "Only administrators can change the role of a facilitator." in form
    assert 'name="role" value="facilitator"' in form.replace('type="hidden" ', "")
    assert "Only administrators can remove a facilitator." in client.get(
        f"/spaces/{space.id}/members/{second.id}/remove"
    ).get_data(as_text=True)
    assert client.post(f"/spaces/{space.id}/members/{second.id}/remove").status_code == 403
    edited = client.post(
        f"/spaces/{space.id}/members/{second.id}/edit", data={"role": "facilitator", "party": "carrier"}
    )
    assert edited.status_code == 302
    assert membership_of(session, space, people.user).party == "carrier"


def test_an_admin_appoints_through_member_management(client, login, session, people, space) -> None:
    member = membership_of(session, space, people.member)
    login(people.admin)
    assert 'value="facilitator"' in client.get(f"/spaces/{space.id}/members/{member.id}/edit").get_data(
        as_text=True
    )
    data = {"role": "facilitator", "party": "beneficiary", "organisation": ""}
    assert client.post(f"/spaces/{space.id}/members/{member.id}/edit", data=data).status_code == 302
    assert membership_of(session, space, people.member).role == "facilitator"


def test_removing_a_member_with_confirmation(client, login, session, people, space) -> None:
    member = membership_of(session, space, people.member)
    login(people.facilitator)
    page = client.get(f"/spaces/{space.id}/members/{member.id}/remove").get_data(as_text=True)
    assert "Yes, remove from the social space" in page
    response = client.post(f"/spaces/{space.id}/members/{member.id}/remove")
    assert response.status_code == 302
    assert "Mia no longer belongs to the social space." in client.get(response.location).get_data(
        as_text=True
    )
    assert membership_of(session, space, people.member).status == "left"
    assert client.post(f"/spaces/{space.id}/members/{member.id}/remove").status_code == 404


# --- facilitators of every space ---------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [*ROLE_STATUS, ("facilitator", 403)])
def test_only_admins_open_the_facilitators_page(client, login, session, people, space, role, status) -> None:
    client = signed_in(client, login, people, role)
    assert client.get("/admin/facilitators").status_code == status
    data = {"space": str(space.id), "email": people.user.email}
    assert client.post("/admin/facilitators", data=data).status_code == status
    facilitator = membership_of(session, space, people.facilitator)
    assert client.post(f"/admin/facilitators/{facilitator.id}/remove").status_code == status


def test_an_admin_appoints_and_removes_facilitators(
    client, login, session, people, space, space_by_code
) -> None:
    walle = space_by_code("04011430")
    login(people.admin)
    page = client.get("/admin/facilitators").get_data(as_text=True)
    assert "Facilitators of the social spaces" in page and "Fiona" in page and "Appoint facilitator" in page
    response = client.post("/admin/facilitators", data={"space": str(walle.id), "email": people.user.email})
    assert response.status_code == 302
    assert "Otto now facilitates Walle." in client.get(response.location).get_data(as_text=True)
    appointed = membership_of(session, walle, people.user)
    assert (appointed.role, appointed.status) == ("facilitator", "active")
    response = client.post(f"/admin/facilitators/{appointed.id}/remove")
    assert response.status_code == 302
    assert "Otto no longer facilitates Walle." in client.get(response.location).get_data(as_text=True)
    assert membership_of(session, walle, people.user).role == "observer"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"space": "", "email": "otto@test.example"}, "Choose a social space"),
        ({"space": "999999", "email": "otto@test.example"}, "Choose a social space from the list"),
        ({"space": "own", "email": "nobody@test.example"}, "There is no account with this e-mail address"),
    ],
)
def test_bad_appointments_are_shown_again(client, login, people, space, data, message) -> None:
    if data["space"] == "own":
        data = {**data, "space": str(space.id)}
    response = login(people.admin).post("/admin/facilitators", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{data["email"]}"' in html

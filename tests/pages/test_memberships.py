"""Pages: asking to join a space, the facilitation's decision on the space page, leaving.

Every form works as a plain POST (redirect + flashed message); htmx requests get only the fragment.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.mail import OutboxMessage
from governance.models import Organisation, OrganisationMember, SpaceMembership
from tests.membership_data import add_membership, cast
from tests.querycount import counted_queries

HTMX = {"HX-Request": "true"}


@pytest.fixture
def space(space_by_code):
    return space_by_code("04011440")


@pytest.fixture
def people(session, make_user, space) -> SimpleNamespace:
    return cast(session, make_user, space)


def membership_of(session, space, user) -> SpaceMembership | None:
    session.expire_all()
    return session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space.id, SpaceMembership.user_id == user.id
        )
    )


def actor(people, role):
    return None if role == "anonymous" else getattr(people, role)


def signed_in(client, login, people, role):
    return client if role == "anonymous" else login(getattr(people, role))


# --- the panel on the space page ---------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, people, space) -> None:
    html = client.get(f"/spaces/{space.id}").get_data(as_text=True)
    assert 'id="space-membership"' in html
    assert f"/login?next=/spaces/{space.id}" in html.replace("%2F", "/")
    assert "Ask to join this social space" not in html and "Requests to join" not in html


def test_an_outsider_sees_the_join_link(client, login, people, space) -> None:
    html = login(people.user).get(f"/spaces/{space.id}").get_data(as_text=True)
    assert f'href="/spaces/{space.id}/join">Ask to join this social space' in html
    assert "Manage members" not in html


def test_a_member_sees_membership_and_leave_button(client, login, people, space) -> None:
    html = login(people.member).get(f"/spaces/{space.id}").get_data(as_text=True)
    assert "You are a member of this social space." in html and "Beneficiary" in html
    assert "Yes, leave this social space" in html
    assert "Manage members" not in html and "Requests to join" not in html


def test_the_facilitator_sees_management_links_and_requests(client, login, session, people, space) -> None:
    add_membership(session, space, people.user, party="carrier", status="requested")
    html = login(people.facilitator).get(f"/spaces/{space.id}").get_data(as_text=True)
    assert f'href="/spaces/{space.id}/members/manage"' in html
    assert f'href="/spaces/{space.id}/invitations"' in html
    assert 'id="pending-requests"' in html and "Otto" in html
    assert "Approve" in html and "Decline" in html
    # The only facilitator is told why there is no leave button.
    assert "You are the only facilitator" in html and "Yes, leave this social space" not in html


# --- asking to join ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, space) -> None:
    response = client.get(f"/spaces/{space.id}/join")
    assert response.status_code == 302
    assert response.location.endswith(f"/login?next=%2Fspaces%2F{space.id}%2Fjoin")


def test_joining_as_a_plain_form_post(client, login, session, people, space) -> None:
    organisation = Organisation(name="Gröpelinger Selbsthilfe", kind="advocacy_group")
    session.add_all([organisation, OrganisationMember(organisation=organisation, user=people.user)])
    session.commit()
    login(people.user)
    form = client.get(f"/spaces/{space.id}/join").get_data(as_text=True)
    assert 'name="party"' in form and 'value="beneficiary"' in form
    assert "Gröpelinger Selbsthilfe" in form and "Send request" in form
    response = client.post(
        f"/spaces/{space.id}/join",
        data={"party": "advocacy_group", "organisation": str(organisation.id), "message": "Hallo!"},
    )
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your request has been sent." in page
    assert "Your request to join is waiting for a decision" in page
    membership = membership_of(session, space, people.user)
    assert (membership.status, membership.party, membership.organisation_id, membership.message) == (
        "requested", "advocacy_group", organisation.id, "Hallo!",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("party", "message"),
    [("pirates", "Choose one of the parties in the list"), ("", "Choose the party you speak for")],
)
def test_a_bad_party_re_shows_the_form_with_everything_typed(
    client, login, session, people, space, party, message
):
    login(people.user)
    response = client.post(f"/spaces/{space.id}/join", data={"party": party, "message": "Mein Text <b>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and message in html
    assert "Mein Text &lt;b&gt;" in html
    assert '<div class="form-group form-group--error" id="party">' in html
    assert membership_of(session, space, people.user) is None


def test_someone_elses_organisation_is_refused(client, login, session, people, space) -> None:
    other = Organisation(name="Fremder Verein", kind="civil_society")
    session.add(other)
    session.commit()
    response = login(people.user).post(
        f"/spaces/{space.id}/join", data={"party": "civil_society", "organisation": str(other.id)}
    )
    assert response.status_code == 422
    assert "Choose one of the organisations in the list" in response.get_data(as_text=True)


def test_an_htmx_join_gets_only_the_membership_panel(client, login, people, space) -> None:
    login(people.user)
    form = client.get(f"/spaces/{space.id}/join", headers=HTMX)
    assert form.status_code == 200 and "HX-Request" in form.headers["Vary"]
    assert "<html" not in form.get_data(as_text=True) and 'id="join-form"' in form.get_data(as_text=True)
    response = client.post(f"/spaces/{space.id}/join", data={"party": "carrier"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<section id="space-membership"')
    assert "Your request has been sent." in html and "waiting for a decision" in html


def test_members_and_waiting_requesters_are_sent_back_to_the_space(client, login, people, space) -> None:
    response = login(people.member).get(f"/spaces/{space.id}/join", follow_redirects=True)
    assert "You are already a member of this social space." in response.get_data(as_text=True)
    login(people.user).post(f"/spaces/{space.id}/join", data={"party": "carrier"})
    response = client.get(f"/spaces/{space.id}/join", follow_redirects=True)
    assert "already waiting for a decision" in response.get_data(as_text=True)


def test_join_needs_the_csrf_token(client, login, people, space, csrf_enabled) -> None:
    response = login(people.user).post(f"/spaces/{space.id}/join", data={"party": "carrier"})
    assert response.status_code == 400


def test_joining_an_unknown_space_is_404(client, login, people) -> None:
    assert login(people.user).get("/spaces/999999/join").status_code == 404


# --- deciding ----------------------------------------------------------------------------------


@pytest.fixture
def pending(session, people, space) -> SpaceMembership:
    return add_membership(session, space, people.user, party="beneficiary", status="requested")


def test_approving_with_a_corrected_party_from_the_space_page(client, login, session, people, space, pending):
    login(people.facilitator)
    response = client.post(
        f"/spaces/{space.id}/requests/{pending.id}/approve",
        data={"party": "civil_society", "next": f"/spaces/{space.id}"},
    )
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}")
    assert "Otto is now a member of the social space." in client.get(response.location).get_data(as_text=True)
    membership = membership_of(session, space, people.user)
    assert (membership.status, membership.party) == ("active", "civil_society")
    assert session.scalar(select(OutboxMessage.recipient)) == people.user.email


def test_a_foreign_next_address_is_ignored(client, login, people, space, pending) -> None:
    response = login(people.facilitator).post(
        f"/spaces/{space.id}/requests/{pending.id}/decline", data={"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.location.endswith(f"/spaces/{space.id}")


def test_declining(client, login, session, people, space, pending) -> None:
    response = login(people.admin).post(f"/spaces/{space.id}/requests/{pending.id}/decline")
    assert response.status_code == 302
    assert "You have declined the request of Otto." in client.get(response.location).get_data(as_text=True)
    assert membership_of(session, space, people.user).status == "declined"


def test_a_bad_party_on_approval_shows_the_decision_page(client, login, session, people, space, pending):
    response = login(people.facilitator).post(
        f"/spaces/{space.id}/requests/{pending.id}/approve", data={"party": "pirates"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Request of Otto to join Gröpelingen" in html and "Choose one of the parties in the list" in html
    assert membership_of(session, space, people.user).status == "requested"


def test_the_decision_page(client, login, people, space, pending) -> None:
    html = login(people.facilitator).get(f"/spaces/{space.id}/requests/{pending.id}").get_data(as_text=True)
    assert "Request of Otto to join Gröpelingen" in html
    assert '<option selected value="beneficiary">' in html


def test_htmx_decisions_return_only_the_request_list(client, login, session, people, space, pending) -> None:
    response = login(people.facilitator).post(
        f"/spaces/{space.id}/requests/{pending.id}/approve", data={"party": "carrier"}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<section id="pending-requests"')
    assert "Otto is now a member" in html and "No requests are waiting." in html


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("user", 403), ("member", 403), ("observer", 403)]
)
@pytest.mark.parametrize("action", ["approve", "decline"])
def test_only_the_facilitation_decides(client, login, session, people, space, role, status, action) -> None:
    other = add_membership(session, space, people.admin, status="requested", party="carrier")
    client = signed_in(client, login, people, role)
    response = client.post(f"/spaces/{space.id}/requests/{other.id}/{action}", data={"party": "carrier"})
    assert response.status_code == status
    assert membership_of(session, space, people.admin).status == "requested"


def test_unknown_or_decided_requests(client, login, people, space, pending) -> None:
    login(people.facilitator)
    assert client.post(f"/spaces/{space.id}/requests/999999/approve").status_code == 404
    assert client.post(f"/spaces/{space.id}/requests/{pending.id}/decline").status_code == 302
    assert client.post(f"/spaces/{space.id}/requests/{pending.id}/approve").status_code == 409
    assert client.get(f"/spaces/{space.id}/requests/{pending.id}").status_code == 409


# --- leaving -----------------------------------------------------------------------------------


def test_leaving_with_confirmation(client, login, session, people, space) -> None:
    login(people.member)
    page = client.get(f"/spaces/{space.id}/leave").get_data(as_text=True)
    assert "Yes, leave this social space" in page and "No, stay" in page
    response = client.post(f"/spaces/{space.id}/leave")
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "You have left the social space Gröpelingen." in html
    assert "Ask to join this social space" in html
    assert membership_of(session, space, people.member).status == "left"


def test_leaving_by_htmx_swaps_the_panel(client, login, session, people, space) -> None:
    response = login(people.observer).post(f"/spaces/{space.id}/leave", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.strip().startswith('<section id="space-membership"')
    assert "You have left the social space" in html and "Ask to join this social space" in html


def test_the_last_facilitator_cannot_leave(client, login, session, people, space) -> None:
    login(people.facilitator)
    assert "You are the only facilitator" in client.get(f"/spaces/{space.id}/leave").get_data(as_text=True)
    response = client.post(f"/spaces/{space.id}/leave")
    assert response.status_code == 409
    assert "cannot leave it now" in response.get_data(as_text=True)
    assert membership_of(session, space, people.facilitator).status == "active"


def test_who_is_not_a_member_is_told_so(client, login, people, space) -> None:
    anonymous = client.post(f"/spaces/{space.id}/leave")
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.location
    response = login(people.user).post(f"/spaces/{space.id}/leave", follow_redirects=True)
    assert "You are not a member of this social space." in response.get_data(as_text=True)


# --- performance -------------------------------------------------------------------------------


def count_queries(app, client, url: str) -> int:
    with app.app_context(), counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_space_page_needs_the_same_queries_for_3_or_30_members(
    app, client, login, session, make_user, people, space
):
    login(people.facilitator)
    url = f"/spaces/{space.id}"

    def add_people(count: int, offset: int) -> None:
        for number in range(count):
            person = make_user(f"extra{offset + number}")
            add_membership(session, space, person, party="provider")
            add_membership(
                session, space, make_user(f"asking{offset + number}"), party="carrier", status="requested"
            )

    add_people(2, 0)
    few = count_queries(app, client, url)
    add_people(15, 100)
    assert count_queries(app, client, url) == few

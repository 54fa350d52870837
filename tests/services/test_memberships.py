"""Joining a social space by party, the facilitation's decision, and leaving.

User stories:
- As a resident I ask to join Gröpelingen as a beneficiary, perhaps for my organisation, with a note.
- As a facilitator I see the request, correct the party if needed, and let the person in or decline;
  they get an e-mail in their own language.
- As a member I leave the space; the last facilitator cannot leave it without facilitation.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.mail import OutboxMessage
from governance.models import Organisation, OrganisationMember, SpaceMembership
from governance.services import memberships, spaces
from tests.membership_data import add_membership, cast


@pytest.fixture
def space(space_by_code):
    return space_by_code("04011440")


@pytest.fixture
def people(session, make_user, space) -> SimpleNamespace:
    return cast(session, make_user, space)


def actions(session, membership_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "space_membership", AuditEntry.object_id == str(membership_id))
            .order_by(AuditEntry.id)
        )
    )


def outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --- asking to join -----------------------------------------------------------------------------


def test_a_user_asks_to_join_with_party_organisation_and_message(session, people, space) -> None:
    organisation = Organisation(name="Blaue Karawane", kind="advocacy_group")
    session.add_all([organisation, OrganisationMember(organisation=organisation, user=people.user)])
    session.commit()
    membership = memberships.request_to_join(
        session, people.user, space.id, party="advocacy_group", organisation_id=organisation.id,
        message="  Ich vertrete die Blaue Karawane.  ",
    )  # fmt: skip
    assert (membership.status, membership.role, membership.party) == ("requested", "member", "advocacy_group")
    assert membership.organisation_id == organisation.id
    assert membership.message == "Ich vertrete die Blaue Karawane."
    assert actions(session, membership.id) == ["membership.requested"]
    page = spaces.space_page(session, people.facilitator, space.id)
    assert [m.user_id for m in page.pending_requests] == [people.user.id]
    assert spaces.space_page(session, people.member, space.id).pending_requests == []


def test_join_choices_offer_only_the_users_own_organisations(session, people, space) -> None:
    mine = Organisation(name="Mine", kind="provider")
    other = Organisation(name="Other", kind="provider")
    session.add_all([mine, other, OrganisationMember(organisation=mine, user=people.user)])
    session.commit()
    assert [o.name for o in memberships.join_choices(session, people.user, space.id).organisations] == [
        "Mine"
    ]
    with pytest.raises(InvalidInput) as error:
        memberships.request_to_join(
            session, people.user, space.id, party="provider", organisation_id=other.id
        )
    assert error.value.field_errors == {"organisation": ["not_your_organisation"]}


@pytest.mark.parametrize(
    ("party", "message", "errors"),
    [
        ("", "", {"party": ["required"]}),
        (None, "", {"party": ["required"]}),
        ("pirates", "", {"party": ["unknown_party"]}),
        ("beneficiary", "x" * 1001, {"message": ["too_long"]}),
    ],
)
def test_a_join_request_needs_a_known_party_and_a_short_message(
    session, people, space, party, message, errors
):
    with pytest.raises(InvalidInput) as error:
        memberships.request_to_join(session, people.user, space.id, party=party, message=message)
    assert error.value.field_errors == errors
    assert session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == people.user.id)) is None


@pytest.mark.parametrize("role", ["anonymous", "member", "observer", "facilitator"])
def test_only_outsiders_may_ask_to_join(session, people, space, role) -> None:
    actor = None if role == "anonymous" else getattr(people, role)
    with pytest.raises(PermissionDenied):
        memberships.request_to_join(session, actor, space.id, party="beneficiary")


@pytest.mark.parametrize("role", ["user", "admin"])
def test_users_and_admins_may_ask_to_join(session, people, space, role) -> None:
    membership = memberships.request_to_join(session, getattr(people, role), space.id, party="carrier")
    assert membership.status == "requested"


def test_a_pending_request_cannot_be_sent_twice(session, people, space) -> None:
    memberships.request_to_join(session, people.user, space.id, party="carrier")
    with pytest.raises(PermissionDenied):
        memberships.request_to_join(session, people.user, space.id, party="carrier")


def test_unknown_space_is_not_found(session, people) -> None:
    with pytest.raises(NotFound):
        memberships.request_to_join(session, people.user, 999_999, party="carrier")


@pytest.mark.parametrize("earlier_status", ["declined", "left"])
def test_asking_again_after_decline_or_leaving_reuses_the_membership(session, people, space, earlier_status):
    earlier = add_membership(session, space, people.user, role="observer", status=earlier_status)
    again = memberships.request_to_join(session, people.user, space.id, party="civil_society", message="2nd")
    assert again.id == earlier.id
    assert (again.status, again.role, again.party, again.message) == (
        "requested", "member", "civil_society", "2nd",
    )  # fmt: skip
    assert again.decided_at is None and again.decided_by_id is None


# --- deciding ----------------------------------------------------------------------------------


def make_request(session, people, space, *, locale="de", party="beneficiary") -> SpaceMembership:
    people.applicant.locale = locale
    membership = memberships.request_to_join(session, people.applicant, space.id, party=party)
    membership.created_at = datetime(2025, 3, 3, 10, 0)
    session.commit()
    return membership


def test_a_facilitator_approves_and_corrects_the_party(session, people, space) -> None:
    request = make_request(session, people, space, party="beneficiary")
    approved = memberships.approve_request(
        session, people.facilitator, space.id, request.id, party="advocacy_group"
    )
    assert (approved.status, approved.party) == ("active", "advocacy_group")
    assert approved.decided_by_id == people.facilitator.id and approved.decided_at is not None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.approved"))
    assert entry.details["requested_party"] == "beneficiary" and entry.details["party"] == "advocacy_group"
    [mail] = outbox(session)
    assert mail.recipient == people.applicant.email
    # German account: the request date is written the German way.
    assert "Gröpelingen" in mail.subject and "3. März 2025" in mail.body
    assert f"http://raumrat.test/spaces/{space.id}" in mail.body
    assert spaces.space_page(session, people.applicant, space.id).permissions["leave_space"]


def test_approving_without_a_correction_keeps_the_chosen_party(session, people, space) -> None:
    request = make_request(session, people, space, party="carrier")
    assert memberships.approve_request(session, people.admin, space.id, request.id).party == "carrier"


def test_a_decline_is_mailed_in_the_requesters_language(session, people, space) -> None:
    request = make_request(session, people, space, locale="en")
    declined = memberships.decline_request(session, people.facilitator, space.id, request.id)
    assert declined.status == "declined" and declined.decided_by_id == people.facilitator.id
    assert actions(session, request.id) == ["membership.requested", "membership.declined"]
    [mail] = outbox(session)
    assert "March 3, 2025" in mail.body


def test_a_correction_must_name_a_known_party(session, people, space) -> None:
    request = make_request(session, people, space)
    with pytest.raises(InvalidInput) as error:
        memberships.approve_request(session, people.facilitator, space.id, request.id, party="pirates")
    assert error.value.field_errors == {"party": ["unknown_party"]}
    assert session.get(SpaceMembership, request.id).status == "requested"


@pytest.mark.parametrize("role", ["anonymous", "user", "member", "observer"])
@pytest.mark.parametrize("decide", [memberships.approve_request, memberships.decline_request])
def test_only_the_facilitation_decides_on_requests(session, people, space, role, decide) -> None:
    request = make_request(session, people, space)
    actor = None if role == "anonymous" else getattr(people, role)
    with pytest.raises(PermissionDenied):
        decide(session, actor, space.id, request.id)
    assert session.get(SpaceMembership, request.id).status == "requested"


def test_a_facilitator_of_another_space_cannot_decide(session, people, space, space_by_code) -> None:
    request = make_request(session, people, space)
    walle = space_by_code("04011430")
    elsewhere = people.user
    add_membership(session, walle, elsewhere, role="facilitator")
    with pytest.raises(PermissionDenied):
        memberships.approve_request(session, elsewhere, space.id, request.id)
    # Naming the other space in the address does not help either: the request is not there.
    with pytest.raises(NotFound):
        memberships.approve_request(session, elsewhere, walle.id, request.id)


def test_a_request_is_decided_once(session, people, space) -> None:
    request = make_request(session, people, space)
    memberships.approve_request(session, people.facilitator, space.id, request.id)
    with pytest.raises(Conflict):
        memberships.decline_request(session, people.admin, space.id, request.id)
    with pytest.raises(NotFound):
        memberships.approve_request(session, people.admin, space.id, 999_999)


# --- leaving -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_and_observers_leave_and_may_ask_again(session, people, space, role) -> None:
    person = getattr(people, role)
    left = memberships.leave_space(session, person, space.id)
    assert left.status == "left"
    assert actions(session, left.id)[-1] == "membership.left"
    assert spaces.space_page(session, person, space.id).permissions["request_to_join_space"]


@pytest.mark.parametrize("role", ["anonymous", "user", "admin"])
def test_who_is_not_a_member_cannot_leave(session, people, space, role) -> None:
    with pytest.raises(PermissionDenied):
        memberships.leave_space(session, None if role == "anonymous" else getattr(people, role), space.id)


def test_a_person_with_a_pending_request_cannot_leave(session, people, space) -> None:
    memberships.request_to_join(session, people.user, space.id, party="carrier")
    with pytest.raises(PermissionDenied):
        memberships.leave_space(session, people.user, space.id)


def test_the_last_facilitator_cannot_leave_but_one_of_two_can(session, people, space, make_user) -> None:
    with pytest.raises(Conflict) as error:
        memberships.leave_space(session, people.facilitator, space.id)
    assert error.value.field_errors == {"membership": ["last_facilitator"]}
    second = make_user("frieda")
    add_membership(session, space, second, role="facilitator")
    assert memberships.leave_space(session, people.facilitator, space.id).status == "left"
    with pytest.raises(Conflict):
        memberships.leave_space(session, second, space.id)

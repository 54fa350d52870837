"""Member management by the facilitation, and the appointment of facilitators by administrators.

User stories:
- As a facilitator I correct a member's party or organisation, make someone an observer, or remove them.
- Only site administrators make someone a facilitator or take the role away.
- As an administrator I see the facilitators of every space, appoint one by e-mail, and remove one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.mail import OutboxMessage
from governance.models import Organisation, OrganisationMember, SpaceMembership
from governance.services import memberships
from tests.membership_data import add_membership, cast

ROLES = ["anonymous", "user", "member", "observer", "facilitator", "admin"]


@pytest.fixture
def space(space_by_code):
    return space_by_code("04011440")


@pytest.fixture
def people(session, make_user, space):
    return cast(session, make_user, space)


def membership_of(session, space, user) -> SpaceMembership:
    return session.scalar(
        select(SpaceMembership).where(
            SpaceMembership.space_id == space.id, SpaceMembership.user_id == user.id
        )
    )


def actor(people, role: str):
    return None if role == "anonymous" else getattr(people, role)


# --- the management page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_facilitation_sees_the_management_page(session, people, space, role) -> None:
    if role in ("facilitator", "admin"):
        page = memberships.manage_page(session, actor(people, role), space.id)
        assert [m.user.display_name for m in page.members] == ["Fiona", "Mia", "Olga"]
        assert page.may_appoint_facilitators is (role == "admin")
    else:
        with pytest.raises(PermissionDenied):
            memberships.manage_page(session, actor(people, role), space.id)


def test_the_management_page_lists_pending_requests(session, people, space) -> None:
    memberships.request_to_join(session, people.user, space.id, party="carrier")
    page = memberships.manage_page(session, people.facilitator, space.id)
    assert [m.user_id for m in page.pending_requests] == [people.user.id]
    assert people.user.id not in [m.user_id for m in page.members]


# --- changing a member -------------------------------------------------------------------------


def test_a_facilitator_corrects_party_and_organisation(session, people, space) -> None:
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add_all([organisation, OrganisationMember(organisation=organisation, user=people.member)])
    session.commit()
    membership = membership_of(session, space, people.member)
    choices = memberships.member_choices(session, people.facilitator, space.id, membership.id)
    assert [o.name for o in choices.organisations] == ["Selbsthilfe West"]
    changed = memberships.change_member(
        session, people.facilitator, space.id, membership.id,
        party="advocacy_group", role="member", organisation_id=organisation.id,
    )  # fmt: skip
    assert (changed.party, changed.organisation_id) == ("advocacy_group", organisation.id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.changed"))
    assert entry.details["before"]["party"] == "beneficiary"
    assert entry.details["after"]["party"] == "advocacy_group"


def test_an_unchanged_form_writes_nothing(session, people, space) -> None:
    membership = membership_of(session, space, people.member)
    memberships.change_member(
        session, people.facilitator, space.id, membership.id, party="beneficiary", role="member",
        organisation_id=None,
    )  # fmt: skip
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "membership.changed")) is None


def test_a_member_can_become_an_observer_without_a_party(session, people, space) -> None:
    membership = membership_of(session, space, people.member)
    changed = memberships.change_member(
        session, people.facilitator, space.id, membership.id, party="", role="observer", organisation_id=None
    )
    assert (changed.role, changed.party) == ("observer", None)


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"party": "", "role": "member"}, {"party": ["required"]}),
        ({"party": "pirates", "role": "member"}, {"party": ["unknown_party"]}),
        ({"party": "carrier", "role": "king"}, {"role": ["unknown_role"]}),
        (
            {"party": "carrier", "role": "member", "organisation_id": 999_999},
            {"organisation": ["not_their_organisation"]},
        ),
    ],
)  # fmt: skip
def test_bad_changes_are_refused_with_reasons(session, people, space, values, errors) -> None:
    membership = membership_of(session, space, people.member)
    with pytest.raises(InvalidInput) as error:
        memberships.change_member(
            session, people.facilitator, space.id, membership.id, **{"organisation_id": None, **values}
        )
    assert error.value.field_errors == errors


def test_an_organisation_the_member_does_not_belong_to_is_refused(session, people, space) -> None:
    stranger_org = Organisation(name="Fremd", kind="provider")
    session.add(stranger_org)
    session.commit()
    membership = membership_of(session, space, people.member)
    with pytest.raises(InvalidInput):
        memberships.change_member(
            session, people.facilitator, space.id, membership.id, party="provider", role="member",
            organisation_id=stranger_org.id,
        )  # fmt: skip


def test_an_ordinary_facilitator_cannot_appoint_or_demote_facilitators(session, people, space) -> None:
    member = membership_of(session, space, people.member)
    with pytest.raises(PermissionDenied):
        memberships.change_member(
            session, people.facilitator, space.id, member.id, party="beneficiary", role="facilitator",
            organisation_id=None,
        )  # fmt: skip
    second = add_membership(session, space, people.user, role="facilitator")
    with pytest.raises(PermissionDenied):
        memberships.change_member(
            session,
            people.facilitator,
            space.id,
            second.id,
            party="carrier",
            role="member",
            organisation_id=None,
        )
    with pytest.raises(PermissionDenied):
        memberships.remove_member(session, people.facilitator, space.id, second.id)
    # A facilitator may still correct a fellow facilitator's party.
    changed = memberships.change_member(
        session,
        people.facilitator,
        space.id,
        second.id,
        party="carrier",
        role="facilitator",
        organisation_id=None,
    )
    assert (changed.role, changed.party) == ("facilitator", "carrier")


def test_an_admin_appoints_a_facilitator_through_member_management(session, people, space) -> None:
    member = membership_of(session, space, people.member)
    changed = memberships.change_member(
        session,
        people.admin,
        space.id,
        member.id,
        party="beneficiary",
        role="facilitator",
        organisation_id=None,
    )
    assert changed.role == "facilitator"


@pytest.mark.parametrize("role", ["anonymous", "user", "member", "observer"])
def test_only_the_facilitation_changes_or_removes_members(session, people, space, role) -> None:
    member = membership_of(session, space, people.member)
    with pytest.raises(PermissionDenied):
        memberships.change_member(
            session,
            actor(people, role),
            space.id,
            member.id,
            party="carrier",
            role="member",
            organisation_id=None,
        )
    with pytest.raises(PermissionDenied):
        memberships.remove_member(session, actor(people, role), space.id, member.id)
    assert membership_of(session, space, people.member).status == "active"


def test_a_facilitator_removes_a_member(session, people, space) -> None:
    member = membership_of(session, space, people.member)
    removed = memberships.remove_member(session, people.facilitator, space.id, member.id)
    assert removed.status == "left"
    assert "membership.removed" in set(session.scalars(select(AuditEntry.action)))
    with pytest.raises(NotFound):  # no longer an active member
        memberships.remove_member(session, people.facilitator, space.id, member.id)


def test_members_of_another_space_are_not_found(session, people, space, space_by_code) -> None:
    walle = space_by_code("04011430")
    elsewhere = add_membership(session, walle, people.user, party="carrier")
    with pytest.raises(NotFound):
        memberships.member_choices(session, people.facilitator, space.id, elsewhere.id)


# --- facilitators of every space ---------------------------------------------------------------


def test_an_admin_appoints_a_facilitator_by_email(session, people, space, space_by_code) -> None:
    walle = space_by_code("04011430")
    people.user.locale = "en"
    session.commit()
    appointed = memberships.appoint_facilitator(
        session, people.admin, space_id=walle.id, email=people.user.email.upper()
    )
    assert (appointed.role, appointed.status, appointed.party) == ("facilitator", "active", None)
    overview = memberships.facilitators_overview(session, people.admin)
    assert [(s.name, [m.user_id for m in ms]) for s, ms in overview.by_space] == [
        ("Gröpelingen", [people.facilitator.id]),
        ("Walle", [people.user.id]),
    ]
    assert len(overview.spaces) == 151
    [mail] = session.scalars(select(OutboxMessage)).all()
    assert mail.recipient == people.user.email and "Walle" in mail.subject


def test_appointing_a_member_keeps_their_party(session, people, space) -> None:
    appointed = memberships.appoint_facilitator(
        session, people.admin, space_id=space.id, email=people.member.email
    )
    assert (appointed.role, appointed.party) == ("facilitator", "beneficiary")


@pytest.mark.parametrize(
    ("space_id", "email", "errors"),
    [
        (None, "otto@test.example", {"space": ["unknown_space"]}),
        (999_999, "otto@test.example", {"space": ["unknown_space"]}),
        ("own", "nobody@test.example", {"email": ["unknown_user"]}),
        ("own", "fiona@test.example", {"email": ["already_facilitator"]}),
    ],
)
def test_bad_appointments_are_refused(session, people, space, space_id, email, errors) -> None:
    with pytest.raises(InvalidInput) as error:
        memberships.appoint_facilitator(
            session, people.admin, space_id=space.id if space_id == "own" else space_id, email=email
        )
    assert error.value.field_errors == errors


@pytest.mark.parametrize("role", ["anonymous", "user", "member", "observer", "facilitator"])
def test_only_admins_manage_facilitators(session, people, space, role) -> None:
    with pytest.raises(PermissionDenied):
        memberships.facilitators_overview(session, actor(people, role))
    with pytest.raises(PermissionDenied):
        memberships.appoint_facilitator(
            session, actor(people, role), space_id=space.id, email=people.user.email
        )
    with pytest.raises(PermissionDenied):
        memberships.remove_facilitator(
            session, actor(people, role), membership_of(session, space, people.facilitator).id
        )


def test_a_removed_facilitator_stays_as_member_or_observer(session, people, space) -> None:
    neutral = membership_of(session, space, people.facilitator)
    assert memberships.remove_facilitator(session, people.admin, neutral.id).role == "observer"
    with_party = memberships.appoint_facilitator(
        session, people.admin, space_id=space.id, email=people.member.email
    )
    assert memberships.remove_facilitator(session, people.admin, with_party.id).role == "member"
    with pytest.raises(NotFound):
        memberships.remove_facilitator(session, people.admin, with_party.id)
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("membership.%"))))
    assert actions.count("membership.facilitator_removed") == 2

"""Organisations: the directory, an organisation's page, editing it and managing its members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput, NotFound, PermissionDenied
from governance.models import Organisation, OrganisationMember, SpaceMembership, User
from governance.parties import MembershipStatus
from governance.services import organisations
from governance.services.organisations import LastRepresentative


@dataclass
class Cast:
    """An organisation with one representative and one member, and people around it."""

    organisation: Organisation
    representative: User
    member: User
    outsider: User
    admin: User
    representative_link: OrganisationMember
    member_link: OrganisationMember

    def person(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "user": self.outsider,
            "org_member": self.member,
            "representative": self.representative,
            "admin": self.admin,
        }[role]


def add_organisation(
    session, name: str = "Selbsthilfe West", kind: str = "advocacy_group", **kw
) -> Organisation:
    organisation = Organisation(name=name, kind=kind, description=kw.get("description", ""))
    session.add(organisation)
    session.commit()
    return organisation


def join(session, organisation: Organisation, user: User, role: str = "member") -> OrganisationMember:
    link = OrganisationMember(organisation=organisation, user=user, role=role)
    session.add(link)
    session.commit()
    return link


@pytest.fixture
def cast(session, make_user) -> Cast:
    organisation = add_organisation(session)
    representative = make_user("rita")
    member = make_user("moritz")
    return Cast(
        organisation=organisation,
        representative=representative,
        member=member,
        outsider=make_user("olaf"),
        admin=make_user("ada", admin=True),
        representative_link=join(session, organisation, representative, "representative"),
        member_link=join(session, organisation, member),
    )


def audit_actions(session, organisation_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "organisation", AuditEntry.object_id == str(organisation_id))
            .order_by(AuditEntry.id)
        )
    )


# --- the directory -------------------------------------------------------------------------------


def test_directory_filters_by_kind_and_finds_names_however_umlauts_are_typed(session) -> None:
    add_organisation(session, "Nachbarschaftshilfe Gröpelingen", "provider")
    add_organisation(session, "Amt für Soziale Dienste", "carrier")
    add_organisation(session, "Gröpelinger Selbstvertretung", "advocacy_group")
    everyone = organisations.list_organisations(session, None)
    assert [org.name for org in everyone] == [
        "Amt für Soziale Dienste",
        "Gröpelinger Selbstvertretung",
        "Nachbarschaftshilfe Gröpelingen",
    ]
    for query in ("gröpeling", "GROEPELING", "Groepel"):
        found = organisations.list_organisations(session, None, query=query)
        assert {org.name for org in found} == {
            "Nachbarschaftshilfe Gröpelingen",
            "Gröpelinger Selbstvertretung",
        }
    providers = organisations.list_organisations(session, None, kind="provider", query="gröpelingen")
    assert [org.name for org in providers] == ["Nachbarschaftshilfe Gröpelingen"]
    assert organisations.list_organisations(session, None, query="hilfe amt") == []


@pytest.mark.parametrize(("kind", "query", "field"), [("planet", "", "kind"), (None, "x" * 101, "q")])
def test_bad_directory_filters_are_refused_with_a_reason(session, kind, query, field) -> None:
    with pytest.raises(InvalidInput) as error:
        organisations.list_organisations(session, None, kind=kind, query=query)
    assert field in error.value.field_errors


def test_member_counts_are_counted_per_organisation(session, cast) -> None:
    empty = add_organisation(session, "Leer e.V.")
    counts = organisations.member_counts(session, None)
    assert counts[cast.organisation.id] == 2
    assert empty.id not in counts


def test_an_unknown_organisation_is_not_found(session) -> None:
    with pytest.raises(NotFound):
        organisations.get_organisation(session, None, 999_999)
    with pytest.raises(NotFound):
        organisations.organisation_page(session, None, 999_999)


# --- an organisation's page ----------------------------------------------------------------------


def test_anonymous_visitors_see_how_many_members_but_not_who(session, cast) -> None:
    page = organisations.organisation_page(session, None, cast.organisation.id)
    assert page.members == [] and page.may_see_names is False
    assert (page.member_count, page.representative_count) == (2, 1)
    assert not any(page.permissions.values())


def test_signed_in_people_see_members_with_representatives_first(session, cast, make_user) -> None:
    join(session, cast.organisation, make_user("anton"))
    page = organisations.organisation_page(session, cast.outsider, cast.organisation.id)
    assert [m.user.display_name for m in page.members] == ["Rita", "Anton", "Moritz"]
    assert page.viewer_membership is None
    assert page.permissions["leave_organisation"] is False


def test_the_page_lists_the_spaces_where_members_speak_for_the_organisation(
    session, cast, space_by_code, make_user
) -> None:
    groepelingen, walle = space_by_code("04011440"), space_by_code("04011430")
    waiting = make_user()
    session.add_all(
        [
            SpaceMembership(
                space=groepelingen, user=cast.member, organisation=cast.organisation, status="active"
            ),
            SpaceMembership(
                space=groepelingen, user=cast.representative, organisation=cast.organisation, status="active"
            ),
            SpaceMembership(space=walle, user=cast.member, organisation=cast.organisation, status="active"),
            # Requests and members who speak for nobody do not count.
            SpaceMembership(space=walle, user=waiting, organisation=cast.organisation, status="requested"),
            SpaceMembership(space=walle, user=cast.outsider, status="active"),
        ]
    )
    session.commit()
    page = organisations.organisation_page(session, None, cast.organisation.id)
    assert [(space.name, count) for space, count in page.spaces] == [("Gröpelingen", 2), ("Walle", 1)]


def test_what_the_viewer_may_do_is_on_the_page(session, cast) -> None:
    member_view = organisations.organisation_page(session, cast.member, cast.organisation.id)
    assert member_view.viewer_membership.id == cast.member_link.id
    assert member_view.permissions == {
        "edit_organisation": False,
        "manage_organisation_members": False,
        "create_organisation": False,
        "leave_organisation": True,
    }
    representative_view = organisations.organisation_page(session, cast.representative, cast.organisation.id)
    assert representative_view.permissions["edit_organisation"] is True
    assert representative_view.permissions["manage_organisation_members"] is True
    admin_view = organisations.organisation_page(session, cast.admin, cast.organisation.id)
    assert admin_view.permissions["create_organisation"] is True
    assert admin_view.permissions["leave_organisation"] is False


# --- creating and editing ------------------------------------------------------------------------


def test_an_administrator_creates_an_organisation(session, make_user) -> None:
    admin = make_user(admin=True)
    organisation = organisations.create_organisation(
        session,
        admin,
        name="  Quartiersinitiative Lindenhof ",
        kind="civil_society",
        description="Nachbarn helfen Nachbarn.",
        website="https://lindenhof.example",
    )
    assert organisation.name == "Quartiersinitiative Lindenhof"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.created"))
    assert (entry.actor_id, entry.object_id) == (admin.id, str(organisation.id))
    assert entry.details == {"name": "Quartiersinitiative Lindenhof", "kind": "civil_society"}


@pytest.mark.parametrize("role", ["anonymous", "user", "org_member", "representative"])
def test_only_administrators_create_organisations(session, cast, role) -> None:
    with pytest.raises(PermissionDenied):
        organisations.create_organisation(session, cast.person(role), name="Neu", kind="provider")
    assert session.scalar(select(Organisation).where(Organisation.name == "Neu")) is None


def test_organisation_names_are_unique_whatever_the_case(session, cast) -> None:
    with pytest.raises(InvalidInput) as error:
        organisations.create_organisation(session, cast.admin, name="selbsthilfe WEST", kind="provider")
    assert error.value.field_errors == {"name": ["taken"]}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": ""}, {"name": ["required"]}),
        ({"name": "n" * 201}, {"name": ["too_long"]}),
        ({"name": "Bell\x07"}, {"name": ["control_characters"]}),
        ({"kind": ""}, {"kind": ["required"]}),
        ({"kind": "club"}, {"kind": ["unknown_kind"]}),
        ({"description": "d" * 10_001}, {"description": ["too_long"]}),
        ({"website": "https://example.org/" + "w" * 300}, {"website": ["too_long"]}),
        ({"website": "javascript:alert(1)"}, {"website": ["invalid_url"]}),
        ({"website": "www.example.org"}, {"website": ["invalid_url"]}),
    ],
)
def test_bad_organisation_fields_are_refused_with_a_reason(session, make_user, changes, expected) -> None:
    values = {"name": "Neu e.V.", "kind": "provider", "description": "", "website": None, **changes}
    with pytest.raises(InvalidInput) as error:
        organisations.create_organisation(session, make_user(admin=True), **values)
    assert error.value.field_errors == expected


def test_a_representative_edits_their_organisation(session, cast) -> None:
    organisations.update_organisation(
        session,
        cast.representative,
        cast.organisation.id,
        name="Selbsthilfe Bremen-West",
        description="**Neu**",
        website="https://selbsthilfe.example",
    )
    session.refresh(cast.organisation)
    assert (cast.organisation.name, cast.organisation.kind) == ("Selbsthilfe Bremen-West", "advocacy_group")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
    assert entry.details == {
        "changed": ["description", "name", "website"],
        "name": "Selbsthilfe Bremen-West",
        "website": "https://selbsthilfe.example",
    }


def test_saving_without_changes_writes_no_audit_entry(session, cast) -> None:
    organisations.update_organisation(
        session, cast.representative, cast.organisation.id, name=cast.organisation.name, description=""
    )
    assert "organisation.updated" not in audit_actions(session, cast.organisation.id)


def test_only_administrators_change_the_kind(session, cast) -> None:
    with pytest.raises(PermissionDenied):
        organisations.update_organisation(
            session, cast.representative, cast.organisation.id, name="Selbsthilfe West", kind="provider"
        )
    organisations.update_organisation(
        session, cast.admin, cast.organisation.id, name="Selbsthilfe West", kind="provider"
    )
    assert session.get(Organisation, cast.organisation.id).kind == "provider"


def test_an_organisation_cannot_take_another_ones_name(session, cast) -> None:
    add_organisation(session, "Amt für Soziale Dienste", "carrier")
    with pytest.raises(InvalidInput) as error:
        organisations.update_organisation(
            session, cast.representative, cast.organisation.id, name="Amt für Soziale Dienste"
        )
    assert error.value.field_errors == {"name": ["taken"]}


def test_editing_an_unknown_organisation_is_not_found(session, cast) -> None:
    with pytest.raises(NotFound):
        organisations.update_organisation(session, cast.admin, 999_999, name="X")


# --- role × action -------------------------------------------------------------------------------

ACTIONS: dict[str, Callable[[object, Cast, User | None], object]] = {
    "edit": lambda session, cast, person: organisations.update_organisation(
        session, person, cast.organisation.id, name="Umbenannt"
    ),
    "add_member": lambda session, cast, person: organisations.add_member(
        session, person, cast.organisation.id, email=cast.outsider.email
    ),
    "change_role": lambda session, cast, person: organisations.change_member_role(
        session, person, cast.organisation.id, cast.member_link.id, role="representative"
    ),
    "remove_member": lambda session, cast, person: organisations.remove_member(
        session, person, cast.organisation.id, cast.member_link.id
    ),
    "manage_page": lambda session, cast, person: organisations.member_management_page(
        session, person, cast.organisation.id
    ),
}
ALLOWED = {"representative", "admin"}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ["anonymous", "user", "org_member", "representative", "admin"])
def test_role_action_grid(session, cast, role: str, action: str) -> None:
    before = audit_actions(session, cast.organisation.id)
    if role in ALLOWED:
        ACTIONS[action](session, cast, cast.person(role))
        return
    with pytest.raises(PermissionDenied):
        ACTIONS[action](session, cast, cast.person(role))
    assert audit_actions(session, cast.organisation.id) == before


def test_a_representative_of_another_organisation_manages_nothing_here(session, cast, make_user) -> None:
    elsewhere = make_user("else")
    join(session, add_organisation(session, "Anderer Verein"), elsewhere, "representative")
    with pytest.raises(PermissionDenied):
        organisations.remove_member(session, elsewhere, cast.organisation.id, cast.member_link.id)


def test_a_deactivated_representative_manages_nothing(session, cast) -> None:
    cast.representative.active = False
    session.commit()
    with pytest.raises(PermissionDenied):
        organisations.remove_member(session, cast.representative, cast.organisation.id, cast.member_link.id)


# --- members -------------------------------------------------------------------------------------


def test_a_representative_adds_a_member_by_e_mail(session, cast) -> None:
    member = organisations.add_member(
        session, cast.representative, cast.organisation.id, email="  OLAF@test.example ", role="member"
    )
    assert (member.user_id, member.role) == (cast.outsider.id, "member")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.member_added"))
    assert entry.details == {"user_id": cast.outsider.id, "role": "member"}


@pytest.mark.parametrize(
    ("email", "role", "expected"),
    [
        ("nobody@test.example", "member", {"email": ["no_account"]}),
        ("moritz@test.example", "member", {"email": ["already_member"]}),
        ("", "member", {"email": ["required"]}),
        ("a" * 321, "member", {"email": ["too_long"]}),
        ("olaf@test.example", "boss", {"role": ["unknown_role"]}),
    ],
)
def test_adding_a_member_explains_what_is_wrong(session, cast, email, role, expected) -> None:
    with pytest.raises(InvalidInput) as error:
        organisations.add_member(session, cast.representative, cast.organisation.id, email=email, role=role)
    assert error.value.field_errors == expected


def test_a_deactivated_account_cannot_be_added(session, cast) -> None:
    cast.outsider.active = False
    session.commit()
    with pytest.raises(InvalidInput) as error:
        organisations.add_member(session, cast.admin, cast.organisation.id, email=cast.outsider.email)
    assert error.value.field_errors == {"email": ["no_account"]}


def test_a_member_becomes_representative_and_back(session, cast) -> None:
    organisations.change_member_role(
        session, cast.representative, cast.organisation.id, cast.member_link.id, role="representative"
    )
    organisations.change_member_role(
        session, cast.member, cast.organisation.id, cast.representative_link.id, role="member"
    )
    assert session.get(OrganisationMember, cast.representative_link.id).role == "member"
    assert audit_actions(session, cast.organisation.id)[-2:] == [
        "organisation.member_role_changed",
        "organisation.member_role_changed",
    ]


def test_an_unknown_role_is_refused(session, cast) -> None:
    with pytest.raises(InvalidInput):
        organisations.change_member_role(
            session, cast.representative, cast.organisation.id, cast.member_link.id, role="chief"
        )


def test_the_last_representative_stays_unless_an_administrator_decides(session, cast) -> None:
    with pytest.raises(LastRepresentative):
        organisations.change_member_role(
            session, cast.representative, cast.organisation.id, cast.representative_link.id, role="member"
        )
    with pytest.raises(LastRepresentative):
        organisations.remove_member(
            session, cast.representative, cast.organisation.id, cast.representative_link.id
        )
    with pytest.raises(LastRepresentative):
        organisations.leave_organisation(session, cast.representative, cast.organisation.id)
    assert session.get(OrganisationMember, cast.representative_link.id).role == "representative"
    organisations.remove_member(session, cast.admin, cast.organisation.id, cast.representative_link.id)
    assert session.get(OrganisationMember, cast.representative_link.id) is None


def test_a_removed_member_no_longer_speaks_for_the_organisation(session, cast, space_by_code) -> None:
    space = space_by_code("04011440")
    membership = SpaceMembership(
        space=space, user=cast.member, organisation=cast.organisation, status=MembershipStatus.ACTIVE
    )
    session.add(membership)
    session.commit()
    name = organisations.remove_member(
        session, cast.representative, cast.organisation.id, cast.member_link.id
    )
    assert name == "Moritz"
    session.refresh(membership)
    assert membership.organisation_id is None and membership.status == "active"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.member_removed"))
    assert entry.details == {"user_id": cast.member.id, "role": "member", "no_longer_speaks_in": [space.id]}


def test_a_member_of_another_organisation_is_not_found_here(session, cast, make_user) -> None:
    other = add_organisation(session, "Anderer Verein")
    stranger = join(session, other, make_user())
    with pytest.raises(NotFound):
        organisations.remove_member(session, cast.representative, cast.organisation.id, stranger.id)
    with pytest.raises(NotFound):
        organisations.change_member_role(
            session, cast.representative, cast.organisation.id, stranger.id, role="member"
        )


def test_a_member_leaves_an_organisation(session, cast) -> None:
    organisations.leave_organisation(session, cast.member, cast.organisation.id)
    assert session.get(OrganisationMember, cast.member_link.id) is None
    assert audit_actions(session, cast.organisation.id)[-1] == "organisation.member_left"


def test_only_members_can_leave(session, cast) -> None:
    with pytest.raises(NotFound):
        organisations.leave_organisation(session, cast.outsider, cast.organisation.id)
    with pytest.raises(PermissionDenied):
        organisations.leave_organisation(session, None, cast.organisation.id)
    with pytest.raises(NotFound):
        organisations.leave_organisation(session, cast.member, 999_999)


def test_a_representative_may_leave_when_another_one_remains(session, cast) -> None:
    organisations.change_member_role(
        session, cast.representative, cast.organisation.id, cast.member_link.id, role="representative"
    )
    organisations.leave_organisation(session, cast.representative, cast.organisation.id)
    assert session.get(OrganisationMember, cast.representative_link.id) is None

"""Social spaces: the official units, search, groups of units, and a space's page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import InvalidInput, NotFound, PermissionDenied
from governance.models import Space, SpaceMembership
from governance.parties import MembershipStatus, SpaceRole
from governance.services import spaces


def test_all_151_official_units_are_loaded_with_hierarchy(session) -> None:
    levels = dict(session.execute(select(Space.level, func.count()).group_by(Space.level)).all())
    assert sum(levels.values()) == 151
    assert levels["land"] == 1 and levels["gemeinde"] == 2
    groepelingen = session.scalar(select(Space).where(Space.code == "04011440"))
    assert groepelingen.parent.name == "West" and groepelingen.parent.parent.name == "Bremen"
    assert groepelingen.population == 37423


@pytest.mark.parametrize("query", ["Gröpelingen", "groepelingen", "GROPELINGEN", "04011440"])
def test_search_finds_a_space_by_name_or_code_however_it_is_spelt(session, query: str) -> None:
    results = spaces.search_spaces(session, spaces.validate_filter(query, None, None))
    assert "04011440" in [space.code for space in results]


def test_search_filters_by_level_and_parent(session, space_by_code) -> None:
    west = space_by_code("04011400")
    stadtteile = spaces.search_spaces(session, spaces.validate_filter("", "stadtteil", str(west.id)))
    assert {space.name for space in stadtteile} == {"Findorff", "Walle", "Gröpelingen"}


@pytest.mark.parametrize(
    ("query", "level", "parent", "field"),
    [("x" * 101, None, None, "q"), ("", "planet", None, "level"), ("", None, "abc", "parent")],
)
def test_bad_filters_are_refused_with_a_reason(query, level, parent, field) -> None:
    with pytest.raises(InvalidInput) as error:
        spaces.validate_filter(query, level, parent)
    assert field in error.value.field_errors


def test_tree_puts_every_official_unit_under_the_land(session) -> None:
    roots, groups = spaces.space_tree(session)
    assert [root.space.level for root in roots] == ["land"]

    def count(nodes) -> int:
        return sum(1 + count(node.children) for node in nodes)

    assert count(roots) == 151 and groups == []


def test_a_facilitator_defines_a_group_of_units(session, make_user, space_by_code) -> None:
    facilitator = make_user("fritz")
    session.add(
        SpaceMembership(
            space=space_by_code("04011440"), user=facilitator, role=SpaceRole.FACILITATOR,
            status=MembershipStatus.ACTIVE,
        )
    )  # fmt: skip
    session.commit()
    units = [space_by_code("04011440").id, space_by_code("04011430").id]
    group = spaces.create_group(
        session, facilitator, name="Sozialzentrum Gröpelingen/Walle", description="", unit_ids=units
    )
    page = spaces.space_page(session, facilitator, group.id)
    assert [unit.name for unit in page.units] == ["Walle", "Gröpelingen"]
    assert page.population == 33214 + 37423
    assert page.facilitators[0].user_id == facilitator.id
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == str(group.id))) == (
        "space.group_created"
    )
    found = spaces.search_spaces(session, spaces.validate_filter("sozialzentrum", None, None))
    assert [space.id for space in found] == [group.id]


def test_an_ordinary_user_may_not_define_a_group(session, make_user, space_by_code) -> None:
    with pytest.raises(PermissionDenied):
        spaces.create_group(
            session, make_user(), name="X", description="",
            unit_ids=[space_by_code("04011440").id, space_by_code("04011430").id],
        )  # fmt: skip


def test_a_group_needs_a_unique_name_and_two_official_units(session, make_user, space_by_code) -> None:
    admin = make_user(admin=True)
    one_unit = [space_by_code("04011440").id]
    with pytest.raises(InvalidInput) as error:
        spaces.create_group(session, admin, name="", description="", unit_ids=one_unit)
    assert set(error.value.field_errors) == {"name", "units"}
    two = [space_by_code("04011440").id, space_by_code("04011430").id]
    spaces.create_group(session, admin, name="West", description="", unit_ids=two)
    with pytest.raises(InvalidInput) as error:
        spaces.create_group(session, admin, name="West", description="", unit_ids=two)
    assert error.value.field_errors == {"name": ["taken"]}


def test_anonymous_visitors_see_counts_but_not_names(session, make_user, space_by_code) -> None:
    space = space_by_code("04011440")
    member = make_user()
    session.add(SpaceMembership(space=space, user=member, party="beneficiary", status="active"))
    session.commit()
    anonymous_view = spaces.space_page(session, None, space.id)
    assert anonymous_view.members_by_party is None
    assert anonymous_view.party_counts["beneficiary"] == 1
    member_view = spaces.space_page(session, member, space.id)
    assert [m.user_id for m in member_view.members_by_party["beneficiary"]] == [member.id]
    assert member_view.viewer_membership.user_id == member.id


def _add_members(session, space, count: int, party: str, prefix: str) -> None:
    from governance.models import User

    for number in range(count):
        user = User(email=f"{prefix}{number}@test.example", display_name=f"{prefix} {number}", locale="en")
        session.add(SpaceMembership(space=space, user=user, party=party, status="active"))
    session.commit()


def test_the_space_page_previews_names_and_counts_everyone(session, make_user, space_by_code) -> None:
    space = space_by_code("04011440")
    _add_members(session, space, 30, "beneficiary", "ben")
    _add_members(session, space, 2, "carrier", "car")
    page = spaces.space_page(session, make_user(), space.id)
    assert page.party_counts["beneficiary"] == 30 and page.party_counts["carrier"] == 2
    assert len(page.members_by_party["beneficiary"]) == spaces.MEMBER_PREVIEW
    assert [m.user.display_name for m in page.members_by_party["carrier"]] == ["car 0", "car 1"]


def test_the_member_list_pages_through_everyone_of_a_party(session, make_user, space_by_code) -> None:
    space = space_by_code("04011440")
    _add_members(session, space, spaces.MEMBERS_PER_PAGE + 5, "provider", "pro")
    viewer = make_user()
    first = spaces.member_list(session, viewer, space.id, party="provider", page=1)
    second = spaces.member_list(session, viewer, space.id, party="provider", page=2)
    assert (first.total, first.pages, len(first.memberships), len(second.memberships)) == (55, 2, 50, 5)
    with pytest.raises(NotFound):
        spaces.member_list(session, viewer, space.id, party="provider", page=3)
    with pytest.raises(InvalidInput):
        spaces.member_list(session, viewer, space.id, party="pirates", page=1)
    with pytest.raises(PermissionDenied):
        spaces.member_list(session, None, space.id, party=None, page=1)

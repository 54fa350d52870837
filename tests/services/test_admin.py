"""Site administration: finding accounts, locking them, the administrator right, the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import audit
from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.extensions import db
from core.timeutil import utcnow
from governance.models import Organisation, OrganisationMember, User
from governance.services import admin
from governance.services.admin import SelfLockout
from tests.bulk_users import add_users
from tests.querycount import counted_queries


@pytest.fixture
def administrator(make_user) -> User:
    return make_user("ada", admin=True)


# --- accounts ------------------------------------------------------------------------------------


def test_accounts_are_found_by_name_pseudonym_or_e_mail(session, make_user, administrator) -> None:
    make_user("bea", display_name="Bea Berger", pseudonym="Sonnenblume")
    make_user("carl", display_name="Carl Träger", email="carl@amt.example")
    make_user("dora", display_name="Dora Dienst")

    def names(query: str) -> list[str]:
        return [u.display_name for u in admin.list_users(session, administrator, query=query).items]

    assert names("berger") == ["Bea Berger"]
    assert names("SONNEN") == ["Bea Berger"]
    assert names("amt.example") == ["Carl Träger"]
    assert names("Träger") == ["Carl Träger"]
    assert names("carl träger") == ["Carl Träger"]
    assert names("50%_") == []
    assert names("") == ["Ada", "Bea Berger", "Carl Träger", "Dora Dienst"]


def test_accounts_come_fifty_to_a_page(session, administrator) -> None:
    add_users(session, 120)
    first = admin.list_users(session, administrator, query="person")
    assert (first.total, first.pages, len(first.items)) == (120, 3, 50)
    assert first.items[0].display_name == "Person 000" and not first.has_previous and first.has_next
    third = admin.list_users(session, administrator, query="person", page=3)
    assert [u.display_name for u in third.items][:1] == ["Person 100"] and len(third.items) == 20
    assert (third.first_number, third.last_number, third.has_next) == (101, 120, False)
    beyond = admin.list_users(session, administrator, query="person", page=99)
    assert beyond.page == 3 and len(beyond.items) == 20


def test_an_empty_result_is_one_empty_page(session, administrator) -> None:
    page = admin.list_users(session, administrator, query="nobody-has-this-name")
    assert (page.items, page.total, page.pages, page.first_number) == ([], 0, 1, 0)


@pytest.mark.parametrize(("raw", "expected"), [(None, 1), ("", 1), ("abc", 1), ("-4", 1), ("0", 1), ("7", 7)])
def test_page_numbers_from_the_address_bar_are_forgiving(raw, expected) -> None:
    assert admin.parse_page(raw) == expected


def test_the_number_of_queries_does_not_grow_with_the_page_size(session, administrator) -> None:
    add_users(session, 60)
    session.expire_all()
    with counted_queries() as small:
        admin.list_users(session, administrator, per_page=5)
    session.expire_all()
    with counted_queries() as large:
        admin.list_users(session, administrator, per_page=50)
    assert len(small) == len(large)


def test_an_overlong_search_is_refused(session, administrator) -> None:
    with pytest.raises(InvalidInput) as error:
        admin.list_users(session, administrator, query="x" * 101)
    assert error.value.field_errors == {"q": ["too_long"]}


def test_deactivating_an_account_ends_its_sessions(session, make_user, administrator) -> None:
    target = make_user("tim")
    old_session_id = target.get_id()
    admin.deactivate_user(session, administrator, target.id)
    session.refresh(target)
    assert target.active is False and target.is_active is False
    assert target.get_id() != old_session_id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
    assert (entry.actor_id, entry.object_type, entry.object_id) == (administrator.id, "user", str(target.id))


def test_deactivating_twice_changes_nothing_the_second_time(session, make_user, administrator) -> None:
    target = make_user("tim")
    admin.deactivate_user(session, administrator, target.id)
    version = target.session_version
    admin.deactivate_user(session, administrator, target.id)
    assert target.session_version == version
    assert (
        session.scalar(
            select(db.func.count()).select_from(AuditEntry).where(AuditEntry.action == "user.deactivated")
        )
        == 1
    )


def test_a_deactivated_account_is_reactivated(session, make_user, administrator) -> None:
    target = make_user("tim")
    admin.deactivate_user(session, administrator, target.id)
    admin.reactivate_user(session, administrator, target.id)
    assert target.is_active is True
    assert (
        session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1))
        == "user.reactivated"
    )


def test_administrators_cannot_lock_themselves_out(session, administrator) -> None:
    with pytest.raises(SelfLockout):
        admin.deactivate_user(session, administrator, administrator.id)
    with pytest.raises(SelfLockout):
        admin.set_administrator(session, administrator, administrator.id, admin=False)
    session.refresh(administrator)
    assert administrator.is_active and administrator.is_admin


def test_the_administrator_right_is_granted_and_revoked(session, make_user, administrator) -> None:
    target = make_user("tim")
    admin.set_administrator(session, administrator, target.id, admin=True)
    assert target.is_admin is True
    admin.set_administrator(session, administrator, target.id, admin=False)
    assert target.is_admin is False
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_id == str(target.id), AuditEntry.action.like("user.%"))
        .order_by(AuditEntry.id)  # PostgreSQL returns rows in no particular order unless asked
    )
    assert list(actions) == ["user.admin_granted", "user.admin_revoked"]


def test_a_deleted_account_cannot_be_brought_back(session, make_user, administrator) -> None:
    target = make_user("tim")
    target.deleted_at, target.email, target.active = utcnow(), None, False
    session.commit()
    with pytest.raises(Conflict):
        admin.reactivate_user(session, administrator, target.id)
    with pytest.raises(Conflict):
        admin.set_administrator(session, administrator, target.id, admin=True)


def test_unknown_accounts_are_not_found(session, administrator) -> None:
    for change in (admin.deactivate_user, admin.reactivate_user):
        with pytest.raises(NotFound):
            change(session, administrator, 999_999)
    with pytest.raises(NotFound):
        admin.set_administrator(session, administrator, 999_999, admin=True)


@pytest.fixture
def people(session, make_user) -> dict[str, User | None]:
    """Anyone who is not a site administrator, including an organisation's representative."""
    representative, member = make_user("rita"), make_user("moritz")
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add_all(
        [
            organisation,
            OrganisationMember(organisation=organisation, user=representative, role="representative"),
            OrganisationMember(organisation=organisation, user=member, role="member"),
        ]
    )
    session.commit()
    return {
        "anonymous": None,
        "user": make_user("olaf"),
        "org_member": member,
        "representative": representative,
    }


ADMIN_ACTIONS = {
    "list_users": lambda session, person, target: admin.list_users(session, person),
    "deactivate": lambda session, person, target: admin.deactivate_user(session, person, target.id),
    "reactivate": lambda session, person, target: admin.reactivate_user(session, person, target.id),
    "grant_admin": lambda session, person, target: admin.set_administrator(
        session, person, target.id, admin=True
    ),
    "audit_log": lambda session, person, target: admin.list_audit_entries(session, person),
    "overview": lambda session, person, target: admin.overview(session, person),
    "organisations": lambda session, person, target: admin.organisations_with_member_counts(session, person),
}


@pytest.mark.parametrize("action", list(ADMIN_ACTIONS))
@pytest.mark.parametrize("role", ["anonymous", "user", "org_member", "representative"])
def test_only_administrators_administer(session, make_user, people, role: str, action: str) -> None:
    target = make_user("tim")
    before = session.scalar(select(db.func.count()).select_from(AuditEntry))
    with pytest.raises(PermissionDenied):
        ADMIN_ACTIONS[action](session, people[role], target)
    assert session.scalar(select(db.func.count()).select_from(AuditEntry)) == before
    session.refresh(target)
    assert target.is_active and not target.is_admin


def test_a_deactivated_administrator_administers_nothing(session, make_user, administrator) -> None:
    other = make_user("otto", admin=True)
    admin.deactivate_user(session, other, administrator.id)
    with pytest.raises(PermissionDenied):
        admin.list_users(session, administrator)


def test_the_overview_counts_accounts_and_organisations(session, make_user, administrator) -> None:
    make_user("tim")
    admin.deactivate_user(session, administrator, make_user("dora").id)
    session.add(Organisation(name="Selbsthilfe West", kind="advocacy_group"))
    session.commit()
    overview = admin.overview(session, administrator)
    assert (overview.users, overview.deactivated_users, overview.administrators) == (3, 1, 1)
    assert overview.organisations == 1 and overview.audit_entries >= 4


def test_organisations_are_listed_with_their_member_counts(session, people, administrator) -> None:
    session.add(Organisation(name="Amt", kind="carrier"))
    session.commit()
    rows = admin.organisations_with_member_counts(session, administrator)
    assert [(organisation.name, count) for organisation, count in rows] == [
        ("Amt", 0),
        ("Selbsthilfe West", 2),
    ]


# --- audit log -----------------------------------------------------------------------------------


def test_the_audit_log_is_newest_first_with_the_actors_public_name(session, make_user, administrator) -> None:
    beneficiary = make_user("bea", pseudonym="Sonnenblume")
    audit.record(session, actor_id=None, action="demo.loaded", object_type="system", object_id="-")
    audit.record(session, actor_id=beneficiary.id, action="space.left", object_type="space", object_id=7)
    session.commit()
    rows = admin.list_audit_entries(session, administrator).items
    assert [(row.entry.action, row.actor_name) for row in rows[:2]] == [
        ("space.left", "Sonnenblume"),
        ("demo.loaded", None),
    ]
    assert rows[-1].entry.action == "account.registered" and rows[-1].actor_name == "Ada"


def test_the_audit_log_is_filtered_by_action_prefix_and_object_type(
    session, make_user, administrator
) -> None:
    target = make_user("tim")
    admin.deactivate_user(session, administrator, target.id)
    admin.set_administrator(session, administrator, target.id, admin=True)
    audit.record(session, actor_id=administrator.id, action="user_x.odd", object_type="thing", object_id=1)
    session.commit()

    def actions(**filters) -> list[str]:
        return [row.entry.action for row in admin.list_audit_entries(session, administrator, **filters).items]

    assert actions(action_prefix="user.") == ["user.admin_granted", "user.deactivated"]
    assert actions(action_prefix="user_") == ["user_x.odd"]  # "_" is a letter here, not a wildcard
    assert actions(object_type="thing") == ["user_x.odd"]
    assert actions(action_prefix="account.", object_type="user") == ["account.registered"] * 2
    assert admin.audit_object_types(session, administrator) == ["thing", "user"]


def test_the_audit_log_comes_in_pages_with_a_fixed_number_of_queries(session, administrator) -> None:
    add_users(session, 5, prefix="actor")
    actor_ids = list(session.scalars(select(User.id).where(User.email.like("actor%"))))
    for number in range(120):
        audit.record(
            session, actor_id=actor_ids[number % 5], action="test.step", object_type="test", object_id=number
        )
    session.commit()
    first = admin.list_audit_entries(session, administrator, action_prefix="test.")
    assert (first.total, first.pages) == (120, 3)
    assert [row.entry.object_id for row in first.items[:2]] == ["119", "118"]
    last = admin.list_audit_entries(session, administrator, action_prefix="test.", page=3)
    assert [row.entry.object_id for row in last.items][-1] == "0" and len(last.items) == 20
    session.expire_all()
    with counted_queries() as small:
        admin.list_audit_entries(session, administrator, per_page=5)
    session.expire_all()
    with counted_queries() as large:
        admin.list_audit_entries(session, administrator, per_page=50)
    assert len(small) == len(large)


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"action_prefix": "a" * 81}, "action"), ({"object_type": "t" * 41}, "object_type")],
)
def test_overlong_audit_filters_are_refused(session, administrator, filters, field) -> None:
    with pytest.raises(InvalidInput) as error:
        admin.list_audit_entries(session, administrator, **filters)
    assert field in error.value.field_errors

"""Site administration pages: who may enter, accounts, organisations and the audit log."""

from __future__ import annotations

import pytest
from flask import Flask

from core import audit
from governance.models import Organisation, OrganisationMember, User
from tests.bulk_users import add_users
from tests.querycount import counted_queries

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/organisations", "/admin/audit"]


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def administrator(make_user) -> User:
    return make_user("ada", admin=True)


# --- who may enter -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role", ["user", "org_member", "representative"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_everyone_but_administrators_is_refused(session, client, login, make_user, role, url) -> None:
    person = make_user("paula")
    if role != "user":
        organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
        session.add(
            OrganisationMember(organisation=organisation, user=person, role=role.removeprefix("org_"))
        )
        session.commit()
    login(person)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "grant-admin", "revoke-admin"])
def test_account_changes_are_refused_to_non_administrators(session, client, login, make_user, action) -> None:
    target = make_user("tim")
    login(make_user("paula"))
    assert client.post(f"/admin/users/{target.id}/{action}").status_code == 403
    session.refresh(target)
    assert target.is_active and not target.is_admin


def test_an_anonymous_post_changes_nothing(session, client, make_user) -> None:
    target = make_user("tim")
    response = client.post(f"/admin/users/{target.id}/deactivate")
    assert response.status_code == 302 and "/login" in response.location
    session.refresh(target)
    assert target.is_active


def test_the_overview_links_every_section(client, login, administrator) -> None:
    login(administrator)
    body = text(client.get("/admin"))
    assert body.count("<h1") == 1
    for href in ("/admin/users", "/admin/organisations", "/admin/facilitators", "/admin/audit"):
        assert f'href="{href}"' in body


# --- accounts ------------------------------------------------------------------------------------


def test_accounts_are_searched_and_paged(session, client, login, administrator) -> None:
    add_users(session, 120)
    login(administrator)
    first = text(client.get("/admin/users?q=person"))
    assert "Accounts 1 to 50 of 120" in first and "Page 1 of 3" in first
    assert 'href="/admin/users?page=2&amp;q=person"' in first
    third = text(client.get("/admin/users?q=person&page=3"))
    assert "Accounts 101 to 120 of 120" in third and "Person 119" in third and "Person 099" not in third
    assert 'rel="next"' not in third and 'rel="prev"' in third
    assert "Accounts 101 to 120" in text(client.get("/admin/users?q=person&page=9"))
    assert "Accounts 1 to 50" in text(client.get("/admin/users?q=person&page=nonsense"))


def test_an_overlong_search_is_explained(client, login, administrator) -> None:
    login(administrator)
    response = client.get("/admin/users?q=" + "x" * 150)
    assert response.status_code == 422 and "100 characters or fewer" in text(response)
    assert 'value="' + "x" * 150 + '"' in text(response)


def test_the_accounts_page_needs_the_same_queries_for_few_and_many(
    app: Flask, session, client, login, administrator
):
    login(administrator)
    client.get("/admin/users")  # warm up: templates compiled, metadata loaded
    session.expire_all()
    with counted_queries() as few:
        client.get("/admin/users")
    add_users(session, 70)
    session.expire_all()
    with counted_queries() as many:
        body = text(client.get("/admin/users"))
    assert body.count('<tr id="user-') == 50
    assert len(many) == len(few)


def test_deactivating_an_account_signs_it_out_everywhere(
    app: Flask, session, client, login, make_user, administrator
):
    target = make_user("tim")
    their_browser = app.test_client()
    with their_browser.session_transaction() as flask_session:
        flask_session["_user_id"] = target.get_id()
    assert their_browser.get("/admin").status_code == 403  # signed in, merely not an administrator

    login(administrator)
    response = client.post(f"/admin/users/{target.id}/deactivate", data={"next": "/admin/users?q=tim"})
    assert response.status_code == 302 and response.location.endswith("/admin/users?q=tim")
    page = text(client.get(response.location))
    assert "account is deactivated and signed out everywhere" in page and "Deactivated" in page

    from flask import g

    g.pop("_login_user", None)
    response = their_browser.get("/admin")
    assert response.status_code == 302 and "/login" in response.location

    assert client.post(f"/admin/users/{target.id}/reactivate").status_code == 302
    session.refresh(target)
    assert target.is_active


def test_administrators_cannot_lock_themselves_out(session, client, login, administrator) -> None:
    login(administrator)
    response = client.post(f"/admin/users/{administrator.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in text(response)
    response = client.post(f"/admin/users/{administrator.id}/revoke-admin", follow_redirects=True)
    assert "You cannot remove your own administrator right." in text(response)
    session.refresh(administrator)
    assert administrator.is_active and administrator.is_admin
    assert "This is you" in text(client.get("/admin/users"))


def test_the_administrator_right_is_granted_and_revoked(session, client, login, make_user, administrator):
    target = make_user("tim")
    login(administrator)
    assert "is now a site administrator" in text(
        client.post(f"/admin/users/{target.id}/grant-admin", follow_redirects=True)
    )
    assert "is no longer a site administrator" in text(
        client.post(f"/admin/users/{target.id}/revoke-admin", follow_redirects=True)
    )
    session.refresh(target)
    assert not target.is_admin


def test_the_return_address_stays_on_this_site(client, login, make_user, administrator) -> None:
    target = make_user("tim")
    login(administrator)
    response = client.post(f"/admin/users/{target.id}/deactivate", data={"next": "https://evil.example/"})
    assert response.location.endswith("/admin/users")


def test_unknown_accounts_are_404(client, login, administrator) -> None:
    login(administrator)
    for action in ("deactivate", "reactivate", "grant-admin", "revoke-admin"):
        assert client.post(f"/admin/users/999999/{action}").status_code == 404


# --- organisations -------------------------------------------------------------------------------


def test_organisations_are_listed_with_links_to_create_and_edit(session, client, login, administrator):
    organisation = Organisation(name="Selbsthilfe West", kind="advocacy_group")
    session.add(organisation)
    session.commit()
    login(administrator)
    body = text(client.get("/admin/organisations"))
    assert 'href="/organisations/new"' in body
    assert f'href="/organisations/{organisation.id}/edit"' in body
    assert f'href="/organisations/{organisation.id}/members"' in body


# --- audit log -----------------------------------------------------------------------------------


def test_the_audit_log_shows_who_did_what_newest_first(session, client, login, make_user, administrator):
    beneficiary = make_user("bea", pseudonym="Sonnenblume")
    audit.record(
        session, actor_id=beneficiary.id, action="space.left", object_type="space", object_id=7,
        details={"reason": "<b>moved</b>"},
    )  # fmt: skip
    session.commit()
    login(administrator)
    body = text(client.get("/admin/audit"))
    assert body.index("space.left") < body.index("account.registered")
    assert "Sonnenblume" in body and "Bea" not in body
    assert 'href="/spaces/7"' in body
    assert "&lt;b&gt;moved&lt;/b&gt;" in body


def test_the_audit_log_is_filtered_and_paged(session, client, login, administrator) -> None:
    for number in range(60):
        audit.record(
            session, actor_id=administrator.id, action="test.step", object_type="test", object_id=number
        )
    session.commit()
    login(administrator)
    body = text(client.get("/admin/audit?action=test.&type=test"))
    assert "Entries 1 to 50 of 60" in body and "account.registered" not in body
    assert 'href="/admin/audit?page=2&amp;action=test.&amp;type=test"' in body
    second = text(client.get("/admin/audit?action=test.&type=test&page=2"))
    assert "Entries 51 to 60 of 60" in second and "test 0<" in second
    assert "No entries match the filter." in text(client.get("/admin/audit?type=nothing"))


def test_the_audit_log_needs_the_same_queries_for_few_and_many(
    session, client, login, make_user, administrator
):
    login(administrator)
    client.get("/admin/audit")
    session.expire_all()
    with counted_queries() as few:
        client.get("/admin/audit")
    actors = [make_user(f"actor{number}") for number in range(5)]
    for number in range(60):
        audit.record(
            session, actor_id=actors[number % 5].id, action="test.step", object_type="test", object_id=1
        )
    session.commit()
    session.expire_all()
    with counted_queries() as many:
        body = text(client.get("/admin/audit"))
    assert "Actor4" in body
    assert len(many) == len(few)


def test_an_overlong_audit_filter_is_explained(client, login, administrator) -> None:
    login(administrator)
    response = client.get("/admin/audit?action=" + "a" * 90)
    assert response.status_code == 422 and "80 characters or fewer" in text(response)

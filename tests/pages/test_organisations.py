"""Organisation pages: the directory, an organisation's page, create/edit forms and member management."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.models import Organisation, OrganisationMember, SpaceMembership


@pytest.fixture
def organisation(session, make_user) -> Organisation:
    organisation = Organisation(
        name="Selbsthilfe West",
        kind="advocacy_group",
        description="Wir *vertreten* Menschen mit Behinderung.\n\n<script>alert(1)</script>",
        website="https://selbsthilfe.example",
    )
    session.add(organisation)
    session.add(OrganisationMember(organisation=organisation, user=make_user("rita"), role="representative"))
    session.add(OrganisationMember(organisation=organisation, user=make_user("moritz"), role="member"))
    session.add(Organisation(name="Amt für Soziale Dienste", kind="carrier"))
    session.commit()
    return organisation


def user_named(session, name: str):
    from governance.models import User

    return session.scalar(select(User).where(User.email == f"{name}@test.example"))


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the directory -------------------------------------------------------------------------------


def test_the_directory_lists_organisations_and_filters_them(client, organisation) -> None:
    page = text(client.get("/organisations"))
    assert "Selbsthilfe West" in page and "Amt für Soziale Dienste" in page
    assert page.count("<h1") == 1
    carriers = text(client.get("/organisations?kind=carrier"))
    assert "Amt für Soziale Dienste" in carriers and "Selbsthilfe West" not in carriers
    found = text(client.get("/organisations?q=selbsthilfe"))
    assert "1 organisation found" in found and "Amt für" not in found


def test_htmx_gets_only_the_results(client, organisation) -> None:
    response = client.get("/organisations?q=amt", headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.startswith('<section id="organisation-results"') and "<html" not in body
    assert "Amt für Soziale Dienste" in body


def test_a_bad_filter_is_explained_and_everything_is_shown(client, organisation) -> None:
    response = client.get("/organisations?kind=planet&q=" + "x" * 120)
    body = text(response)
    assert response.status_code == 422
    assert "Choose a kind from the list" in body and "100 characters or fewer" in body
    assert 'value="' + "x" * 120 + '"' in body
    assert "Selbsthilfe West" in body


def test_the_create_link_is_only_shown_to_administrators(client, login, make_user, organisation) -> None:
    assert "/organisations/new" not in text(client.get("/organisations"))
    login(make_user("ada", admin=True))
    assert "/organisations/new" in text(client.get("/organisations"))


# --- an organisation's page ----------------------------------------------------------------------


def test_anonymous_visitors_see_counts_not_names(client, organisation) -> None:
    body = text(client.get(f"/organisations/{organisation.id}"))
    assert "2 members" in body and "including 1 representative" in body
    assert "Rita" not in body and "Moritz" not in body
    assert "Sign in" in body


def test_the_page_shows_kind_description_website_members_and_spaces(
    session, client, login, make_user, organisation, space_by_code
) -> None:
    space = space_by_code("04011440")
    session.add(
        SpaceMembership(
            space=space, user=user_named(session, "moritz"), organisation=organisation, status="active"
        )
    )
    session.commit()
    login(make_user("olaf"))
    body = text(client.get(f"/organisations/{organisation.id}"))
    assert "Advocacy group" in body
    assert "<em>vertreten</em>" in body and "<script>" not in body
    assert 'href="https://selbsthilfe.example"' in body
    assert body.index("Rita") < body.index("Moritz") and "Representative" in body
    assert f'href="/spaces/{space.id}"' in body and "1 member speaks for it" in body
    assert "/edit" not in body and "Leave the organisation" not in body


def test_an_unknown_organisation_is_404(client, login, make_user) -> None:
    assert client.get("/organisations/999999").status_code == 404
    login(make_user("ada", admin=True))
    for url in ("/organisations/999999/edit", "/organisations/999999/members"):
        assert client.get(url).status_code == 404
    assert client.post("/organisations/999999/members", data={"email": "ada@test.example"}).status_code == 404


# --- creating ------------------------------------------------------------------------------------

NEW = {"name": "Quartiersinitiative Lindenhof", "kind": "civil_society", "description": "", "website": ""}


def test_an_administrator_creates_an_organisation(session, client, login, make_user) -> None:
    login(make_user("ada", admin=True))
    assert client.get("/organisations/new").status_code == 200
    response = client.post("/organisations/new", data=NEW)
    created = session.scalar(select(Organisation).where(Organisation.name == NEW["name"]))
    assert response.status_code == 302 and response.location.endswith(f"/organisations/{created.id}")
    assert "has been created" in text(client.get(response.location))


def test_a_taken_name_is_refused_keeping_the_input(client, login, make_user, organisation) -> None:
    login(make_user("ada", admin=True))
    response = client.post(
        "/organisations/new", data={**NEW, "name": "selbsthilfe west", "description": "Mein Text"}
    )
    body = text(response)
    assert response.status_code == 422
    assert "There is already an organisation with this name" in body
    assert 'value="selbsthilfe west"' in body and "Mein Text" in body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "n" * 201}, "The name must be 200 characters or fewer"),
        ({"name": ""}, "Enter the name of the organisation"),
        ({"kind": ""}, "Choose the kind of organisation"),
        ({"kind": "club"}, "Choose the kind of organisation"),
        ({"website": "javascript:alert(1)"}, "Enter a web address that starts with https://"),
        ({"description": "d" * 10_001}, "The description must be 10000 characters or fewer"),
    ],
)
def test_bad_input_is_explained_and_kept(client, login, make_user, changes, message) -> None:
    login(make_user("ada", admin=True))
    data = {**NEW, "description": "Kept text", **changes}
    response = client.post("/organisations/new", data=data)
    body = text(response)
    assert response.status_code == 422
    assert message in body and 'class="error-summary"' in body
    assert (data["description"][:50]) in body


@pytest.mark.parametrize("role", ["user", "org_member", "representative"])
def test_only_administrators_may_create(session, client, login, make_user, organisation, role) -> None:
    person = {"user": make_user("olaf"), "org_member": user_named(session, "moritz")}.get(role) or user_named(
        session, "rita"
    )
    login(person)
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/new", data=NEW).status_code == 403
    assert session.scalar(select(Organisation).where(Organisation.name == NEW["name"])) is None


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation) -> None:
    for url in ("/organisations/new", f"/organisations/{organisation.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    response = client.post(f"/organisations/{organisation.id}/leave")
    assert response.status_code == 302 and "/login" in response.location


# --- editing -------------------------------------------------------------------------------------


def test_a_representative_edits_but_cannot_change_the_kind(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    form = text(client.get(f"/organisations/{organisation.id}/edit"))
    assert 'name="kind"' not in form and "only the site administration can change this" in form
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={"name": "Selbsthilfe Bremen-West", "kind": "provider", "description": "Neu", "website": ""},
    )
    assert response.status_code == 302
    session.refresh(organisation)
    assert (organisation.name, organisation.kind, organisation.website) == (
        "Selbsthilfe Bremen-West",
        "advocacy_group",
        None,
    )


def test_an_administrator_changes_the_kind(session, client, login, make_user, organisation) -> None:
    login(make_user("ada", admin=True))
    assert 'name="kind"' in text(client.get(f"/organisations/{organisation.id}/edit"))
    data = {"name": organisation.name, "kind": "provider", "description": "", "website": ""}
    assert client.post(f"/organisations/{organisation.id}/edit", data=data).status_code == 302
    session.refresh(organisation)
    assert organisation.kind == "provider"


def test_an_overlong_description_is_refused_keeping_the_input(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    response = client.post(
        f"/organisations/{organisation.id}/edit",
        data={"name": "Neuer Name", "description": "d" * 10_001, "website": ""},
    )
    assert response.status_code == 422
    assert 'value="Neuer Name"' in text(response)
    session.refresh(organisation)
    assert organisation.name == "Selbsthilfe West"


@pytest.mark.parametrize("role", ["user", "org_member"])
def test_members_and_others_may_not_edit(session, client, login, make_user, organisation, role) -> None:
    login(make_user("olaf") if role == "user" else user_named(session, "moritz"))
    assert client.get(f"/organisations/{organisation.id}/edit").status_code == 403
    response = client.post(f"/organisations/{organisation.id}/edit", data={"name": "Gekapert"})
    assert response.status_code == 403


# --- members -------------------------------------------------------------------------------------


def test_a_representative_adds_a_member_by_e_mail(session, client, login, make_user, organisation) -> None:
    make_user("olaf")
    login(user_named(session, "rita"))
    url = f"/organisations/{organisation.id}/members"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"email": "Olaf@test.example", "role": "member"})
    assert response.status_code == 302
    assert "Olaf is now a member of the organisation" in text(client.get(response.location))
    assert (
        len(
            session.scalars(
                select(OrganisationMember).where(OrganisationMember.organisation_id == organisation.id)
            ).all()
        )
        == 3
    )


def test_an_address_without_account_gets_a_clear_message(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    response = client.post(
        f"/organisations/{organisation.id}/members", data={"email": "nobody@test.example", "role": "member"}
    )
    body = text(response)
    assert response.status_code == 422
    assert "There is no account with this e-mail address" in body
    assert 'value="nobody@test.example"' in body


def test_a_badly_formed_address_is_refused(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    response = client.post(f"/organisations/{organisation.id}/members", data={"email": "not-an-address"})
    assert response.status_code == 422 and "in the right format" in text(response)


def test_roles_change_and_the_last_representative_stays(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    rita = session.scalar(
        select(OrganisationMember).where(OrganisationMember.user == user_named(session, "rita"))
    )
    url = f"/organisations/{organisation.id}/members/{rita.id}/role"
    response = client.post(url, data={"role": "member"})
    assert response.status_code == 409
    assert "at least one representative" in text(response)
    assert client.post(url, data={"role": "chief"}).status_code == 422
    session.refresh(rita)
    assert rita.role == "representative"
    moritz = session.scalar(
        select(OrganisationMember).where(OrganisationMember.user == user_named(session, "moritz"))
    )
    response = client.post(
        f"/organisations/{organisation.id}/members/{moritz.id}/role", data={"role": "representative"}
    )
    assert response.status_code == 302
    assert "The role of Moritz is now: Representative" in text(client.get(response.location))


def test_a_member_is_removed_and_the_last_representative_is_not(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    links = {
        link.user.display_name: link
        for link in session.scalars(
            select(OrganisationMember).where(OrganisationMember.organisation_id == organisation.id)
        )
    }
    response = client.post(f"/organisations/{organisation.id}/members/{links['Rita'].id}/remove")
    assert response.status_code == 409
    response = client.post(f"/organisations/{organisation.id}/members/{links['Moritz'].id}/remove")
    assert response.status_code == 302
    assert "Moritz is no longer a member" in text(client.get(response.location))
    assert client.post(f"/organisations/{organisation.id}/members/999999/remove").status_code == 404


@pytest.mark.parametrize("role", ["user", "org_member"])
def test_members_and_others_may_not_manage_members(
    session, client, login, make_user, organisation, role
) -> None:
    outsider = make_user("olaf")
    login(outsider if role == "user" else user_named(session, "moritz"))
    base = f"/organisations/{organisation.id}/members"
    rita = session.scalar(
        select(OrganisationMember).where(OrganisationMember.user == user_named(session, "rita"))
    )
    assert client.get(base).status_code == 403
    assert client.post(base, data={"email": "olaf@test.example", "role": "representative"}).status_code == 403
    assert client.post(f"{base}/{rita.id}/role", data={"role": "member"}).status_code == 403
    assert client.post(f"{base}/{rita.id}/remove").status_code == 403
    assert client.post(base, data={"email": "nobody@test.example"}).status_code == 403


def test_a_member_leaves_the_organisation(session, client, login, organisation) -> None:
    login(user_named(session, "moritz"))
    page = text(client.get(f"/organisations/{organisation.id}"))
    assert "You are a member of this organisation" in page and "Leave the organisation" in page
    response = client.post(f"/organisations/{organisation.id}/leave")
    assert response.status_code == 302
    assert "You have left the organisation" in text(client.get(response.location))


def test_the_last_representative_cannot_leave(session, client, login, organisation) -> None:
    login(user_named(session, "rita"))
    response = client.post(f"/organisations/{organisation.id}/leave")
    assert response.status_code == 409 and "at least one representative" in text(response)


def test_leaving_an_organisation_one_does_not_belong_to_is_404(
    client, login, make_user, organisation
) -> None:
    login(make_user("olaf"))
    assert client.post(f"/organisations/{organisation.id}/leave").status_code == 404


def test_forms_need_the_csrf_token(session, client, login, organisation, csrf_enabled) -> None:
    login(user_named(session, "moritz"))
    assert client.post(f"/organisations/{organisation.id}/leave").status_code == 400
    assert session.scalar(
        select(OrganisationMember).where(OrganisationMember.user == user_named(session, "moritz"))
    )


def test_representatives_see_pseudonyms_not_real_names(
    session, client, login, make_user, organisation
) -> None:
    beneficiary = make_user("bea", display_name="Bea Berger", pseudonym="Sonnenblume")
    session.add(OrganisationMember(organisation=organisation, user=beneficiary, role="member"))
    session.commit()
    login(user_named(session, "rita"))
    for url in (f"/organisations/{organisation.id}", f"/organisations/{organisation.id}/members"):
        body = text(client.get(url))
        assert "Sonnenblume" in body and "Bea Berger" not in body

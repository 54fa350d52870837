"""Framework administration pages: the list, a new framework, and the requirements editor."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.models import Document
from agreements.services import drafts, versions
from core.audit import AuditEntry
from governance.models import SpaceMembership
from tests.portal_data import agreement, framework, section


def text(response) -> str:
    return response.get_data(as_text=True)


def ticked(page: str, name: str) -> set[str]:
    """Values of the checked checkboxes called ``name``."""
    inputs = re.findall(r"<input [^>]*>", page)
    return {
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{name}"' in tag and re.search(r"\schecked[\s>]", tag)
    }


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def admin(make_user):
    return make_user("ada", admin=True)


@pytest.fixture
def published(session, admin) -> Document:
    return framework(
        session, admin, "Leitsätze Sozialraumorientierung", [section("goal", "Ziele", "Teilhabe für alle.")],
        Requirements(required_section_kinds=frozenset({SectionKind.GOAL}),
                     required_parties=frozenset({"carrier"})),
    )  # fmt: skip


@pytest.fixture
def unpublished(session, admin) -> Document:
    return drafts.create_framework(session, admin, title="Entwurf Quartiersbudgets")


@pytest.fixture
def facilitator(session, make_user, space_by_code):
    person = make_user("fritz")
    session.add(
        SpaceMembership(space=space_by_code("04011440"), user=person, role="facilitator", status="active")
    )
    session.commit()
    return person


# --- the list ------------------------------------------------------------------------------------


def test_everybody_sees_published_frameworks_only(client, published, unpublished) -> None:
    page = text(client.get("/frameworks"))
    assert "Leitsätze Sozialraumorientierung" in page and f"/frameworks/{published.id}/versions/1" in page
    assert "Entwurf Quartiersbudgets" not in page
    assert "/frameworks/new" not in page and "/requirements" not in page
    assert page.count("<h1") == 1


def test_administrators_also_see_unpublished_frameworks_and_may_create(
    client, login, admin, published, unpublished
) -> None:
    page = text(login(admin).get("/frameworks"))
    assert "Entwurf Quartiersbudgets" in page and "Not published yet" in page
    assert "/frameworks/new" in page
    assert (
        f"/frameworks/{unpublished.id}/requirements" in page and f"/frameworks/{unpublished.id}/draft" in page
    )


# --- a new framework -----------------------------------------------------------------------------


def test_an_administrator_creates_a_framework_and_goes_on_to_its_draft(session, client, login, admin) -> None:
    login(admin)
    assert client.get("/frameworks/new").status_code == 200
    response = client.post("/frameworks/new", data={"title": "  Leitsätze  ", "preamble": "Für Bremen."})
    created = session.scalar(select(Document).where(Document.kind == "framework"))
    assert created is not None and (created.title, created.preamble) == ("Leitsätze", "Für Bremen.")
    assert response.status_code == 302 and response.location.endswith(f"/frameworks/{created.id}/draft")
    audited = select(AuditEntry.action).where(
        AuditEntry.object_type == "document", AuditEntry.object_id == str(created.id)
    )
    assert session.scalars(audited).all() == ["framework.created"]


def test_a_framework_without_title_is_shown_again_with_what_was_typed(client, login, admin) -> None:
    response = login(admin).post("/frameworks/new", data={"title": " ", "preamble": "Meine Einleitung"})
    page = text(response)
    assert response.status_code == 422
    assert "Enter a title" in page and "error-summary" in page and "Meine Einleitung" in page
    assert "Error:" in page.split("</title>")[0]


def test_an_overlong_title_is_refused(client, login, admin) -> None:
    response = login(admin).post("/frameworks/new", data={"title": "x" * 301})
    assert response.status_code == 422 and "300 characters or fewer" in text(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_administrators_may_create_frameworks(client, login, make_user, facilitator, method) -> None:
    assert getattr(client, method)("/frameworks/new", data={"title": "X"}).status_code == 401
    for person in (make_user("otto"), facilitator):
        login(person)
        assert getattr(client, method)("/frameworks/new", data={"title": "X"}).status_code == 403


# --- the requirements editor ---------------------------------------------------------------------


def test_the_editor_shows_the_draft_requirements_ticked(client, login, admin, published) -> None:
    page = text(login(admin).get(f"/frameworks/{published.id}/requirements"))
    assert ticked(page, "section_kinds") == {"goal"} and ticked(page, "required_parties") == {"carrier"}
    assert ticked(page, "indicators_need_target") == set()
    assert page.count("<h1") == 1
    # The published version's requirements, through the include other pages use too.
    assert "Requirements in force" in page and "Carriers" in page and "Goal" in page


def test_saving_requirements_applies_to_the_next_published_version(
    session, client, login, admin, published
) -> None:
    response = login(admin).post(
        f"/frameworks/{published.id}/requirements",
        data={
            "section_kinds": ["goal", "quality_standard", "review"],
            "indicators_need_target": "y",
            "required_parties": ["beneficiary", "carrier", "provider"],
            "max_review_interval_months": "24",
        },
    )
    assert response.status_code == 302 and response.location.endswith(
        f"/frameworks/{published.id}/requirements"
    )
    expected = Requirements(
        required_section_kinds=frozenset(
            {SectionKind.GOAL, SectionKind.QUALITY_STANDARD, SectionKind.REVIEW}
        ),
        indicators_need_target=True,
        required_parties=frozenset({"beneficiary", "carrier", "provider"}),
        max_review_interval_months=24,
    )
    session.refresh(published)
    assert Requirements.from_dict(published.draft_requirements) == expected
    assert versions.latest_version(session, published.id).requirements["max_review_interval_months"] is None
    second = versions.publish_version(session, admin, published.id, change_summary="Anforderungen")
    assert Requirements.from_dict(second.requirements) == expected
    page = text(client.get(f"/frameworks/{published.id}/requirements"))
    assert "Version 2" in page and "at most 24 months" in page and "Providers" in page


def test_clearing_all_requirements_is_possible(session, client, login, admin, published) -> None:
    assert login(admin).post(f"/frameworks/{published.id}/requirements", data={}).status_code == 302
    session.refresh(published)
    assert Requirements.from_dict(published.draft_requirements) == Requirements()


@pytest.mark.parametrize("months", ["abc", "0", "121", "2.5", "-3"])
def test_a_bad_review_interval_is_explained_and_the_ticks_are_kept(
    client, login, admin, published, months
) -> None:
    response = login(admin).post(
        f"/frameworks/{published.id}/requirements",
        data={
            "section_kinds": ["rule"],
            "required_parties": ["provider"],
            "max_review_interval_months": months,
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "Enter a whole number of months from 1 to 120" in page and f'value="{months}"' in page
    assert ticked(page, "section_kinds") == {"rule"} and ticked(page, "required_parties") == {"provider"}


def test_unknown_choices_are_refused(client, login, admin, published) -> None:
    response = login(admin).post(
        f"/frameworks/{published.id}/requirements",
        data={"section_kinds": ["poetry"], "required_parties": ["aliens"]},
    )
    assert response.status_code == 422 and text(response).count("Choose from the options shown") >= 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_administrators_edit_requirements(
    client, login, make_user, facilitator, published, method
) -> None:
    url = f"/frameworks/{published.id}/requirements"
    assert getattr(client, method)(url, data={"section_kinds": ["goal"]}).status_code == 401
    for person in (make_user("otto"), facilitator):
        login(person)
        assert getattr(client, method)(url, data={"section_kinds": ["goal"]}).status_code == 403


def test_unknown_frameworks_and_agreements_are_not_found(
    session, client, login, admin, space_by_code
) -> None:
    login(admin)
    assert client.get("/frameworks/999999/requirements").status_code == 404
    other = agreement(session, admin, space_by_code("04011440"), "Vereinbarung", [section()], status="draft")
    assert client.get(f"/frameworks/{other.id}/requirements").status_code == 404


def test_the_requirements_form_needs_its_csrf_token(client, login, admin, published, csrf_enabled) -> None:
    response = login(admin).post(f"/frameworks/{published.id}/requirements", data={"section_kinds": ["goal"]})
    assert response.status_code == 400

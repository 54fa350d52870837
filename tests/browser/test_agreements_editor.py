"""Writing an agreement in the browser: a new section by keyboard, publishing a version, saving a
section with and without JavaScript, and the 409 merge view when two people save the same section.

Gröpelingen (code 04011440) has Fiona as its facilitator; Ada administers the site. Data that a
flow only needs to find is made through the services; what the flow is about goes through the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from agreements.models import DocumentVersion, DraftSection
from agreements.services import drafts
from agreements.services.snapshots import SectionContent
from tests.browser.conftest import (
    activate,
    check_accessibility,
    choose_option,
    fill_by_keyboard,
    is_focused,
    sign_in,
    submit_and_wait,
)

PASSWORD = "a long enough passphrase"
GROEPELINGEN = "04011440"
FIONA = "fiona@test.example"
ADA = "ada@test.example"
OPENING_HOURS = "Die Beratung findet montags im Stadtteilhaus statt."


@dataclass
class Team:
    space_id: int
    admin: object
    facilitator: object


@pytest.fixture
def team(session, make_user, space_by_code) -> Team:
    from governance.services.memberships import appoint_facilitator

    admin = make_user("ada", admin=True, password=PASSWORD, locale="en")
    fiona = make_user("fiona", password=PASSWORD, locale="en")
    space = space_by_code(GROEPELINGEN)
    appoint_facilitator(session, admin, space_id=space.id, email=fiona.email)
    return Team(space_id=space.id, admin=admin, facilitator=fiona)


@dataclass
class Draft:
    id: int
    key: str  # of its one section


@pytest.fixture
def draft(session, team: Team) -> Draft:
    """An agreement in draft whose only section says when the counselling takes place."""
    agreement = drafts.create_agreement(
        session, team.facilitator, space_id=team.space_id, title="Beratung im Quartier"
    )
    section = drafts.add_section(
        session, team.facilitator, agreement.id, SectionContent(kind="rule", title="Beratung", body=OPENING_HOURS)
    )
    return Draft(id=agreement.id, key=section.key)


def open_as(new_page: Callable[..., Page], email: str, path: str, *, javascript: bool = True) -> Page:
    page = new_page(javascript=javascript)
    page.goto(path)
    sign_in(page, email, PASSWORD)
    page.goto(path)
    return page


def draft_section(session, document_id: int, key: str) -> DraftSection:
    session.rollback()  # see what the live server committed
    section = session.scalar(
        select(DraftSection).where(DraftSection.document_id == document_id, DraftSection.key == key)
    )
    assert section is not None
    return section


# --- a new section, by keyboard, then a version --------------------------------------------------------


def test_a_facilitator_writes_a_section_by_keyboard_and_publishes_a_version(
    new_page: Callable[..., Page], session, team: Team
) -> None:
    agreement = drafts.create_agreement(
        session, team.facilitator, space_id=team.space_id, title="Treffpunkte in Gröpelingen"
    )
    page = open_as(new_page, FIONA, f"/agreements/{agreement.id}")
    expect(page.locator("h1")).to_have_text("Treffpunkte in Gröpelingen")
    check_accessibility(page)
    with page.expect_navigation():
        activate(page, page.get_by_role("link", name="Edit the working draft"))
    expect(page.locator("h1")).to_have_text("Working draft: Treffpunkte in Gröpelingen")
    expect(page.locator("main")).to_contain_text("The draft has no sections yet.")
    check_accessibility(page)

    # Everything but the title, so the form comes back once with the problem named.
    body = "Jeder Treffpunkt ist barrierefrei erreichbar.\n\nDie Öffnungszeiten hängen aus."
    plain = "Alle können zu den Treffpunkten kommen. Auch mit Rollstuhl."
    choose_option(page, "#new-kind", "Quality standard")
    fill_by_keyboard(page, "#new-body", body)
    fill_by_keyboard(page, "#new-plain_language", plain)
    indicators = page.locator("#new-section details.form-details", has_text="Indicators")
    activate(page, indicators.locator("summary"))
    expect(indicators).to_have_attribute("open", "")
    for field, value in [
        ("name", "Barrierefreie Treffpunkte"),
        ("unit", "Anteil in %"),
        ("baseline", "40"),
        ("target", "100"),
        ("data_source", "Begehung"),
        ("responsible_party", "Quartiersmanagement"),
    ]:
        fill_by_keyboard(page, f"#new-indicators-0-{field}", value)
    assert submit_and_wait(page, "#new-section button[type=submit]") == 422
    expect(page).to_have_title("Error: Working draft: Treffpunkte in Gröpelingen – Raumrat")
    summary = page.locator("#new-section .error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(page.locator("#new-kind")).to_have_value("quality_standard")
    expect(page.locator("#new-body")).to_have_value(body)
    expect(page.locator("#new-plain_language")).to_have_value(plain)
    expect(page.locator("#new-indicators-0-target")).to_have_value("100")
    expect(page.locator("#new-title")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    # The summary's link takes the focus to the title; typing it and saving adds the section.
    activate(page, summary.get_by_role("link", name="Enter a title"))
    assert is_focused(page.locator("#new-title"))
    page.keyboard.type("Barrierefreie Treffpunkte")
    assert submit_and_wait(page, "#new-section button[type=submit]") == 302
    expect(page.locator(".notifications")).to_contain_text(
        "The section “Barrierefreie Treffpunkte” has been added."
    )
    added = page.locator("section.draft-section")
    expect(added).to_have_count(1)
    expect(added.locator("h3")).to_contain_text("Quality standard")
    expect(added.get_by_role("table", name="Indicators of “Barrierefreie Treffpunkte”")).to_contain_text(
        "Quartiersmanagement"
    )
    check_accessibility(page)

    # Publishing needs a word on what changed; then it leads to the version's permanent address.
    assert submit_and_wait(page, "#publish button[type=submit]") == 422
    expect(page.locator("#publish .error-summary")).to_contain_text("Say in a few words what changed")
    check_accessibility(page)
    fill_by_keyboard(page, "#publish-change_summary", "Erste Fassung nach dem Stadtteilforum.")
    assert submit_and_wait(page, "#publish button[type=submit]") == 302
    expect(page).to_have_url(f"/agreements/{agreement.id}/versions/1")
    expect(page.locator(".notifications")).to_contain_text("Version 1 has been published.")
    expect(page.locator("h1")).to_have_text("Treffpunkte in Gröpelingen – version 1")
    expect(page.locator("main")).to_contain_text("Erste Fassung nach dem Stadtteilforum.")
    published = page.locator("article.document-section")
    expect(published).to_have_count(1)
    expect(published.locator("h3")).to_contain_text("Barrierefreie Treffpunkte")
    expect(published).to_contain_text("Die Öffnungszeiten hängen aus.")
    expect(published.get_by_role("table")).to_contain_text("Quartiersmanagement")
    check_accessibility(page)

    session.rollback()
    version = session.scalar(select(DocumentVersion).where(DocumentVersion.document_id == agreement.id))
    assert version is not None and version.number == 1
    assert [s.title for s in version.sections] == ["Barrierefreie Treffpunkte"]
    assert version.sections[0].indicators[0]["target"] == "100"

"""Writing an agreement in the browser: a new section by keyboard, publishing a version, saving a
section with and without JavaScript, and the 409 merge view when two people save the same section.

Gröpelingen (code 04011440) has Fiona as its facilitator; Ada administers the site. Data that a
flow only needs to find is made through the services; what the flow is about goes through the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect
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
        session,
        team.facilitator,
        agreement.id,
        SectionContent(kind="rule", title="Beratung", body=OPENING_HOURS),
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


# --- saving a section: a plain form POST without JavaScript, an htmx fragment swap with it ------------


def save_section(page: Page, key: str, *, javascript: bool) -> int:
    """Press the section form's button by keyboard; return the status of the save.

    Without JavaScript the browser loads the answer as a new page; with it, htmx swaps the
    section in place, so there is a response to wait for but no navigation.
    """
    button = page.locator(f"#section-{key} form button[type=submit]")
    if not javascript:
        return submit_and_wait(page, button)
    url = f"/draft/sections/{key}"
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(url)) as response:
        activate(page, button)
    return response.value.status


def open_section_editor(page: Page, key: str) -> Locator:
    editor = page.locator(f"#section-{key} details.section-editor")
    activate(page, editor.locator("summary"))
    expect(editor).to_have_attribute("open", "")
    return editor


@pytest.mark.parametrize("javascript", [False, True], ids=["plain-form-post", "htmx-swap"])
def test_a_section_is_edited_and_saved_with_and_without_javascript(
    new_page: Callable[..., Page], session, draft: Draft, javascript: bool
) -> None:
    page = open_as(new_page, FIONA, f"/agreements/{draft.id}/draft", javascript=javascript)
    expect(page.locator("h1")).to_have_text("Working draft: Beratung im Quartier")
    check_accessibility(page)
    if javascript:
        page.evaluate("() => { window.stillTheSamePage = true; }")
    section = page.locator(f"#section-{draft.key}")
    field = f"#section-{draft.key}-"
    new_body = "Die offene Beratung findet montags und donnerstags im Stadtteilhaus statt."

    # A section without a title is refused; the text just typed stays in the form.
    open_section_editor(page, draft.key)
    fill_by_keyboard(page, field + "title", "")
    fill_by_keyboard(page, field + "body", new_body)
    assert save_section(page, draft.key, javascript=javascript) == 422
    expect(section.locator(".error-summary")).to_contain_text("Enter a title")
    expect(page.locator(field + "body")).to_have_value(new_body)
    expect(page.locator(field + "title")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    fill_by_keyboard(page, field + "title", "Offene Beratung")
    if javascript:
        assert save_section(page, draft.key, javascript=True) == 200
        expect(section.get_by_role("status")).to_have_text("The section has been saved.")
        assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
        expect(page.locator("h1")).to_have_count(1)
        check_accessibility(page, f"#section-{draft.key}")
    else:
        assert save_section(page, draft.key, javascript=False) == 302
        expect(page).to_have_url(f"/agreements/{draft.id}/draft#section-{draft.key}")
        expect(page.locator(".notifications")).to_contain_text("The section has been saved.")
    expect(section.locator("h3")).to_contain_text("Offene Beratung")
    expect(section.locator("article.document-section")).to_contain_text(new_body)
    expect(section.locator("details.section-editor")).not_to_have_attribute("open", "")
    check_accessibility(page)

    saved = draft_section(session, draft.id, draft.key)
    assert (saved.title, saved.body, saved.revision) == ("Offene Beratung", new_body, 2)


# --- two people, one section: the 409 merge view --------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx-swap", "plain-form-post"])
def test_a_stale_save_gets_the_merge_view_and_the_merged_text_is_saved(
    new_page: Callable[..., Page], session, draft: Draft, javascript: bool
) -> None:
    path = f"/agreements/{draft.id}/draft"
    field = f"#section-{draft.key}-body"
    theirs = "Die Beratung findet montags im Nachbarschaftshaus statt."
    mine = "Die offene Beratung findet montags im Stadtteilhaus statt."
    merged = "Die offene Beratung findet montags im Nachbarschaftshaus statt."

    # Both open the same revision of the section.
    fiona = open_as(new_page, FIONA, path, javascript=javascript)
    ada = open_as(new_page, ADA, path, javascript=javascript)
    for page in (fiona, ada):
        check_accessibility(page)
        open_section_editor(page, draft.key)

    fiona.locator(field).fill(theirs)
    assert save_section(fiona, draft.key, javascript=javascript) == (200 if javascript else 302)
    expect(fiona.locator(f"#section-{draft.key} article.document-section")).to_contain_text(theirs)
    check_accessibility(fiona)

    ada.locator(field).fill(mine)
    assert save_section(ada, draft.key, javascript=javascript) == 409
    section = ada.locator(f"#section-{draft.key}")
    merge = section.locator(".merge")
    expect(merge).to_contain_text("Someone else saved this section while you were editing it.")
    columns = merge.locator(".merge__columns > div")
    expect(columns).to_have_count(2)
    expect(columns.nth(0)).to_contain_text("Their text (saved now)")
    expect(columns.nth(0)).to_contain_text(theirs)
    expect(columns.nth(1)).to_contain_text("Your text")
    expect(columns.nth(1)).to_contain_text(mine)
    expect(merge).to_contain_text("Your changes and theirs do not overlap.")
    expect(ada.locator(field)).to_have_value(merged)
    expect(section.locator("details.section-editor")).to_have_attribute("open", "")
    expect(ada.locator("h1")).to_have_count(1)  # with htmx, the section alone was swapped
    if not javascript:
        expect(ada).to_have_title("Error: Working draft: Beratung im Quartier – Raumrat")
    check_accessibility(ada)
    assert draft_section(session, draft.id, draft.key).body == theirs  # nothing saved yet

    save = section.get_by_role("button", name="Save the merged section")
    expect(save).to_be_visible()
    assert save_section(ada, draft.key, javascript=javascript) == (200 if javascript else 302)
    if javascript:
        expect(section.get_by_role("status")).to_have_text("The section has been saved.")
    else:
        expect(ada.locator(".notifications")).to_contain_text("The section has been saved.")
    expect(section.locator(".merge")).to_have_count(0)
    expect(section.locator("article.document-section")).to_contain_text(merged)
    check_accessibility(ada)

    saved = draft_section(session, draft.id, draft.key)
    assert (saved.body, saved.revision) == (merged, 3)

    # The first editor sees both changes on the next visit.
    fiona.goto(path)
    expect(fiona.locator(f"#section-{draft.key} article.document-section")).to_contain_text(merged)
    check_accessibility(fiona)

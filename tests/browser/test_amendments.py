"""Amendments in the browser, by keyboard, with axe on every page: a member proposes a change; the
facilitator accepts an amendment whose words the draft changed too and resolves the conflict —
with JavaScript (htmx) and without (plain form posts)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.amendments_data import MEETINGS, draft_section, edit_draft, negotiated_agreement, propose_change
from tests.browser.conftest import (
    activate,
    check_accessibility,
    choose_option,
    choose_radio,
    fill_by_keyboard,
    sign_in,
    submit_and_wait,
)

PASSWORD = "correct horse battery"
WEEKLY = "Der Runde Tisch trifft sich wöchentlich im Bürgerhaus."


@pytest.fixture
def setting(session, make_user, space_by_code):
    setting = negotiated_agreement(session, make_user, space_by_code)
    for user in (setting.people.member, setting.people.facilitator):
        user.locale = "en"
    session.commit()
    return setting


def open_as(new_page: Callable[..., Page], email: str, path: str, *, javascript: bool) -> Page:
    page = new_page(javascript=javascript)
    page.goto(path)
    sign_in(page, email, PASSWORD)
    page.goto(path)
    return page


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_a_member_proposes_a_change_by_keyboard(new_page, session, setting, javascript: bool) -> None:
    agreement = setting.agreement
    page = open_as(new_page, "mia@test.example", f"/agreements/{agreement.id}", javascript=javascript)
    panel = page.locator("#amendments-panel")
    expect(panel).to_contain_text("No amendments have been proposed yet.")
    check_accessibility(page)
    with page.expect_navigation():
        activate(page, panel.get_by_role("link", name="Propose an amendment"))
    expect(page.locator("h1")).to_have_text("Propose an amendment")
    check_accessibility(page)

    choose_radio(page, "#kind", "Change of a section")
    choose_option(page, "#section", "Treffen")
    with page.expect_navigation():
        activate(page, page.get_by_role("button", name="Continue"))
    expect(page.locator("h1")).to_have_text("Propose a change to “Treffen”")
    expect(page.locator("#body")).to_have_value(MEETINGS)
    check_accessibility(page)

    # Without a rationale the form comes back with the problem named and the new text kept.
    fill_by_keyboard(page, "#body", WEEKLY)
    assert submit_and_wait(page, page.get_by_role("button", name="Propose the amendment")) == 422
    expect(page.locator(".error-summary")).to_contain_text("Say why you propose this")
    expect(page.locator("#body")).to_have_value(WEEKLY)
    expect(page.locator("#rationale")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    fill_by_keyboard(page, "#rationale", "Monatlich ist zu selten für die Nachbarschaft.")
    assert submit_and_wait(page, page.get_by_role("button", name="Propose the amendment")) == 302
    expect(page).to_have_url(f"/agreements/{agreement.id}/amendments/1")
    expect(page.locator(".notifications")).to_contain_text("Your amendment A 1 has been proposed.")
    diff = page.locator(".diff-text").first
    expect(diff.locator("del")).to_contain_text("monatlich")
    expect(diff.locator("ins")).to_contain_text("wöchentlich")
    expect(page.locator("#amendment-decision")).to_contain_text("Open")
    check_accessibility(page)

    session.rollback()
    from amendments.models import Amendment

    amendment = session.query(Amendment).one()
    assert (amendment.number, amendment.proposed_body, amendment.status) == (1, WEEKLY, "open")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_the_facilitator_accepts_an_amendment_with_a_conflict_and_resolves_it(
    new_page, session, setting, javascript: bool
) -> None:
    propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    path = f"/agreements/{setting.agreement.id}/amendments/1"
    page = open_as(new_page, "fritz@test.example", path, javascript=javascript)
    expect(page.locator("#amendment-decision")).to_contain_text("changed the same words")
    check_accessibility(page)

    accept = page.get_by_role("button", name="Accept and merge into the draft")
    with page.expect_navigation(url=f"**{path}/resolve"):
        activate(page, accept)
    expect(page.locator("h1")).to_have_text("Merge amendment A 1 into the working draft")
    columns = page.locator(".merge__columns > div")
    expect(columns.nth(0)).to_contain_text(WEEKLY)
    expect(columns.nth(1)).to_contain_text("vierteljährlich")
    check_accessibility(page)

    # Nothing chosen: the place is named, nothing changes.
    merge_button = page.get_by_role("button", name="Accept and merge into the draft")
    assert submit_and_wait(page, merge_button) == 422
    expect(page.locator(".error-summary")).to_contain_text("Choose what the text should say here")
    check_accessibility(page)
    assert "vierteljährlich" in draft_section(session, setting.agreement.id, setting.rule_key).body

    choose_radio(page, "#body-0-group", "My own words (write them below)")
    fill_by_keyboard(page, "#body-0-own", "alle zwei Wochen")
    assert submit_and_wait(page, page.get_by_role("button", name="Accept and merge into the draft")) == 302
    expect(page).to_have_url(path)
    expect(page.locator(".notifications")).to_contain_text("merged into the working draft")
    expect(page.locator("#amendment-decision")).to_contain_text("Merged into the draft")
    check_accessibility(page)
    session.rollback()
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == (
        "Der Runde Tisch trifft sich alle zwei Wochen im Bürgerhaus."
    )


@pytest.mark.parametrize("javascript", [False, True], ids=["no-javascript", "javascript"])
def test_the_list_of_amendments_is_filtered_by_state(new_page, session, setting, javascript: bool) -> None:
    from amendments.services import amendments

    propose_change(session, setting, WEEKLY)
    second = propose_change(session, setting, "Der Runde Tisch trifft sich jede Woche.")
    amendments.withdraw(session, setting.people.member, setting.agreement.id, second.number)
    path = f"/agreements/{setting.agreement.id}/amendments"
    page = open_as(new_page, "mia@test.example", path, javascript=javascript)
    rows = page.locator("#amendments-list tbody tr")
    expect(rows).to_have_count(2)
    check_accessibility(page)
    if javascript:
        page.evaluate("() => { window.stillTheSamePage = true; }")
    choose_option(page, "#amendment-status", "Withdrawn (1)")
    if javascript:
        with page.expect_response(lambda r: "status=withdrawn" in r.url):
            activate(page, page.get_by_role("button", name="Show"))
    else:
        with page.expect_navigation():
            activate(page, page.get_by_role("button", name="Show"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A 2")
    expect(page.locator("#amendments-list [role=status]")).to_contain_text("1 amendment is withdrawn.")
    expect(page).to_have_url(f"{path}?status=withdrawn")
    if javascript:
        assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
    check_accessibility(page)

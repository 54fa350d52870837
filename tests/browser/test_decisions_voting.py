"""Voting with the keyboard only, with and without JavaScript, and reading the results; axe-core on
every page and every swapped panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from decisions.services import ballots, motions
from decisions.services.motions import OptionInput
from tests.browser.conftest import (
    activate,
    check_accessibility,
    choose_radio,
    fill_by_keyboard,
    sign_in,
    submit_and_wait,
    tab_to,
)
from tests.decisions_data import make_voters, open_motion

PASSWORD = "correct horse battery"


@pytest.fixture
def voters(session, make_user, space_by_code):
    voters = make_voters(session, make_user, space_by_code, beneficiary=2, carrier=1)
    for user in [voters.facilitator, voters.admin, *voters.members]:
        user.locale = "en"
    session.commit()
    return voters


def test_a_member_votes_with_the_keyboard_without_javascript(
    new_page: Callable[..., Page], session, voters
) -> None:
    motion = open_motion(session, voters, method="simple_majority")
    voter = voters.of("carrier")
    page = new_page(javascript=False)
    page.goto("/")
    sign_in(page, voter.email, PASSWORD)
    page.goto(f"/spaces/{voters.space.id}")
    with page.expect_navigation():
        activate(page, f"a[href='/spaces/{voters.space.id}/motions']")
    check_accessibility(page)
    with page.expect_navigation():
        activate(page, f"a[href='/motions/{motion.id}']")
    check_accessibility(page)
    choose_radio(page, "#ballot-panel", "No")
    assert submit_and_wait(page, "#ballot-panel button[type=submit]") == 302
    expect(page.locator("#ballot-panel")).to_contain_text("Recorded: No")
    expect(page.locator(".notifications")).to_contain_text("Your vote has been counted.")
    check_accessibility(page)
    choose_radio(page, "#ballot-panel", "Yes")
    assert submit_and_wait(page, "#ballot-panel button[type=submit]") == 302
    expect(page.locator("#ballot-panel")).to_contain_text("Recorded: Yes")


def test_a_member_objects_with_the_keyboard_and_htmx_swaps_the_panel(
    new_page: Callable[..., Page], session, voters
) -> None:
    motion = open_motion(session, voters, method="consent")
    voter = voters.of("beneficiary")
    page = new_page()
    page.goto("/")
    sign_in(page, voter.email, PASSWORD)
    page.goto(f"/motions/{motion.id}")
    check_accessibility(page)
    url = page.url
    choose_radio(page, "#ballot-panel", "I object")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        activate(page, "#ballot-panel button[type=submit]")
    assert answer.value.status == 422
    expect(page.locator("#ballot-panel")).to_contain_text("an objection needs a reason")
    check_accessibility(page, "#ballot-panel")
    fill_by_keyboard(page, "#ballot-panel textarea", "Der Weg ist nicht barrierefrei.")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        activate(page, "#ballot-panel button[type=submit]")
    assert answer.value.status == 200
    expect(page.locator("#ballot-panel")).to_contain_text("Your vote has been counted.")
    expect(page.locator("#ballot-panel")).to_contain_text("Recorded: I object")
    assert page.url == url  # no navigation: only the panel changed
    check_accessibility(page, "#ballot-panel")


def test_a_ranked_secret_vote_by_keyboard_shows_the_receipt(
    new_page: Callable[..., Page], session, voters
) -> None:
    options = [
        OptionInput("Bänke"),
        OptionInput("Bäume"),
        OptionInput("Keep the current text", keeps_current_text=True),
    ]
    motion = open_motion(
        session, voters, kind="choose_alternative", method="ranked_choice", options=options, secret=True
    )
    voter = voters.of("beneficiary", 1)
    page = new_page()
    page.goto("/")
    sign_in(page, voter.email, PASSWORD)
    page.goto(f"/motions/{motion.id}")
    for key, place in (("o2", "1"), ("o1", "2")):
        field = tab_to(page, f"select[name$='option_{key}']")
        field.select_option(place)  # the select has the focus; choosing with arrows differs by platform
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        activate(page, "#ballot-panel button[type=submit]")
    assert answer.value.status == 200
    expect(page.locator("#ballot-panel")).to_contain_text("Your receipt code")
    check_accessibility(page, "#ballot-panel")


def test_the_results_page_is_accessible(new_page: Callable[..., Page], session, voters) -> None:
    motion = open_motion(
        session, voters, method="every_party", parameters={"parties": ["beneficiary", "carrier"]}
    )
    for user, choice in zip(voters.members, ["yes", "yes", "no"], strict=True):
        ballots.cast_ballot(session, user, motion.id, choice=choice)
    motions.close_motion(session, voters.facilitator, motion.id)
    ranked = open_motion(
        session, voters, kind="choose_alternative", method="ranked_choice",
        options=[OptionInput("A"), OptionInput("B"), OptionInput("C")],
    )  # fmt: skip
    for user, ranking in zip(voters.members, [["o1", "o2"], ["o2"], ["o3", "o1"]], strict=True):
        ballots.cast_ballot(session, user, ranked.id, choice=ranking)
    motions.close_motion(session, voters.facilitator, ranked.id)
    page = new_page()
    page.goto(f"/motions/{motion.id}/results")
    expect(page.locator("svg[role=img]").first).to_be_attached()
    expect(page.locator("main")).to_contain_text("Approval withheld by: Carriers")
    check_accessibility(page)
    page.goto(f"/motions/{ranked.id}/results")
    expect(page.get_by_text("Strongest paths.", exact=False)).to_be_attached()
    check_accessibility(page)
    page.goto(f"/motions/{motion.id}/ballots")
    check_accessibility(page)


def test_the_focus_stays_on_the_ballot_button_after_htmx_swaps_the_panel(
    new_page: Callable[..., Page], session, voters
) -> None:
    motion = open_motion(session, voters)
    voter = voters.of("carrier")
    page = new_page()
    page.goto("/")
    sign_in(page, voter.email, PASSWORD)
    page.goto(f"/motions/{motion.id}")
    choose_radio(page, "#ballot-panel", "Abstain")
    with page.expect_response(lambda response: response.request.method == "POST"):
        activate(page, "#ballot-panel button[type=submit]")
    expect(page.locator("#ballot-panel")).to_contain_text("Recorded: Abstain")
    expect(page.locator(f"#ballot-submit-{voter.id}")).to_be_focused()

"""Hostile input in the text fields of amendments, decisions on them, moderation and notifications
renders as text in Chromium: no dialog opens and no element is injected, on every page that shows it.
(Comments, replies, statements and reports: tests/browser/test_participation_comments.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from amendments.services import amendments
from moderation.services import moderation
from participation.services import comments
from tests import participation_data as data
from tests.browser.conftest import check_accessibility, sign_in, submit_and_wait
from tests.browser.test_participation_comments import XSS, assert_inert, watch_dialogs


@pytest.fixture
def people(session, make_user, space_by_code) -> data.People:
    return data.make_people(session, make_user, space_by_code)


def test_payloads_in_amendments_moderation_and_notifications_stay_text(
    new_page: Callable[..., Page], session, people
) -> None:
    agreement = data.agreement(session, people, "negotiation")
    key = data.section_keys(agreement)[0]
    numbers = []
    for payload in XSS[:8]:
        proposed = amendments.propose(
            session, people.advocate, agreement.id, kind="change", section_key=key,
            title=payload[:300], body=payload, rationale=payload,
        )  # fmt: skip
        numbers.append(proposed.number)
    amendments.reject(session, people.facilitator, agreement.id, numbers[0], note=XSS[1])
    # A comment that mentions the facilitator, so the payload also reaches the notification centre.
    hostile = comments.post_comment(session, people.member, agreement.id, XSS[0] + " @[Fritz Fischer]")
    moderation.hide_comment(session, people.facilitator, hostile.id, reason=XSS[4])
    moderation.block_commenter(
        session, people.facilitator, people.space.id, user_id=people.member.id, reason=XSS[2]
    )

    page = new_page()
    fired = watch_dialogs(page)
    page.goto(f"/agreements/{agreement.id}")
    sign_in(page, "fritz@test.example", data.PASSWORD)
    pages = [
        f"/agreements/{agreement.id}",
        f"/agreements/{agreement.id}/amendments",
        *(f"/agreements/{agreement.id}/amendments/{number}" for number in numbers),
        f"/spaces/{people.space.id}/moderation",
        f"/spaces/{people.space.id}/moderation-log",
        "/notifications",
    ]
    for path in pages:
        page.goto(path)
        assert_inert(page, fired)
    for path in (pages[1], pages[2], pages[-3], pages[-2], pages[-1]):
        page.goto(path)
        check_accessibility(page)
    # The payloads are shown, as text.
    page.goto(f"/agreements/{agreement.id}/amendments/{numbers[0]}")
    expect(page.locator("main")).to_contain_text("alert('img')")
    page.goto(f"/spaces/{people.space.id}/moderation-log")
    expect(page.locator("main")).to_contain_text("alert('details')")

    # Typed into the amendment form in the browser, then shown on the new amendment's page.
    page.context.clear_cookies()
    page.goto(f"/agreements/{agreement.id}")
    sign_in(page, "anna@test.example", data.PASSWORD)
    page.goto(f"/agreements/{agreement.id}/amendments/new?version=1&kind=change&section={key}")
    expect(page.locator("h1")).to_contain_text("Propose a change")
    page.fill("#body", XSS[5])
    page.fill("#rationale", XSS[6])
    assert submit_and_wait(page, page.get_by_role("button", name="Propose the amendment")) == 302
    expect(page).to_have_url(f"/agreements/{agreement.id}/amendments/{numbers[-1] + 1}")
    assert_inert(page, fired)
    expect(page.locator(".diff-text ins").first).to_contain_text(XSS[5])

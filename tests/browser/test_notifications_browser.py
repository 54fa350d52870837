"""Following an agreement, the notification centre with its unread count, and the unsubscribe link of
a notification e-mail, by keyboard (axe on every page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from agreements.services import versions
from governance.models import SpaceMembership
from notifications.domain import Channel, Kind
from notifications.services import mailing, preferences
from tests.browser.conftest import activate, check_accessibility, sign_in, submit_and_wait
from tests.notify_data import open_consultation
from tests.pages.agreement_helpers import agreement_with_versions

PASSWORD = "a long enough passphrase"


@pytest.fixture
def world(session, make_user, space_by_code) -> SimpleNamespace:
    space = space_by_code("04011440")
    people = SimpleNamespace(
        space=space,
        facilitator=make_user("fiona", password=PASSWORD, locale="en"),
        member=make_user("mia", password=PASSWORD, locale="en"),
    )
    for user, role in ((people.facilitator, "facilitator"), (people.member, "member")):
        session.add(SpaceMembership(space=space, user=user, role=role, party=None, status="active"))
    session.commit()
    people.agreement = agreement_with_versions(session, people)
    people.agreement_id = people.agreement.id
    return people


def test_follow_an_agreement_then_read_the_news_in_the_centre(
    new_page: Callable[..., Page], session, world: SimpleNamespace
) -> None:
    page = new_page()
    page.goto(f"/agreements/{world.agreement_id}")
    sign_in(page, "mia@test.example", PASSWORD)
    page.goto(f"/agreements/{world.agreement_id}")
    follow_box = page.locator(f"#follow-agreement-{world.agreement_id}")
    with page.expect_response(lambda response: "/follows/" in response.url) as followed:
        activate(page, follow_box.get_by_role("button", name="Follow this agreement"))
    assert followed.value.status == 200
    expect(follow_box.locator("[role=status]")).to_contain_text("You follow this agreement.")
    expect(follow_box.get_by_role("button")).to_have_text("Stop following")
    check_accessibility(page)

    # The facilitator publishes a version and opens the consultation: two notifications.
    session.rollback()
    versions.publish_version(session, world.facilitator, world.agreement_id, change_summary="Fassung 2")
    open_consultation(session, world, world.agreement)

    page.goto("/")
    header_link = page.locator("header").get_by_role("link", name=re.compile("^Notifications"))
    expect(header_link).to_have_text(re.compile(r"Notifications\s*2 unread"))
    with page.expect_navigation():
        activate(page, header_link)
    expect(page.locator("h1")).to_have_text("Notifications")
    items = page.locator("#notification-list li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("The consultation on “Teilhabe im Quartier” has opened")
    check_accessibility(page)

    with page.expect_response(lambda response: response.url.endswith("/read")) as read:
        activate(page, items.nth(1).get_by_role("button", name=re.compile("^Mark as read")))
    assert read.value.status == 200
    expect(header_link).to_have_text(re.compile(r"Notifications\s*1 unread"))
    expect(items.nth(1)).to_contain_text("Read")
    check_accessibility(page, "#notification-list")

    with page.expect_response(lambda response: response.url.endswith("/read-all")):
        activate(page, page.get_by_role("button", name="Mark all as read"))
    expect(page.locator("#notification-list [role=status]")).to_have_text(
        "All notifications are marked as read."
    )
    expect(header_link).to_have_text("Notifications")
    check_accessibility(page)


def test_the_unsubscribe_link_of_a_mail_stops_that_kind_of_mail_without_javascript(
    new_page: Callable[..., Page], session, world: SimpleNamespace
) -> None:
    from core.mail import OutboxMessage
    from tests.notify_data import comment, record

    note = comment(session, world.agreement, world.facilitator)
    record(
        session, world.facilitator, "comment.created", "comment", note.id, document_id=world.agreement_id,
        mentioned_user_ids=[world.member.id],
    )  # fmt: skip
    mailing.prepare_mail(session)
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "mia@test.example"))
    [link] = re.findall(r"https?://\S+/notifications/unsubscribe/\S+", mail.body)

    page = new_page(javascript=False)
    page.goto(urlsplit(link).path)
    expect(page.locator("h1")).to_have_text("Stop e-mails")
    expect(page.locator("main")).to_contain_text("Do you want to stop e-mails about “Someone mentions me”?")
    check_accessibility(page)
    assert submit_and_wait(page, page.get_by_role("button", name="Stop these e-mails")) == 200
    expect(page.locator("[role=status]")).to_contain_text(
        "You get no more e-mails about “Someone mentions me”."
    )
    check_accessibility(page)
    session.rollback()
    assert preferences.channels(session, world.member.id)[Kind.MENTION] == Channel.IN_APP

"""A reported comment is hidden by the space's facilitator with the keyboard only, with htmx and
without JavaScript, and the public moderation log shows the reason (axe on every page)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from governance.models import SpaceMembership
from tests.browser.conftest import (
    activate,
    check_accessibility,
    fill_by_keyboard,
    sign_in,
    submit_and_wait,
)
from tests.notify_data import comment, open_consultation, report
from tests.pages.agreement_helpers import agreement_with_versions

PASSWORD = "a long enough passphrase"


@pytest.fixture
def world(session, make_user, space_by_code) -> SimpleNamespace:
    space = space_by_code("04011440")
    people = SimpleNamespace(
        space=space,
        facilitator=make_user("fiona", password=PASSWORD, locale="en"),
        member=make_user("mia", password=PASSWORD, locale="en", pseudonym="Sonnenblume"),
        reporter=make_user("rita", password=PASSWORD, locale="en"),
    )
    for user, role in ((people.facilitator, "facilitator"), (people.member, "member")):
        session.add(SpaceMembership(space=space, user=user, role=role, party=None, status="active"))
    session.commit()
    agreement = agreement_with_versions(session, people)
    open_consultation(session, people, agreement)
    people.comment = comment(session, agreement, people.member, "Ihr seid alle **doof**.")
    report(session, people.comment, people.reporter, "Das ist beleidigend.")
    return SimpleNamespace(
        **vars(people), space_id=space.id, space_name=space.name, comment_id=people.comment.id
    )


def open_queue(page: Page, world: SimpleNamespace) -> None:
    page.goto(f"/spaces/{world.space_id}")
    sign_in(page, "fiona@test.example", PASSWORD)
    page.goto(f"/spaces/{world.space_id}")
    check_accessibility(page)
    with page.expect_navigation():
        activate(page, page.get_by_role("link", name="Moderation queue"))
    expect(page.locator("h1")).to_have_text(f"Moderation of {world.space_name}")
    expect(page.locator(f"#report-{world.comment_id}")).to_contain_text("Das ist beleidigend.")
    expect(page.locator(f"#report-{world.comment_id}")).to_contain_text("Comment by Sonnenblume")
    check_accessibility(page)


def read_log(page: Page, world: SimpleNamespace) -> None:
    with page.expect_navigation():
        activate(page, page.get_by_role("link", name=f"Public moderation log of {world.space_name}"))
    expect(page.locator("h1")).to_have_text(f"Moderation log of {world.space_name}")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Comment hidden")
    expect(row).to_contain_text("Insults other people")
    expect(page.locator("main")).not_to_contain_text("Rita")
    check_accessibility(page)


def test_a_facilitator_hides_a_reported_comment_by_keyboard_with_htmx(
    new_page: Callable[..., Page], world: SimpleNamespace
) -> None:
    page = new_page()
    open_queue(page, world)
    page.evaluate("() => { window.stillTheSamePage = true; }")
    fill_by_keyboard(page, f"#hide-{world.comment_id}-reason", "Insults other people")
    with page.expect_response(lambda response: "/hide" in response.url) as hidden:
        activate(page, page.get_by_role("button", name="Hide comment – Sonnenblume"))
    assert hidden.value.status == 200  # the fragment, not a redirect
    queue = page.locator("#moderation-queue")
    expect(queue.locator("[role=status]")).to_contain_text("The comment is hidden.")
    expect(queue).to_contain_text("No reports are waiting.")
    expect(page.locator(f"#hidden-{world.comment_id}")).to_contain_text("Insults other people")
    assert page.evaluate("() => window.stillTheSamePage === true")
    check_accessibility(page, "#moderation-queue")
    read_log(page, world)


def test_a_facilitator_hides_a_reported_comment_by_keyboard_without_javascript(
    new_page: Callable[..., Page], world: SimpleNamespace
) -> None:
    page = new_page(javascript=False)
    open_queue(page, world)
    # Without a reason the queue comes back with the problem named.
    assert submit_and_wait(page, page.get_by_role("button", name="Hide comment – Sonnenblume")) == 422
    expect(page.locator("#error-summary")).to_contain_text("Give a reason: it is shown publicly")
    check_accessibility(page)
    fill_by_keyboard(page, f"#hide-{world.comment_id}-reason", "Insults other people")
    assert submit_and_wait(page, page.get_by_role("button", name="Hide comment – Sonnenblume")) == 302
    expect(page.locator(".notifications")).to_contain_text("The comment is hidden.")
    check_accessibility(page)
    read_log(page, world)

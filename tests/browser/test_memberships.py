"""Joining a social space and accepting an invitation, by keyboard, with and without JavaScript.

Gröpelingen (code 04011440) has one facilitator, appointed by an administrator through the service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import (
    activate,
    check_accessibility,
    choose_option,
    choose_radio,
    fill_by_keyboard,
    is_focused,
    sign_in,
    sign_out,
    submit_and_wait,
    tab_to,
)

PASSWORD = "a long enough passphrase"
GROEPELINGEN = "04011440"


@dataclass
class Space:
    id: int
    name: str


@pytest.fixture
def groepelingen(session, make_user, space_by_code) -> Space:
    """Gröpelingen with Fiona as its facilitator."""
    from governance.services.memberships import appoint_facilitator

    admin = make_user("ada", admin=True, password=PASSWORD, locale="en")
    fiona = make_user("fiona", password=PASSWORD, locale="en")
    space = space_by_code(GROEPELINGEN)
    appoint_facilitator(session, admin, space_id=space.id, email=fiona.email)
    return Space(id=space.id, name=space.name)


def membership_of(session, space_id: int, email: str):
    from governance.models import SpaceMembership, User

    session.rollback()  # see what the live server committed
    return session.scalar(
        select(SpaceMembership)
        .join(User, User.id == SpaceMembership.user_id)
        .where(SpaceMembership.space_id == space_id, User.email == email)
    )


def test_join_a_space_and_the_facilitator_approves_with_javascript(
    new_page: Callable[..., Page], session, make_user, groepelingen: Space
) -> None:
    make_user("jonas", password=PASSWORD, pseudonym="Leuchtturm", locale="en")
    page = new_page()
    page.goto("/")
    sign_in(page, "jonas@test.example", PASSWORD)
    check_accessibility(page)

    # Find the space by its official code with the live search, then follow the result.
    with page.expect_navigation():
        activate(page, "header nav a[href='/spaces']")
    tab_to(page, "#q")
    page.keyboard.type(GROEPELINGEN)
    result = page.locator("#space-results li", has_text=f"code {GROEPELINGEN}").get_by_role("link")
    expect(result).to_have_text(groepelingen.name)
    check_accessibility(page, "#space-results")
    with page.expect_navigation():
        activate(page, result)
    expect(page.locator("h1")).to_contain_text(groepelingen.name)
    expect(page.locator("#space-membership")).to_contain_text("You are not a member of this social space.")
    check_accessibility(page)

    with page.expect_navigation():
        activate(page, page.get_by_role("link", name="Ask to join this social space"))
    expect(page.locator("h1")).to_have_text(f"Ask to join {groepelingen.name}")
    check_accessibility(page)

    # Sending without a party re-shows the form with the problem named; the message stays.
    fill_by_keyboard(page, "#message", "Ich wohne in Oslebshausen.")
    assert submit_and_wait(page, "main button:has-text('Send request')") == 422
    expect(page.locator("#error-summary")).to_contain_text("Choose the party you speak for")
    expect(page.locator("#message")).to_have_value("Ich wohne in Oslebshausen.")
    check_accessibility(page)

    choose_radio(page, "#party", "Civil society")
    assert submit_and_wait(page, "main button:has-text('Send request')") == 302
    expect(page.locator(".notifications")).to_contain_text("Your request has been sent.")
    expect(page.locator("#space-membership")).to_contain_text("waiting for a decision")
    check_accessibility(page)
    assert membership_of(session, groepelingen.id, "jonas@test.example").status == "requested"
    sign_out(page)

    # The facilitator approves on the space page; htmx swaps the list of requests in place.
    facilitator = new_page()
    facilitator.goto(f"/spaces/{groepelingen.id}")
    sign_in(facilitator, "fiona@test.example", PASSWORD)
    facilitator.goto(f"/spaces/{groepelingen.id}")
    requests = facilitator.locator("#pending-requests")
    expect(requests.locator("li")).to_have_count(1)
    expect(requests.locator("li h3")).to_have_text("Leuchtturm")  # the pseudonym, not the name
    expect(requests.get_by_label("Party")).to_have_value("civil_society")
    check_accessibility(facilitator)
    facilitator.evaluate("() => { window.stillTheSamePage = true; }")
    with facilitator.expect_response(lambda response: "/approve" in response.url) as approved:
        activate(facilitator, requests.get_by_role("button", name="Approve – Leuchtturm"))
    assert approved.value.status == 200  # the fragment, not a redirect
    expect(requests.locator("[role=status]")).to_have_text("Leuchtturm is now a member of the social space.")
    expect(requests.locator("li")).to_have_count(0)
    assert facilitator.evaluate("() => window.stillTheSamePage === true")
    check_accessibility(facilitator, "#pending-requests")
    check_accessibility(facilitator)

    membership = membership_of(session, groepelingen.id, "jonas@test.example")
    assert (membership.status, membership.role, membership.party) == ("active", "member", "civil_society")

    # Jonas now sees himself as a member.
    page.goto(f"/spaces/{groepelingen.id}")
    sign_in(page, "jonas@test.example", PASSWORD)
    page.goto(f"/spaces/{groepelingen.id}")
    expect(page.locator("#space-membership")).to_contain_text("You are a member of this social space.")
    check_accessibility(page)


def test_invite_by_mail_and_accept_after_registering_without_javascript(
    new_page: Callable[..., Page], session, groepelingen: Space
) -> None:
    from core.mail import OutboxMessage

    facilitator = new_page(javascript=False)
    facilitator.goto(f"/spaces/{groepelingen.id}")
    sign_in(facilitator, "fiona@test.example", PASSWORD)
    facilitator.goto(f"/spaces/{groepelingen.id}")
    check_accessibility(facilitator)
    with facilitator.expect_navigation():
        activate(
            facilitator, facilitator.locator("#space-membership").get_by_role("link", name="Invitations")
        )
    expect(facilitator.locator("h1")).to_have_text(f"Invitations to {groepelingen.name}")
    check_accessibility(facilitator)

    # A mistyped address comes back with the problem named and the other answers kept.
    fill_by_keyboard(facilitator, "#email", "nora@")
    choose_radio(facilitator, "#role", "Member")
    choose_option(facilitator, "#party", "Provider")
    assert submit_and_wait(facilitator, "main button:has-text('Send invitation')") == 422
    expect(facilitator.locator("#error-summary")).to_contain_text(
        "Enter an e-mail address in the right format"
    )
    expect(facilitator.locator("#email")).to_have_value("nora@")
    expect(facilitator.locator("#party")).to_have_value("provider")
    check_accessibility(facilitator)

    fill_by_keyboard(facilitator, "#email", "nora@example.org")
    assert submit_and_wait(facilitator, "main button:has-text('Send invitation')") == 302
    expect(facilitator.locator(".notifications")).to_contain_text(
        "The invitation has been sent to nora@example.org"
    )
    expect(facilitator.locator("#open-invitations tbody tr")).to_have_count(1)
    expect(facilitator.locator("#open-invitations tbody")).to_contain_text("nora@example.org")
    check_accessibility(facilitator)

    # The invitation mail waits in the outbox; its link carries the one-time token.
    session.rollback()
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "nora@example.org"))
    assert mail is not None
    links = re.findall(r"https?://\S+/invitations/\S+", mail.body)
    assert len(links) == 1, mail.body
    invitation_path = urlsplit(links[0]).path

    invitee = new_page(javascript=False)
    invitee.goto(invitation_path)
    expect(invitee.locator("h1")).to_have_text(f"Invitation to the social space {groepelingen.name}")
    expect(invitee.locator("main")).to_contain_text("Provider")
    check_accessibility(invitee)
    with invitee.expect_navigation():
        activate(invitee, invitee.locator("main").get_by_role("link", name="Create an account"))
    expect(invitee.locator("h1")).to_have_text("Create an account")
    check_accessibility(invitee)

    tab_to(invitee, "#display_name")
    invitee.keyboard.type("Nora Neumann")
    fill_by_keyboard(invitee, "#email", "nora@example.org")
    fill_by_keyboard(invitee, "#password", PASSWORD)
    fill_by_keyboard(invitee, "#password_confirm", PASSWORD)
    activate(invitee, "#accept_terms", key="Space")
    assert submit_and_wait(invitee, "main button[type=submit]") == 302

    # Back on the invitation, now signed in.
    assert urlsplit(invitee.url).path == invitation_path
    expect(invitee.locator(".notifications")).to_contain_text("Your account has been created")
    accept = invitee.get_by_role("button", name="Accept invitation")
    check_accessibility(invitee)
    tab_to(invitee, accept)
    assert is_focused(accept)
    assert submit_and_wait(invitee, accept) == 302
    assert urlsplit(invitee.url).path == f"/spaces/{groepelingen.id}"
    expect(invitee.locator(".notifications")).to_contain_text(
        f"Welcome to the social space {groepelingen.name}. You take part as: Provider."
    )
    expect(invitee.locator("#space-membership")).to_contain_text("You are a member of this social space.")
    check_accessibility(invitee)

    membership = membership_of(session, groepelingen.id, "nora@example.org")
    assert (membership.status, membership.role, membership.party) == ("active", "member", "provider")

    # The link works once: opening it again says so, in a page that passes axe too.
    invitee.goto(invitation_path)
    expect(invitee.locator("h1")).not_to_contain_text("Invitation to the social space")
    check_accessibility(invitee)

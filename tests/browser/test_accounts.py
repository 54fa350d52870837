"""Registering, signing in and out with the keyboard only, checked with axe-core on every page."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import (
    activate,
    check_accessibility,
    fill_by_keyboard,
    is_focused,
    submit_and_wait,
    tab_to,
)

PASSWORD = "a long enough passphrase"


def test_register_with_a_pseudonym_after_a_failed_attempt(page: Page, session) -> None:
    from governance.models import User

    page.goto("/")
    check_accessibility(page)
    activate(page, "header a[href='/register']")
    expect(page).to_have_url("/register")
    expect(page.locator("h1")).to_have_text("Create an account")
    check_accessibility(page)

    page.focus("#display_name")  # start of the form; everything else is tabbing and typing
    page.keyboard.type("Ada Example")
    fill_by_keyboard(page, "#pseudonym", "Sonnenschein")
    fill_by_keyboard(page, "#email", "ada@example.org")
    fill_by_keyboard(page, "#password", PASSWORD)
    fill_by_keyboard(page, "#password_confirm", "another passphrase!")
    activate(page, "#accept_terms", key="Space")
    assert page.locator("#accept_terms").is_checked()
    status = submit_and_wait(page, "main button[type=submit]")

    # The re-shown form names the problem, keeps what was typed, but not the passwords.
    assert status == 422
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The two passwords are not the same")
    expect(page).to_have_title("Error: Create an account – Raumrat")
    expect(page.locator("#display_name")).to_have_value("Ada Example")
    expect(page.locator("#pseudonym")).to_have_value("Sonnenschein")
    expect(page.locator("#email")).to_have_value("ada@example.org")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#password_confirm")).to_have_value("")
    expect(page.locator("#password_confirm")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    # The link in the error summary takes the keyboard to the field in question.
    activate(page, "#error-summary a[href='#password_confirm']")
    assert is_focused(page.locator("#password_confirm"))
    tab_to(page, "#password", backwards=True)
    page.keyboard.type(PASSWORD)
    fill_by_keyboard(page, "#password_confirm", PASSWORD)
    if not page.locator("#accept_terms").is_checked():
        activate(page, "#accept_terms", key="Space")
    status = submit_and_wait(page, "main button[type=submit]")

    assert status == 302
    # The browser keeps the #fragment of the error link across the redirect; the path is what counts.
    assert urlsplit(page.url).path == "/"
    expect(page.locator(".notifications")).to_contain_text("Your account has been created")
    # The account keeps the language the visitor was using.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Signed in: the header offers the account (under the pseudonym) and signing out.
    expect(page.locator("header")).to_contain_text("(Sonnenschein)")
    expect(page.locator("header button", has_text="Sign out")).to_be_visible()
    check_accessibility(page)

    session.rollback()
    user = session.scalar(select(User).where(User.email == "ada@example.org"))
    assert user is not None
    assert (user.display_name, user.pseudonym, user.locale) == ("Ada Example", "Sonnenschein", "en")


def test_sign_in_after_a_wrong_password_then_sign_out(page: Page, make_user) -> None:
    make_user("bertha", password=PASSWORD, locale="en")  # signing in switches to the account's language

    page.goto("/")
    activate(page, "header a[href='/login']")
    expect(page).to_have_url("/login")
    check_accessibility(page)

    fill_by_keyboard(page, "#email", "bertha@test.example")
    fill_by_keyboard(page, "#password", "not the password")
    status = submit_and_wait(page, "main button[type=submit]")

    assert status == 422
    expect(page.locator("#error-summary")).to_contain_text("The e-mail address or the password is not right.")
    expect(page.locator("#email")).to_have_value("bertha@test.example")
    expect(page.locator("#password")).to_have_value("")
    check_accessibility(page)

    fill_by_keyboard(page, "#password", PASSWORD)
    with page.expect_navigation(url="**/"):
        page.keyboard.press("Enter")  # Enter in a text field submits its form
    expect(page.locator(".notifications")).to_contain_text("You are signed in.")
    expect(page.locator("header")).to_contain_text("My account")
    check_accessibility(page)

    status = submit_and_wait(page, "header button:has-text('Sign out')")
    assert status == 302
    expect(page.locator(".notifications")).to_contain_text("You are signed out.")
    expect(page.locator("header a[href='/login']")).to_be_visible()
    expect(page.locator("header")).not_to_contain_text("My account")
    check_accessibility(page)

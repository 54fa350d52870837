"""The directory of social spaces by keyboard: skip link, live search with htmx, and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, is_focused, tab_to

SEARCH = "Gröpelingen"
FOUND = re.compile(r"^\d+ social spaces? found$")


def assert_groepelingen_results(page: Page) -> None:
    results = page.locator("#space-results")
    expect(results.locator("h2")).to_have_text(FOUND)
    items = results.locator("li")
    # The Stadtteil (code 04011440) and the Ortsteil of the same name, nothing unrelated.
    expect(items.filter(has_text="code 04011440")).to_have_count(1)
    expect(items.filter(has_text="code 04011442")).to_have_count(1)
    for text in items.all_inner_texts():
        assert SEARCH in text, f"unexpected search result: {text!r}"
    # The full tree of all units is gone.
    expect(results.locator("ul.tree")).to_have_count(0)


def test_skip_link_moves_the_focus_to_the_main_content(page: Page) -> None:
    page.goto("/spaces")
    check_accessibility(page)
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    assert is_focused(skip_link), "the skip link is not the first stop of the Tab key"
    expect(skip_link).to_be_visible()  # it shows itself when focused
    page.keyboard.press("Enter")
    assert is_focused(page.locator("main#main"))
    # The next Tab goes to the first control in the main content, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    assert is_focused(page.locator("#q"))


def test_live_search_updates_the_results_while_typing(page: Page) -> None:
    page.goto("/spaces")
    expect(page.locator("#space-results h2")).to_have_text("All units by level")
    # A mark on the window survives only if the results are swapped in place, without a page load.
    page.evaluate("() => { window.stillTheSamePage = true; }")

    tab_to(page, "#q")
    with page.expect_response(lambda response: response.request.headers.get("hx-request") == "true"):
        page.keyboard.type(SEARCH)
    assert_groepelingen_results(page)
    assert page.evaluate("() => window.stillTheSamePage === true")
    # htmx puts the search into the address, so the result can be bookmarked and reloaded.
    expect(page).to_have_url(re.compile(r"/spaces\?q="))
    assert parse_qs(urlsplit(page.url).query)["q"] == [SEARCH]
    assert is_focused(page.locator("#q")), "typing lost the focus when the results changed"
    check_accessibility(page, "#space-results")
    check_accessibility(page)

    # The bookmarked address shows the same results as a full page.
    page.reload()
    assert_groepelingen_results(page)
    check_accessibility(page)


def test_search_without_javascript_submits_the_form(new_page) -> None:
    page = new_page(javascript=False)
    page.goto("/spaces")
    check_accessibility(page)
    tab_to(page, "#q")
    page.keyboard.type(SEARCH)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == [SEARCH]
    assert_groepelingen_results(page)
    expect(page.locator("#q")).to_have_value(SEARCH)
    check_accessibility(page)

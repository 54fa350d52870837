"""Switching the interface language with the links in the header, by keyboard.

The German catalogue is built at the end of the project. Until
translations/de/LC_MESSAGES/messages.mo exists, German pages may still show English text, so this
test then checks the ``lang`` attribute and that the choice persists. As soon as the compiled
catalogue exists, it also checks that the heading shows the catalogue's German text.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, activate, check_accessibility

GERMAN_CATALOGUE = ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.mo"
HOME_HEADING = "Agreements for the social spaces of Bremen"
DIRECTORY_HEADING = "Social spaces"


def german(msgid: str, catalogue: Path = GERMAN_CATALOGUE) -> str | None:
    """The compiled German text for ``msgid``, or None while there is no German catalogue."""
    if not catalogue.exists():
        return None
    with catalogue.open("rb") as file:
        translated = gettext.GNUTranslations(file).gettext(msgid)
    assert translated != msgid, f"the German catalogue has no translation for {msgid!r}"
    return translated


def follow_language_link(page: Page, name: str) -> None:
    with page.expect_navigation():
        # The links name their language in that language; the navigation's own label is translated.
        activate(page, page.locator("header").get_by_role("link", name=name, exact=True))


def test_switching_to_german_and_back_persists_across_pages(page: Page) -> None:
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(HOME_HEADING)

    follow_language_link(page, "Deutsch")
    assert page.url.endswith("/")  # back on the page the visitor came from
    expect(html).to_have_attribute("lang", "de")
    expect(page.locator("header a[lang=de]")).to_have_attribute("aria-current", "true")
    if (heading := german(HOME_HEADING)) is not None:
        expect(page.locator("h1")).to_have_text(heading)
    check_accessibility(page)

    # The choice holds on the next page, although the browser still asks for English.
    with page.expect_navigation():
        activate(page, "header nav a[href='/spaces']")
    expect(html).to_have_attribute("lang", "de")
    if (heading := german(DIRECTORY_HEADING)) is not None:
        expect(page.locator("h1")).to_have_text(heading)
    check_accessibility(page)

    follow_language_link(page, "English")
    assert page.url.endswith("/spaces")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(DIRECTORY_HEADING)
    expect(page.locator("header a[lang=en]")).to_have_attribute("aria-current", "true")
    check_accessibility(page)

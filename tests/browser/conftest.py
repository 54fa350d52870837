"""Browser tests: Debian's Chromium driven by Playwright, axe-core checking WCAG 2.1 A/AA.

The app from ``tests/conftest.py`` (same database as the rest of the run) is served by werkzeug on
127.0.0.1 with a free port. CSRF protection is on while a browser test runs, because the browser
sends real tokens. Every test here carries the ``browser`` marker (``-m "not browser"`` skips them).

axe-core is injected with ``page.evaluate(source)``: ``add_script_tag`` inserts an inline script,
which our strict Content-Security-Policy (rightly) blocks, and bypassing the CSP would hide real CSP
violations, which these tests report as failures.
"""

from __future__ import annotations

import functools
import json
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Route,
    sync_playwright,
)
from werkzeug.serving import make_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_TABS = 80
TIMEOUT_MS = 10_000
# For each context opened with JavaScript disabled, the scripted page on which axe checks copies of its pages.
_AXE_CHECKERS: weakref.WeakKeyDictionary[BrowserContext, Page] = weakref.WeakKeyDictionary()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A conftest's hook sees every collected item, so mark only the ones in this directory.
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- server and browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def live_server(app: Flask, _live_server: str) -> Iterator[str]:
    """Base URL of the running app, with CSRF protection switched on for this test."""
    previous = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield _live_server
    finally:
        app.config["WTF_CSRF_ENABLED"] = previous


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./scripts/run-tests does it)")
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` (./scripts/run-tests does it)")
    # launch() gives every run a fresh temporary profile (--user-data-dir) and removes it afterwards.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """Content-Security-Policy violations and uncaught script errors seen in a context's pages."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: script error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.messages.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own cookies); ``javascript=False`` for the no-JS path.

    Contexts ask for English so that texts are predictable; the language test switches itself.
    """
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    def open_page(*, javascript: bool = True, locale: str = "en-GB") -> Page:
        context = browser.new_context(base_url=live_server, java_script_enabled=javascript, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", problems.watch)
        contexts.append(context)
        if not javascript:
            checker = browser.new_context(base_url=live_server, locale=locale)
            contexts.append(checker)
            _AXE_CHECKERS[context] = checker.new_page()
        page = context.new_page()
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems.messages, "problems in the browser:\n" + "\n".join(problems.messages)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


# --- accessibility -----------------------------------------------------------------------------


def _axe_page(page: Page) -> Page:
    """A page on which axe can run: the page itself, or a scripted copy of a no-JS page.

    With JavaScript disabled axe loads but never finishes, so the exact HTML the no-JS user got
    is served again to a scripted page at the same URL (styles load from the live server).
    """
    checker = _AXE_CHECKERS.get(page.context)
    if checker is None:
        return page
    html = page.content()

    def serve_copy(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    checker.route(page.url, serve_copy)
    try:
        checker.goto(page.url)
    finally:
        checker.unroute(page.url, serve_copy)
    return checker


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@functools.cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def check_accessibility(page: Page, scope: str | None = None) -> None:
    """Run axe-core on the page as it is now (optionally only inside ``scope``) and fail on violations."""
    target = _axe_page(page)
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.evaluate(_axe_source())
    violations = target.evaluate(
        """async ([scope, tags]) => {
            const context = scope ? document.querySelector(scope) : document;
            if (!context) throw new Error('no element matches ' + scope);
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            return (await axe.run(context, options)).violations;
        }""",
        [scope, WCAG_TAGS],
    )
    if violations:
        where = page.url + (f" (inside {scope})" if scope else "")
        raise AssertionError(format_violations(where, violations))


# --- keyboard ----------------------------------------------------------------------------------


def is_focused(locator: Locator) -> bool:
    """Whether the focus is on the element (or on one of the elements) ``locator`` matches."""
    return bool(locator.evaluate_all("elements => elements.includes(document.activeElement)"))


def tab_to(page: Page, locator: Locator | str, *, backwards: bool = False) -> Locator:
    """Press Tab (or Shift+Tab) until ``locator`` has the focus; fail after MAX_TABS presses.

    If ``locator`` matches several elements (the radios of a group), any of them will do.
    """
    target = page.locator(locator) if isinstance(locator, str) else locator
    target.first.wait_for(state="attached")
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if is_focused(target):
            return target
        page.keyboard.press(key)
    if is_focused(target):
        return target
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{target} never got the focus with {key} (last focus: {focused})")


def activate(page: Page, locator: Locator | str, key: str = "Enter") -> None:
    """Tab to an element and press Enter (links, buttons) or Space (checkboxes, radios)."""
    tab_to(page, locator)
    page.keyboard.press(key)


def fill_by_keyboard(page: Page, locator: Locator | str, text: str) -> None:
    """Tab into a field, clear what is there with the keyboard and type ``text``."""
    tab_to(page, locator)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def submit_and_wait(page: Page, button: Locator | str) -> int:
    """Press Enter on a form's submit button and wait for the next page; return the POST's status."""
    with page.expect_navigation(), page.expect_response(lambda r: r.request.method == "POST") as response:
        activate(page, button)
    return response.value.status


def choose_radio(page: Page, group: str, label: str) -> None:
    """Tab into a radio group and move with the arrow keys until the option ``label`` is chosen."""
    radios = page.locator(f"{group} input[type=radio]")
    target = page.locator(group).get_by_label(label, exact=True)
    tab_to(page, radios)  # Tab lands on the chosen radio, or on the first when none is chosen
    if not page.evaluate("() => document.activeElement.checked"):
        page.keyboard.press("Space")
    for _ in range(radios.count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert target.is_checked(), f"could not choose {label!r} in {group}"


def choose_option(page: Page, select: str, label: str) -> None:
    """Tab to a select and step through its options with the arrow keys until ``label`` is selected."""
    field = tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(field.locator("option").count()):
        if field.evaluate("element => element.selectedOptions[0].textContent.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {select}")


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the header link and the form, by keyboard."""
    with page.expect_navigation():
        activate(page, "header a[href^='/login']")
    fill_by_keyboard(page, "#email", email)
    fill_by_keyboard(page, "#password", password)
    assert submit_and_wait(page, "main button[type=submit]") == 302, "signing in failed"


def sign_out(page: Page) -> None:
    assert submit_and_wait(page, "header button:has-text('Sign out')") == 302

"""Comments in the browser, checked with axe-core on every page: a member comments on a section with
the keyboard only, replies, changes the comment and reads its history; another reports it; the
same without JavaScript; and hostile input in every text field renders as text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from participation.models import Comment, CommentReport, Statement
from participation.services import comments, statements
from participation.services.comments import Target
from tests import participation_data as data
from tests.browser.conftest import (
    activate,
    check_accessibility,
    fill_by_keyboard,
    sign_in,
    sign_out,
    submit_and_wait,
)


@pytest.fixture
def people(session, make_user, space_by_code) -> data.People:
    return data.make_people(session, make_user, space_by_code)


@pytest.fixture
def agreement(session, people):
    return data.agreement(session, people)


def test_a_member_comments_on_a_section_replies_edits_and_another_reports_by_keyboard(
    new_page: Callable[..., Page], session, people, agreement
) -> None:
    key = data.section_keys(agreement)[1]
    page = new_page()
    page.goto(f"/agreements/{agreement.id}/versions/1")
    sign_in(page, "mia@test.example", data.PASSWORD)
    page.goto(f"/agreements/{agreement.id}/versions/1")
    check_accessibility(page)

    # From the section in the version to its thread.
    with page.expect_navigation():
        activate(page, f"a[href$='/sections/{key}/comments']")
    expect(page.locator("h1")).to_have_text("Comments on “Beratung” (version 1)")
    check_accessibility(page)

    # A comment with htmx: the thread is swapped in place, the focus stays on the page.
    fill_by_keyboard(page, "#body", "Montags reicht nicht, bitte auch **donnerstags**.")
    activate(page, "button:has-text('Publish comment')")
    thread = page.locator(f"#comments-v1-{key}")
    expect(thread.locator(".notification")).to_have_text("Your comment has been published.")
    expect(thread.locator(".comment__body strong")).to_have_text("donnerstags")
    check_accessibility(page)
    comment = session.query(Comment).one()
    assert (comment.section_key, comment.party) == (key, "beneficiary")

    # A reply on its own page (works the same without JavaScript).
    with page.expect_navigation():
        activate(page, f"a[href='/comments/{comment.id}/reply']")
    check_accessibility(page)
    fill_by_keyboard(page, "#body", "Und samstags für Berufstätige.")
    assert submit_and_wait(page, "button:has-text('Publish reply')") == 302
    expect(page.locator(".comment-list--replies .comment__body")).to_have_text(
        "Und samstags für Berufstätige."
    )
    check_accessibility(page)

    # Changing the comment keeps the earlier text visible in the history.
    with page.expect_navigation():
        activate(page, f"a[href='/comments/{comment.id}/edit']")
    check_accessibility(page)
    fill_by_keyboard(page, "#body", "Montags reicht nicht, bitte auch donnerstags und freitags.")
    assert submit_and_wait(page, "button:has-text('Save the changed comment')") == 302
    with page.expect_navigation():
        activate(page, f"a[href='/comments/{comment.id}/history']")
    expect(page.locator("main")).to_contain_text(
        "Montags reicht nicht, bitte auch **donnerstags**.".replace("**", "")
    )
    check_accessibility(page)
    sign_out(page)

    # Another person reports it: a reason is required.
    page.goto(f"/agreements/{agreement.id}/versions/1/sections/{key}/comments")
    sign_in(page, "anna@test.example", data.PASSWORD)
    page.goto(f"/agreements/{agreement.id}/versions/1/sections/{key}/comments")
    with page.expect_navigation():
        activate(page, f"a[href='/comments/{comment.id}/report']")
    check_accessibility(page)
    assert submit_and_wait(page, "button:has-text('Send the report')") == 422
    expect(page.locator(".error-summary")).to_contain_text("Give a reason")
    check_accessibility(page)
    fill_by_keyboard(page, "#reason", "Das ist eine Tatsachenbehauptung ohne Beleg.")
    assert submit_and_wait(page, "button:has-text('Send the report')") == 302
    expect(page.locator(".notifications")).to_contain_text("The moderators of the social space will look")
    assert session.query(CommentReport).one().reason == "Das ist eine Tatsachenbehauptung ohne Beleg."

    # Support with the keyboard: the count per party changes in place.
    support = page.locator(f"#support-comment-{comment.id}")
    activate(page, support.locator("button"))
    expect(support.locator(".support__count")).to_have_text("1 supporter: Advocacy groups 1")
    expect(support.locator("button")).to_have_attribute("aria-pressed", "true")
    check_accessibility(page)


def test_commenting_on_the_agreement_page_without_javascript(
    new_page: Callable[..., Page], session, people, agreement
) -> None:
    page = new_page(javascript=False)
    page.goto(f"/agreements/{agreement.id}")
    expect(page.locator(".participation__closed")).to_contain_text("Sign in to comment.")
    sign_in(page, "mia@test.example", data.PASSWORD)
    page.goto(f"/agreements/{agreement.id}")
    # The browser stops typing at the limit; a browser that ignores maxlength gets a clear error.
    expect(page.locator("#body")).to_have_attribute("maxlength", "10000")
    page.locator("#body").evaluate("field => field.removeAttribute('maxlength')")
    page.fill("#body", "x" * 10_001)
    assert submit_and_wait(page, "button:has-text('Publish comment')") == 422
    expect(page.locator("#comments .error-summary")).to_contain_text(
        "This is too long: at most 10000 characters"
    )
    check_accessibility(page)
    page.fill("#body", "Ohne JavaScript geschrieben.")
    page.check("#as_pseudonym")
    assert submit_and_wait(page, "button:has-text('Publish comment')") == 302
    expect(page.locator(".notifications")).to_contain_text("Your comment has been published.")
    expect(page.locator(".comment__meta").first).to_contain_text("Sonnenblume")
    expect(page.locator(".comment__meta").first).not_to_contain_text("Beneficiary")
    check_accessibility(page)


# --- hostile input ------------------------------------------------------------------------------------

XSS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')><script>alert('svgscript')</script></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<details open ontoggle=alert('details')>x</details>",
    "<a href=\"javascript:alert('a')\">klick</a>",
    "[markdown](javascript:alert('md'))",
    "[mixed case](JaVaScRiPt:alert('case'))",
    "[entity](&#106;avascript:alert('entity'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)",
    "![bild](x\" onerror=\"alert('mdimg'))",
    "<javascript:alert('autolink')>",
    "\"><script>alert('attr')</script>",
    "'><svg/onload=alert('quote')>",
    "{{ 7*7 }} {% raw %}",
    "\u202e<script>alert('rtl')</script>\u200b",
    "[ｊａｖａｓｃｒｉｐｔ](ｊａｖａｓｃｒｉｐｔ:alert('wide'))",
    "<style>body{display:none}</style><p style=\"x:expression(alert('css'))\">css</p>",
    "[ref]\n\n[ref]: javascript:alert('ref')",
]
INJECTED = """() => Array.from(document.querySelectorAll(
  'main script, main iframe, main svg, main img, main style, main [onerror], main [onload], ' +
  'main [ontoggle], main [style], main a[href^="javascript" i], main a[href^="data" i], main details[open]'
)).map(element => element.outerHTML.slice(0, 120))"""


def watch_dialogs(page: Page) -> list[str]:
    fired: list[str] = []

    def dismiss(dialog) -> None:
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return fired


def assert_inert(page: Page, fired: list[str]) -> None:
    page.wait_for_load_state("load")
    assert fired == [], f"a dialog opened on {page.url}: {fired}"
    assert page.evaluate(INJECTED) == [], page.url
    assert page.evaluate("() => document.title") != "" and page.locator("main").is_visible()


def test_hostile_input_in_every_text_field_renders_as_text(
    new_page: Callable[..., Page], session, people, agreement
) -> None:
    key = data.section_keys(agreement)[0]
    amendment = data.amendment(session, agreement, people.advocate)
    for payload in XSS:
        first = comments.post_comment(session, people.member, agreement.id, payload)
        comments.post_comment(session, people.advocate, agreement.id, payload, parent_id=first.id)
        comments.post_comment(session, people.member, agreement.id, payload, target=Target(1, key))
        comments.post_comment(
            session, people.member, agreement.id, payload, target=Target(amendment_id=amendment.id)
        )
        statements.publish_statement(session, people.advocate, agreement.id, people.organisation.id, payload)
    edited = session.query(Comment).first()
    comments.edit_comment(session, people.member, edited.id, XSS[1], base_revision=1)
    assert session.query(Statement).count() == len(XSS)

    page = new_page()
    fired = watch_dialogs(page)
    page.goto(f"/agreements/{agreement.id}")
    sign_in(page, "fritz@test.example", data.PASSWORD)
    for path in [
        f"/agreements/{agreement.id}",
        f"/agreements/{agreement.id}/comments",
        f"/agreements/{agreement.id}/versions/1/sections/{key}/comments",
        f"/agreements/{agreement.id}/amendments/{amendment.id}/comments",
        f"/comments/{edited.id}/history",
        f"/comments/{edited.id}/reply",
        f"/agreements/{agreement.id}/consultation-report",
    ]:
        page.goto(path)
        assert_inert(page, fired)
        if path.endswith(("consultation-report", "/comments")):
            check_accessibility(page)
    # The texts are there, as text.
    page.goto(f"/agreements/{agreement.id}/comments")
    expect(page.locator(".comment__body", has_text="alert('script')").first).to_be_visible()
    expect(page.locator(".comment__body", has_text="{{ 7*7 }}").first).to_be_visible()

    # Typed into the forms: the comment form (htmx), the report form and the statement form, each
    # also re-shown with an error so the typed text comes back inside the form.
    page.goto(f"/agreements/{agreement.id}")
    for payload in XSS[:6]:
        before = session.query(Comment).count()
        page.fill("#body", payload)
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.click("button:has-text('Publish comment')")
        assert posted.value.status == 200
        session.expire_all()
        assert session.query(Comment).count() == before + 1
        expect(page.locator("#comments .notification")).to_have_text("Your comment has been published.")
        expect(page.locator("#body")).to_have_value("")
        assert_inert(page, fired)
    page.locator("#body").evaluate("field => field.removeAttribute('maxlength')")
    page.fill("#body", XSS[0] + "x" * 10_001)
    page.click("button:has-text('Publish comment')")
    expect(page.locator("#comments .error-summary")).to_contain_text("This is too long")
    assert_inert(page, fired)
    sign_out(page)

    sign_in(page, "otto@test.example", data.PASSWORD)
    victim = session.query(Comment).filter(Comment.author_id == people.member.id).first()
    for payload in XSS:
        page.goto(f"/comments/{victim.id}/report")
        page.locator("#reason").evaluate("field => field.removeAttribute('maxlength')")
        page.fill("#reason", payload + "x" * 2_001)
        assert submit_and_wait(page, "button:has-text('Send the report')") == 422
        expect(page.locator("#reason")).to_have_value(payload + "x" * 2_001)
        assert_inert(page, fired)
    page.fill("#reason", XSS[1])
    assert submit_and_wait(page, "button:has-text('Send the report')") == 302
    assert session.query(CommentReport).one().reason == XSS[1]
    sign_out(page)

    sign_in(page, "anna@test.example", data.PASSWORD)
    page.goto(f"/agreements/{agreement.id}/statements/new")
    page.locator("#body").evaluate("field => field.removeAttribute('maxlength')")
    page.fill("#body", XSS[2] + "x" * 20_001)
    assert submit_and_wait(page, "button:has-text('Publish the statement')") == 422
    assert_inert(page, fired)
    page.fill("#body", XSS[5])
    assert submit_and_wait(page, "button:has-text('Publish the statement')") == 302
    assert_inert(page, fired)
    check_accessibility(page)

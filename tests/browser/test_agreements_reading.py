"""Reading agreements in the browser: comparing published versions, and an anonymous visitor who
reads a published agreement and its version permalink, opening the plain-language text by keyboard.

The agreements are written and published through the services; the pages are what is tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from tests.browser.conftest import activate, check_accessibility, sign_in, tab_to

PASSWORD = "a long enough passphrase"
GROEPELINGEN = "04011440"
TITLE = "Beratung im Quartier"
PLAIN = "Sie können montags zur Beratung kommen. Die Beratung kostet nichts."


@dataclass
class Space:
    id: int
    name: str


@dataclass
class People:
    facilitator: object
    member: object


@pytest.fixture
def space(space_by_code) -> Space:
    found = space_by_code(GROEPELINGEN)
    return Space(id=found.id, name=found.name)


@pytest.fixture
def people(session, make_user, space: Space) -> People:
    """Fiona facilitates Gröpelingen; Jonas speaks there for the beneficiaries."""
    from governance.models import SpaceMembership
    from governance.services.memberships import appoint_facilitator

    admin = make_user("ada", admin=True, password=PASSWORD, locale="en")
    fiona = make_user("fiona", password=PASSWORD, locale="en")
    jonas = make_user("jonas", password=PASSWORD, locale="en")
    appoint_facilitator(session, admin, space_id=space.id, email=fiona.email)
    session.add(
        SpaceMembership(
            space_id=space.id, user_id=jonas.id, role="member", party="beneficiary", status="active"
        )
    )
    session.commit()
    return People(facilitator=fiona, member=jonas)


def counselling(body: str, plain: str = PLAIN) -> SectionContent:
    return SectionContent(kind="rule", title="Beratung", body=body, plain_language=plain)


def agreement_with_versions(session, people: People, space: Space, bodies: list[str]) -> tuple[int, str]:
    """An agreement whose one section had each of ``bodies`` in turn, each published as a version."""
    agreement = drafts.create_agreement(session, people.facilitator, space_id=space.id, title=TITLE)
    section = drafts.add_section(session, people.facilitator, agreement.id, counselling(bodies[0]))
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Erste Fassung")
    for number, body in enumerate(bodies[1:], start=2):
        before = counselling(section.body)
        drafts.update_section(
            session,
            people.facilitator,
            agreement.id,
            section.key,
            base_revision=section.revision,
            base=before,
            mine=counselling(body),
        )
        session.refresh(section)
        versions.publish_version(
            session, people.facilitator, agreement.id, change_summary=f"Fassung {number}"
        )
    return agreement.id, section.key


# --- comparing versions ----------------------------------------------------------------------------


def test_a_member_compares_two_versions_inline_and_side_by_side(
    new_page: Callable[..., Page], session, people: People, space: Space
) -> None:
    document_id, _ = agreement_with_versions(
        session,
        people,
        space,
        [
            "Die Beratung findet montags im Stadtteilhaus statt.",
            "Die Beratung findet montags und donnerstags im Stadtteilhaus statt.",
            "Die Beratung findet montags und donnerstags im Nachbarschaftshaus statt.",
        ],
    )
    drafts.add_section(
        session,
        people.facilitator,
        document_id,
        SectionContent(kind="financing", title="Kosten", body="Die Stadtgemeinde trägt die Kosten."),
    )
    versions.publish_version(session, people.facilitator, document_id, change_summary="Kosten ergänzt")

    page = new_page()
    page.goto(f"/agreements/{document_id}")
    sign_in(page, "jonas@test.example", PASSWORD)
    page.goto(f"/agreements/{document_id}")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#compare-from")).to_have_value("3")  # the two newest are proposed
    expect(page.locator("#compare-to")).to_have_value("4")
    check_accessibility(page)

    # Version 1 against version 4: one section changed (words in and out), one added.
    page.select_option("#compare-from", label="Version 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    assert parse_qs(urlsplit(page.url).query) == {"from": ["1"], "to": ["4"]}
    expect(page.locator("h1")).to_have_text(f"Compare versions of “{TITLE}”")
    expect(page.locator(".diff-summary")).to_have_text("1 section changed, 1 added, 0 removed, 0 moved.")
    changed = page.locator("section.diff-section--changed")
    expect(changed.locator("h2")).to_contain_text("Beratung")
    expect(changed.locator("ins", has_text="donnerstags")).to_have_count(1)
    expect(changed.locator("ins", has_text="Nachbarschaftshaus")).to_have_count(1)
    expect(changed.locator("del", has_text="Stadtteilhaus")).to_have_count(1)
    expect(changed.locator("del", has_text="Stadtteilhaus")).to_contain_text("deleted:")  # for screen readers
    added = page.locator("section.diff-section--added")
    expect(added.locator("h2")).to_contain_text("Kosten")
    expect(added.locator(".change-tag")).to_have_text("Added")
    expect(added.locator("ins", has_text="Die Stadtgemeinde trägt die Kosten.")).to_have_count(1)
    check_accessibility(page)

    # Side by side: the old text with its deletions left, the new one with its insertions right.
    with page.expect_navigation():
        page.get_by_role("link", name="Show side by side").click()
    expect(page.get_by_text("Side by side", exact=True)).to_have_attribute("aria-current", "true")
    table = page.locator("table.diff-table")
    expect(table.locator("thead th")).to_have_text(["Version 1", "Version 4"])
    row = table.locator("tbody", has_text="Beratung").locator("tr").nth(1)
    old, new = row.locator("td").nth(0), row.locator("td").nth(1)
    expect(old.locator("del", has_text="Stadtteilhaus")).to_have_count(1)
    expect(old.locator("ins")).to_have_count(0)
    expect(new.locator("ins", has_text="Nachbarschaftshaus")).to_have_count(1)
    expect(new.locator("del")).to_have_count(0)
    expect(table.locator("tbody", has_text="Kosten")).to_contain_text("(not in this version)")
    check_accessibility(page)

    # The same version twice is refused with the problem named, on a page that passes axe too.
    page.select_option("#compare-from", label="Version 4")
    with page.expect_navigation(), page.expect_response(lambda r: "/compare?" in r.url) as response:
        page.get_by_role("button", name="Compare").click()
    assert response.value.status == 400
    expect(page).to_have_title(f"Error: Compare versions of “{TITLE}” – Raumrat")
    expect(page.locator("#error-summary")).to_contain_text("Choose two different versions.")
    expect(page.locator("#compare-from")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#compare-from")).to_have_value("4")
    check_accessibility(page)


# --- an anonymous visitor reads a published agreement ----------------------------------------------


def publish_for_everybody(session, people: People, document_id: int, status: str) -> None:
    facilitator = people.facilitator
    if status == "consultation":
        lifecycle.change_status(
            session,
            facilitator,
            document_id,
            "open_consultation",
            consultation_starts_on=dt.date(2026, 3, 1),
            consultation_ends_on=dt.date(2026, 3, 31),
            consultation_audience="registered",
        )
        return
    for step in ("start_negotiation", "put_to_vote"):
        lifecycle.change_status(session, facilitator, document_id, step)
    lifecycle.change_status(session, facilitator, document_id, "adopt", in_force_from=dt.date(2026, 4, 1))


def open_plain_language(page: Page, key: str) -> None:
    """Tab to the plain-language summary of a section, open it with the keyboard and check the page."""
    details = page.locator(f"#text-{key} details.plain-language")
    expect(details).not_to_have_attribute("open", "")
    expect(details.get_by_text(PLAIN)).to_be_hidden()
    summary = details.locator("summary")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(details.get_by_text(PLAIN)).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize(("status", "label"), [("adopted", "Adopted"), ("consultation", "Consultation")])
def test_an_anonymous_visitor_reads_a_published_agreement_and_its_version(
    new_page: Callable[..., Page], session, people: People, space: Space, status: str, label: str
) -> None:
    from core import pagecache

    body = "Die Beratung findet montags im Stadtteilhaus statt."
    document_id, key = agreement_with_versions(session, people, space, [body])
    publish_for_everybody(session, people, document_id, status)
    drafts.create_agreement(session, people.facilitator, space_id=space.id, title="Noch geheimer Entwurf")
    pagecache.clear()  # pages of earlier tests may share this path and data version

    page = new_page()
    page.goto(f"/spaces/{space.id}/agreements")
    expect(page.locator("h1")).to_have_text(f"Agreements of {space.name}")
    expect(page.locator("main tbody tr")).to_have_count(1)  # not the draft
    check_accessibility(page)
    with page.expect_navigation():
        activate(page, page.get_by_role("link", name=TITLE))
    expect(page).to_have_url(f"/agreements/{document_id}")
    expect(page.locator("header")).to_contain_text("Sign in")  # nobody signed in
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".status-line .tag")).to_have_text(label)
    if status == "consultation":
        expect(page.locator("main dl")).to_contain_text("March 1, 2026 to March 31, 2026")
    else:
        expect(page.locator("main dl time[datetime='2026-04-01']")).to_have_count(1)
    expect(page.locator(f"#text-{key}")).to_contain_text(body)
    expect(page.get_by_role("link", name="See the working draft")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    check_accessibility(page)
    open_plain_language(page, key)

    # Plain language beside the binding text, for those who want both at once.
    with page.expect_navigation():
        activate(page, page.get_by_role("link", name="Show plain language beside the binding text"))
    expect(page.locator(f"#text-{key} .plain-side-by-side .plain-language")).to_contain_text(PLAIN)
    check_accessibility(page)

    # The version's permanent address, from the list of versions.
    with page.expect_navigation():
        activate(page, page.locator("main table").get_by_role("link", name="Version 1"))
    expect(page).to_have_url(f"/agreements/{document_id}/versions/1")
    expect(page.locator("h1")).to_have_text(f"{TITLE} – version 1")
    expect(page.locator("main")).to_contain_text("Erste Fassung")
    expect(page.locator(f"#text-{key}")).to_contain_text(body)
    check_accessibility(page)
    open_plain_language(page, key)

    # The working draft stays with the members: the visitor is asked to sign in.
    with page.expect_response(lambda r: r.url.endswith(f"/agreements/{document_id}/draft")) as response:
        page.goto(f"/agreements/{document_id}/draft")
    assert response.value.status == 302
    assert urlsplit(page.url).path == "/login"
    check_accessibility(page)

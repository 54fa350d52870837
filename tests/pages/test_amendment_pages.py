"""Amendment pages without JavaScript (plain forms, post/redirect/get) and their htmx fragments."""

from __future__ import annotations

import re

import pytest

from agreements.services import versions
from amendments.services import amendments
from tests.amendments_data import MEETINGS, draft_section, edit_draft, negotiated_agreement, propose_change
from tests.pages.agreement_helpers import text, without_tags

pytestmark = pytest.mark.usefixtures("english")

WEEKLY = "Der Runde Tisch trifft sich wöchentlich im Bürgerhaus."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def setting(session, make_user, space_by_code):
    return negotiated_agreement(session, make_user, space_by_code)


@pytest.fixture
def as_role(client, login, setting):
    def sign_in(role: str):
        user = setting.people.role(role)
        if user is not None:
            login(user)
        return client

    return sign_in


def test_a_member_proposes_a_change_in_two_steps_and_sees_the_word_diff(setting, as_role) -> None:
    client = as_role("member")
    agreement = setting.agreement
    page = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "No amendments have been proposed yet." in page and "Propose an amendment" in page
    step_one = client.get(f"/agreements/{agreement.id}/amendments/new")
    assert step_one.status_code == 200 and "What do you want to propose?" in text(step_one)
    step_two = client.get(
        f"/agreements/{agreement.id}/amendments/new",
        query_string={"kind": "change", "section": setting.rule_key},
    )
    assert step_two.status_code == 200
    assert MEETINGS in text(step_two)  # the form starts from the section's text
    response = client.post(
        f"/agreements/{agreement.id}/amendments/new",
        data={"kind": "change", "section": setting.rule_key, "base_version": "1", "title": "Treffen",
              "body": WEEKLY, "rationale": "Monatlich ist zu selten."},
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/agreements/{agreement.id}/amendments/1"
    )
    shown = client.get(response.headers["Location"])
    html = text(shown)
    assert "Your amendment A 1 has been proposed." in html
    assert re.search(r"<del>.*monatlich</del>", html) and re.search(r"<ins>.*wöchentlich</ins>", html)
    words = without_tags(html)
    assert "Proposed by Mia, for: Beneficiaries" in words
    assert "State: Open" in words
    assert "Withdraw my amendment" in words and "Accept and merge" not in words
    panel = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "1 amendment has been proposed." in panel and "1 word removed, 1 added" in panel


def test_a_proposal_without_rationale_keeps_what_was_typed(setting, as_role) -> None:
    client = as_role("member")
    response = client.post(
        f"/agreements/{setting.agreement.id}/amendments/new",
        data={"kind": "change", "section": setting.rule_key, "base_version": "1", "title": "Treffen",
              "body": "Ganz neuer Text <script>alert(1)</script>", "rationale": ""},
    )  # fmt: skip
    assert response.status_code == 422
    html = text(response)
    assert "Say why you propose this" in html and "There is a problem" in html
    assert "Ganz neuer Text &lt;script&gt;" in html and "<script>alert" not in html


def test_step_one_without_a_section_for_a_change_asks_for_one(setting, as_role) -> None:
    client = as_role("member")
    response = client.get(
        f"/agreements/{setting.agreement.id}/amendments/new", query_string={"kind": "change"}
    )
    assert response.status_code == 422
    assert "Choose the section you want to change or remove" in text(response)


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer"])
def test_who_cannot_propose_gets_no_form(setting, as_role, role) -> None:
    response = as_role(role).get(f"/agreements/{setting.agreement.id}/amendments/new")
    assert response.status_code in (302, 403, 404)


def test_the_facilitator_accepts_a_clean_amendment_without_javascript(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    client = as_role("facilitator")
    page = without_tags(text(client.get(f"/agreements/{setting.agreement.id}/amendments/1")))
    assert "Accepting puts the new text into the working draft." in page
    response = client.post(f"/agreements/{setting.agreement.id}/amendments/1/accept")
    assert response.status_code == 302
    shown = without_tags(text(client.get(response.headers["Location"])))
    assert "merged into the working draft" in shown and "State: Merged into the draft" in shown
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == WEEKLY
    # The next version lists it, and the amendment links to that version.
    versions.publish_version(session, setting.people.facilitator, setting.agreement.id, change_summary="A 1")
    version_page = text(client.get(f"/agreements/{setting.agreement.id}/versions/2"))
    assert "Amendments merged into this version" in version_page
    assert f"/agreements/{setting.agreement.id}/amendments/1" in version_page
    assert f"/agreements/{setting.agreement.id}/versions/2" in text(
        client.get(f"/agreements/{setting.agreement.id}/amendments/1")
    )


def test_a_conflict_leads_to_the_resolution_view_and_nothing_is_lost(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    client = as_role("facilitator")
    response = client.post(f"/agreements/{setting.agreement.id}/amendments/1/accept")
    assert response.status_code == 302 and response.headers["Location"].endswith("/amendments/1/resolve")
    view = text(client.get(response.headers["Location"]))
    assert "wöchentlich" in view and "vierteljährlich" in view
    revision = re.search(r'name="draft_revision" value="(\d+)"', view).group(1)
    # No choice: 422, nothing changes.
    missing = client.post(response.headers["Location"], data={"draft_revision": revision})
    assert missing.status_code == 422 and "Choose what the text should say here" in text(missing)
    done = client.post(
        response.headers["Location"],
        data={"draft_revision": revision, "body-0-choice": "own", "body-0-own": "alle zwei Wochen"},
    )
    assert done.status_code == 302
    assert draft_section(session, setting.agreement.id, setting.rule_key).body == (
        "Der Runde Tisch trifft sich alle zwei Wochen im Bürgerhaus."
    )


def test_a_stale_resolution_is_shown_again_with_the_new_draft(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    client = as_role("facilitator")
    url = f"/agreements/{setting.agreement.id}/amendments/1/resolve"
    revision = re.search(r'name="draft_revision" value="(\d+)"', text(client.get(url))).group(1)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "jährlich"))
    stale = client.post(url, data={"draft_revision": revision, "body-0-choice": "amendment"})
    assert stale.status_code == 409
    assert "Someone saved this section" in text(stale) and "jährlich" in text(stale)


def test_htmx_decisions_swap_the_decision_box(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    client = as_role("facilitator")
    response = client.post(f"/agreements/{setting.agreement.id}/amendments/1/vote", headers=HTMX)
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="amendment-decision"')
    assert "The amendment is now put to the vote." in html and "<html" not in html


def test_htmx_accept_with_a_conflict_redirects_to_the_resolution_view(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("monatlich", "vierteljährlich"))
    response = as_role("facilitator").post(
        f"/agreements/{setting.agreement.id}/amendments/1/accept", headers=HTMX
    )
    assert response.headers["HX-Redirect"].endswith("/amendments/1/resolve")


def test_rejecting_with_a_reason_and_withdrawing(session, setting, as_role, login, client) -> None:
    propose_change(session, setting, WEEKLY)
    propose_change(session, setting, "Der Runde Tisch trifft sich nie.")
    facilitator = as_role("facilitator")
    too_long = facilitator.post(
        f"/agreements/{setting.agreement.id}/amendments/1/reject", data={"reject-note": "x" * 6000}
    )
    assert too_long.status_code == 422
    facilitator.post(
        f"/agreements/{setting.agreement.id}/amendments/1/reject", data={"reject-note": "Zu oft."}
    )
    assert "Zu oft." in text(facilitator.get(f"/agreements/{setting.agreement.id}/amendments/1"))
    login(setting.people.member)
    assert client.post(f"/agreements/{setting.agreement.id}/amendments/2/withdraw").status_code == 302
    assert client.post(f"/agreements/{setting.agreement.id}/amendments/1/withdraw").status_code == 403


def test_the_list_filters_by_state_as_a_page_and_as_a_fragment(session, setting, as_role) -> None:
    propose_change(session, setting, WEEKLY)
    second = propose_change(session, setting, "Der Runde Tisch trifft sich nie.")
    amendments.withdraw(session, setting.people.member, setting.agreement.id, second.number)
    client = as_role("member")
    url = f"/agreements/{setting.agreement.id}/amendments"
    page = without_tags(text(client.get(url)))
    assert "A 1" in page and "A 2" in page
    withdrawn = text(client.get(url, query_string={"status": "withdrawn"}))
    assert "/amendments/2" in withdrawn and '/amendments/1"' not in withdrawn
    fragment = text(client.get(url, query_string={"status": "open"}, headers=HTMX))
    assert fragment.lstrip().startswith('<div id="amendments-list"') and "/amendments/1" in fragment
    assert "1 amendment is open." in without_tags(fragment)
    assert client.get(url, query_string={"status": "<script>"}).status_code == 200


def test_outsiders_see_no_amendments_of_an_agreement_in_negotiation(setting, as_role) -> None:
    assert as_role("outsider").get(f"/agreements/{setting.agreement.id}/amendments").status_code == 403


def test_amendments_of_an_agreement_in_consultation_are_public(
    session, make_user, space_by_code, client
) -> None:
    setting = negotiated_agreement(session, make_user, space_by_code, status="consultation")
    propose_change(session, setting, WEEKLY)
    page = text(client.get(f"/agreements/{setting.agreement.id}/amendments/1"))
    assert "wöchentlich" in page and "Withdraw" not in page and "csrf_token" not in page
    assert "Amendments" in text(client.get(f"/agreements/{setting.agreement.id}"))


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_in_every_field_renders_as_text(session, setting, as_role) -> None:
    amendments.propose(
        session, setting.people.member, setting.agreement.id, kind="add", section_kind="goal",
        after_section_key=setting.goal_key, title=f"Titel {XSS}", body=f"Text {XSS}", rationale=f"Weil {XSS}",
    )  # fmt: skip
    client = as_role("facilitator")
    for url in (
        f"/agreements/{setting.agreement.id}/amendments/1",
        f"/agreements/{setting.agreement.id}/amendments",
        f"/agreements/{setting.agreement.id}",
    ):
        html = text(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "Titel" in html


def test_overlong_and_malformed_input_gets_clear_errors(setting, as_role) -> None:
    client = as_role("member")
    url = f"/agreements/{setting.agreement.id}/amendments/new"
    long_title = client.post(url, data={"kind": "change", "section": setting.rule_key, "title": "x" * 301,
                                        "body": "neu", "rationale": "Weil."})  # fmt: skip
    assert long_title.status_code == 422 and "The title must be 300 characters or fewer" in text(long_title)
    unknown = client.post(url, data={"kind": "change", "section": "nope", "title": "T", "body": "b",
                                     "rationale": "Weil."})  # fmt: skip
    assert unknown.status_code == 422 and "Choose a section of this version" in text(unknown)
    odd_kind = client.post(url, data={"kind": "<b>", "title": "T", "body": "b", "rationale": "Weil."})
    assert odd_kind.status_code == 422
    nul = client.post(url, data={"kind": "change", "section": setting.rule_key, "title": "T",
                                 "body": "a\x00b", "rationale": "Weil."})  # fmt: skip
    assert nul.status_code == 422


def test_the_pages_query_count_does_not_grow_with_the_amendments(app, session, setting, as_role) -> None:
    from core import pagecache
    from tests.querycount import counted_queries

    client = as_role("member")
    propose_change(session, setting, WEEKLY)
    urls = [f"/agreements/{setting.agreement.id}", f"/agreements/{setting.agreement.id}/amendments"]
    for url in urls:
        client.get(url)

    def count(url: str) -> int:
        session.close()
        pagecache.clear()  # count what rendering costs, not a cached copy
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = {url: count(url) for url in urls}
    for number in range(6):
        propose_change(session, setting, f"Der Runde Tisch trifft sich {number} mal.")
    amendments.withdraw(session, setting.people.member, setting.agreement.id, 2)
    amendments.accept(session, setting.people.facilitator, setting.agreement.id, 3)
    assert {url: count(url) for url in urls} == few


def test_a_proposal_can_be_made_against_an_older_version(session, setting, as_role) -> None:
    edit_draft(session, setting, setting.rule_key, MEETINGS.replace("Bürgerhaus", "Nachbarschaftshaus"))
    versions.publish_version(session, setting.people.facilitator, setting.agreement.id, change_summary="Neu")
    client = as_role("member")
    url = f"/agreements/{setting.agreement.id}/amendments/new"
    assert "Propose against another version: Version 1" in without_tags(text(client.get(url)))
    older = client.get(url, query_string={"version": "1", "kind": "change", "section": setting.rule_key})
    assert MEETINGS in text(older) and 'name="base_version" type="hidden" value="1"' in text(older)
    assert client.get(url, query_string={"version": "9"}).status_code == 404
    response = client.post(url, data={"kind": "change", "section": setting.rule_key, "base_version": "1",
                                      "title": "Treffen", "body": WEEKLY, "rationale": "Öfter."})  # fmt: skip
    assert response.status_code == 302
    amendment = amendments.load(session, setting.people.member, setting.agreement.id, 1)[1]
    assert amendment.base_version.number == 1


def test_removing_a_changed_section_shows_the_draft_text_before_it_goes(session, setting, as_role) -> None:
    amendments.propose(
        session, setting.people.member, setting.agreement.id, kind="remove",
        section_key=setting.rule_key, rationale="Unnötig.",
    )  # fmt: skip
    edit_draft(session, setting, setting.rule_key, MEETINGS + " Neu dazu.")
    client = as_role("facilitator")
    response = client.post(f"/agreements/{setting.agreement.id}/amendments/1/accept")
    assert response.headers["Location"].endswith("/amendments/1/resolve")
    view = without_tags(text(client.get(response.headers["Location"])))
    assert "Removing it removes these changes too" in view and "Neu dazu." in view
    assert client.post(response.headers["Location"]).status_code == 302
    assert draft_section(session, setting.agreement.id, setting.rule_key) is None

"""Agreement and framework pages: a space's list, a new agreement, the document page with its
checklist, framework notice and status changes, version permalinks and comparisons."""

from __future__ import annotations

from datetime import date

import pytest

from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.models import Document, DocumentVersion
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from core import pagecache
from governance.models import Organisation
from tests.pages.agreement_helpers import (
    agreement_with_versions,
    goal,
    make_people,
    text,
    without_tags,
)
from tests.querycount import counted_queries

ROLES = ["anonymous", "outsider", "member", "observer", "facilitator", "admin"]


def grid(**status_by_role: int) -> list[tuple[str, int]]:
    """Parameters for a role × expected HTTP status table."""
    return list(status_by_role.items())


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def as_role(client, login, people):
    def sign_in(role: str):
        user = people.role(role)
        if user is not None:
            login(user)
        return client

    return sign_in


def open_consultation(session, people, agreement) -> None:
    lifecycle.change_status(
        session, people.facilitator, agreement.id, "open_consultation",
        consultation_starts_on=date(2026, 12, 1), consultation_ends_on=date(2026, 12, 31),
    )  # fmt: skip


# --- the agreements of a space -------------------------------------------------------------------


def test_the_space_page_links_to_its_agreements(client, people) -> None:
    body = text(client.get(f"/spaces/{people.space.id}"))
    assert f'href="/spaces/{people.space.id}/agreements"' in body


def test_visitors_see_public_agreements_and_members_also_drafts(session, client, as_role, people) -> None:
    public = agreement_with_versions(session, people, 1, title="Öffentliche Vereinbarung")
    open_consultation(session, people, public)
    agreement_with_versions(session, people, 1, title="Entwurf im Raum")
    body = text(client.get(f"/spaces/{people.space.id}/agreements"))
    assert "Öffentliche Vereinbarung" in body and "Entwurf im Raum" not in body
    assert "Consultation" in body and "Version 1" in body
    assert "New agreement" not in body
    member_view = text(as_role("member").get(f"/spaces/{people.space.id}/agreements"))
    assert "Entwurf im Raum" in member_view and "New agreement" not in member_view


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_facilitators_and_admins_are_offered_a_new_agreement(as_role, people, role) -> None:
    body = text(as_role(role).get(f"/spaces/{people.space.id}/agreements"))
    assert f"/spaces/{people.space.id}/agreements/new" in body


def test_an_unknown_space_has_no_agreements_page(client) -> None:
    assert client.get("/spaces/999999/agreements").status_code == 404
    assert client.get("/spaces/99999999999999999999999/agreements").status_code == 404


# --- a new agreement ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    grid(anonymous=302, outsider=403, member=403, observer=403, facilitator=200, admin=200),
)
def test_only_facilitators_and_admins_may_start_an_agreement(as_role, people, role, status) -> None:
    client = as_role(role)
    assert client.get(f"/spaces/{people.space.id}/agreements/new").status_code == status
    answer = client.post(f"/spaces/{people.space.id}/agreements/new", data={"title": "Neu"})
    assert answer.status_code == (302 if status == 200 else status)


def test_a_facilitator_starts_an_agreement_from_a_framework_version(session, as_role, people) -> None:
    framework = drafts.create_framework(session, people.admin, title="Leitsätze")
    drafts.add_section(session, people.admin, framework.id, goal("Sozialraumorientierung", "Der Raum zählt."))
    framework_version = versions.publish_version(session, people.admin, framework.id, change_summary="v1")
    client = as_role("facilitator")
    form = text(client.get(f"/spaces/{people.space.id}/agreements/new"))
    assert f'<option value="{framework_version.id}">Leitsätze, version 1</option>' in form
    answer = client.post(
        f"/spaces/{people.space.id}/agreements/new",
        data={
            "title": "Teilhabe",
            "preamble": "Wir vereinbaren.",
            "framework_version_id": framework_version.id,
        },
    )
    agreement = session.query(Document).filter_by(kind="agreement").one()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/agreements/{agreement.id}/draft"
    )
    assert agreement.framework_version_id == framework_version.id
    assert [s.title for s in agreement.draft_sections] == ["Sozialraumorientierung"]


def test_a_bad_new_agreement_is_explained_and_keeps_the_input(as_role, people) -> None:
    client = as_role("facilitator")
    url = f"/spaces/{people.space.id}/agreements/new"
    empty = client.post(url, data={"title": "  ", "preamble": "Mein Vorwort"})
    assert empty.status_code == 422 and "Enter a title" in text(empty) and "Mein Vorwort" in text(empty)
    long = client.post(url, data={"title": "x" * 301})
    assert long.status_code == 422 and "300 characters or fewer" in text(long) and "x" * 301 in text(long)
    unknown = client.post(url, data={"title": "Gut", "framework_version_id": "4711"})
    assert unknown.status_code == 422 and "Choose a framework version from the list" in text(unknown)


# --- the document page: who sees it ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    grid(anonymous=401, outsider=403, member=200, observer=200, facilitator=200, admin=200),
)
def test_drafts_are_visible_only_to_members(session, as_role, people, role, status) -> None:
    agreement = agreement_with_versions(session, people, 1)
    client = as_role(role)
    assert client.get(f"/agreements/{agreement.id}").status_code == status
    assert client.get(f"/agreements/{agreement.id}/versions/1").status_code == status
    assert client.get(f"/agreements/{agreement.id}/compare").status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_a_consultation_is_public(session, as_role, people, role) -> None:
    agreement = agreement_with_versions(session, people, 2)
    open_consultation(session, people, agreement)
    client = as_role(role)
    page = client.get(f"/agreements/{agreement.id}")
    assert page.status_code == 200 and text(page).count("<h1") == 1
    assert client.get(f"/agreements/{agreement.id}/versions/2").status_code == 200
    assert client.get(f"/agreements/{agreement.id}/compare?from=1&to=2").status_code == 200


@pytest.mark.parametrize(("role", "edit_link", "steps"), [
    ("anonymous", None, False),
    ("outsider", None, False),
    ("member", "See the working draft", False),
    ("observer", "See the working draft", False),
    ("facilitator", "See the working draft", True),
    ("admin", "See the working draft", True),
])  # fmt: skip
def test_the_page_offers_what_each_role_may_do(session, as_role, people, role, edit_link, steps) -> None:
    agreement = agreement_with_versions(session, people, 1)
    open_consultation(session, people, agreement)
    body = text(as_role(role).get(f"/agreements/{agreement.id}"))
    # During the consultation the text is frozen: nobody edits, facilitators move it on.
    for link in ("Edit the working draft", "See the working draft"):
        assert (link in body) == (link == edit_link)
    assert ("Next steps" in body) == steps
    assert ('value="start_negotiation"' in body) == steps


def test_unknown_and_mismatched_ids_are_not_found(session, client, people) -> None:
    framework = drafts.create_framework(session, people.admin, title="Rahmen")
    drafts.add_section(session, people.admin, framework.id, goal())
    versions.publish_version(session, people.admin, framework.id, change_summary="v1")
    assert client.get(f"/frameworks/{framework.id}").status_code == 200
    assert client.get(f"/agreements/{framework.id}").status_code == 404
    assert client.get(f"/agreements/{framework.id}/versions/1").status_code == 404
    assert client.get("/agreements/4711").status_code == 404
    assert client.get("/agreements/99999999999999999999999").status_code == 404
    assert client.get(f"/frameworks/{framework.id}/versions/99999999999999999999").status_code == 404
    assert client.get(f"/frameworks/{framework.id}/versions/2").status_code == 404


def test_unpublished_frameworks_are_for_administrators(session, as_role, people) -> None:
    framework = drafts.create_framework(session, people.admin, title="Rahmen im Entwurf")
    assert as_role("facilitator").get(f"/frameworks/{framework.id}").status_code == 403
    admin_view = text(as_role("admin").get(f"/frameworks/{framework.id}"))
    assert "Not published yet" in admin_view and "Edit the working draft" in admin_view


# --- the document page: what it shows ----------------------------------------------------------------


@pytest.fixture
def full_agreement(session, people):
    """An adopted-framework agreement with every kind of content, in consultation."""
    admin, facilitator = people.admin, people.facilitator
    framework = drafts.create_framework(session, admin, title="Leitsätze Sozialraumorientierung")
    drafts.add_section(session, admin, framework.id, goal("Ziele", "Alt"))
    drafts.set_requirements(
        session, admin, framework.id,
        Requirements(required_section_kinds=frozenset({SectionKind.GOAL, SectionKind.FINANCING}),
                     indicators_need_target=True, required_parties=frozenset({"carrier", "provider"})),
    )  # fmt: skip
    framework_v1 = versions.publish_version(session, admin, framework.id, change_summary="v1")
    agreement = drafts.create_agreement(
        session, facilitator, space_id=people.space.id, title="Teilhabe West",
        preamble="Die Parteien *vereinbaren*:", framework_version_id=framework_v1.id,
    )  # fmt: skip
    drafts.add_section(session, facilitator, agreement.id, SectionContent(
        kind="quality_standard", title="Erreichbarkeit", body="Beratung ist **barrierefrei**.",
        plain_language="Die Beratung ist für alle leicht zu erreichen.",
        indicators=[{"name": "Wartezeit", "unit": "Tage", "baseline": "21", "target": "",
                     "data_source": "Terminbuch", "responsible_party": "Träger"}],
    ))  # fmt: skip
    drafts.add_section(session, facilitator, agreement.id, SectionContent(
        kind="review", title="Überprüfung", body="Jährlich.", review_date=date(2027, 6, 30),
    ))  # fmt: skip
    drafts.add_section(session, facilitator, agreement.id, SectionContent(
        kind="rule", title="Budget", body="Trägerbudget.",
        budget_lines=[{"label": "Trägerbudget", "amount_euros": 120000,
                       "funded_by": "Amt für Soziale Dienste"}],
    ))  # fmt: skip
    carrier = Organisation(name="Amt für Soziale Dienste", kind="carrier")
    session.add(carrier)
    session.commit()
    drafts.set_parties(session, facilitator, agreement.id, [(carrier.id, "carrier")])
    versions.publish_version(session, facilitator, agreement.id, change_summary="Erste Fassung")
    open_consultation(session, people, agreement)
    key = framework.draft_sections[0].key
    drafts.update_section(session, admin, framework.id, key, base_revision=1, base=goal("Ziele", "Alt"),
                          mine=goal("Ziele", "Neu und besser"))  # fmt: skip
    framework_v2 = versions.publish_version(session, admin, framework.id, change_summary="v2")
    return {"agreement": agreement, "framework": framework, "v1": framework_v1, "v2": framework_v2}


def test_the_page_shows_the_text_parties_and_framework(client, full_agreement, people) -> None:
    agreement, framework = full_agreement["agreement"], full_agreement["framework"]
    body = text(client.get(f"/agreements/{agreement.id}"))
    assert "<h1>Teilhabe West</h1>" in body
    assert "Consultation" in body and "Everybody can read the text" in body
    assert f'href="/frameworks/{framework.id}/versions/1"' in body
    assert "Amt für Soziale Dienste" in body and "Carriers" in body
    assert "<em>vereinbaren</em>" in body and "<strong>barrierefrei</strong>" in body
    assert "Quality standard" in body and "Review" in body
    # Indicators and budget as tables with headers
    for header in ("Unit", "Baseline", "Target", "Data source", "Responsible"):
        assert f'<th scope="col">{header}</th>' in body
    assert "Wartezeit" in body and "Terminbuch" in body
    assert "Trägerbudget" in body and "120,000 €" in body
    assert "June 30, 2027" in body
    # Plain language on request, without JavaScript
    assert '<details class="plain-language">' in body and "leicht zu erreichen" in body
    side = text(client.get(f"/agreements/{agreement.id}?plain=side"))
    assert "plain-side-by-side" in side and "Binding text" in side


def test_the_checklist_says_in_words_what_is_missing(client, full_agreement) -> None:
    body = without_tags(text(client.get(f"/agreements/{full_agreement['agreement'].id}")))
    assert "Met: A section of the kind “Goal”" in body
    assert "Not met yet: A section of the kind “Financing”" in body
    assert (
        "Not met yet: Every quality standard has an indicator with a target Missing for: Erreichbarkeit"
        in body
    )
    assert "Missing: Providers" in body
    assert "3 requirements are not met yet" in body


def test_a_newer_framework_version_is_announced_with_its_changes(session, as_role, full_agreement) -> None:
    agreement, v2 = full_agreement["agreement"], full_agreement["v2"]
    anonymous = text(as_role("anonymous").get(f"/agreements/{agreement.id}"))
    assert "A newer version of the framework exists" in anonymous
    assert "Neu und besser" in anonymous and "<del>" in anonymous
    assert "Move to version 2 of the framework" not in anonymous
    client = as_role("facilitator")
    assert "Move to version 2 of the framework" in text(client.get(f"/agreements/{agreement.id}"))
    moved = client.post(f"/agreements/{agreement.id}/framework", data={"framework_version_id": v2.id})
    assert moved.status_code == 302
    session.refresh(agreement)
    assert agreement.framework_version_id == v2.id
    assert "A newer version of the framework exists" not in text(client.get(f"/agreements/{agreement.id}"))


@pytest.mark.parametrize("role", ["member", "observer", "outsider"])
def test_only_facilitators_move_to_a_newer_framework(as_role, full_agreement, role) -> None:
    agreement, v2 = full_agreement["agreement"], full_agreement["v2"]
    answer = as_role(role).post(f"/agreements/{agreement.id}/framework", data={"framework_version_id": v2.id})
    assert answer.status_code == 403
    assert as_role(role).post(f"/agreements/{agreement.id}/framework", data={}).status_code == 400


def test_the_document_page_reads_a_fixed_number_of_queries(session, as_role, people) -> None:
    client = as_role("member")
    small = agreement_with_versions(session, people, 1, title="Klein")
    large = agreement_with_versions(session, people, 6, title="Groß")
    for number in range(8):
        drafts.add_section(session, people.facilitator, large.id, goal(f"Ziel {number}", f"Text {number}"))
    versions.publish_version(session, people.facilitator, large.id, change_summary="Viele Abschnitte")
    small_url, large_url = f"/agreements/{small.id}", f"/agreements/{large.id}"
    client.get(small_url)  # warm-up: the first request loads translations and templates
    # Requests share the test's session; empty it so each one reads from the database like a real server.
    # The member's copies of the pages are cached: count what rendering them costs.
    session.close()
    pagecache.clear()
    with counted_queries() as few:
        assert client.get(small_url).status_code == 200
    session.close()
    pagecache.clear()
    with counted_queries() as many:
        page = client.get(large_url)
    assert page.status_code == 200 and "Ziel 7" in text(page) and "Version 7" in text(page)
    assert len(many) == len(few), (
        "\n".join(s[:90] for s in few) + "\n----\n" + "\n".join(s[:90] for s in many)
    )


# --- status changes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    grid(anonymous=302, outsider=403, member=403, observer=403, facilitator=302, admin=302),
)
def test_only_facilitators_and_admins_change_the_status(session, as_role, people, role, status) -> None:
    agreement = agreement_with_versions(session, people, 1)
    answer = as_role(role).post(
        f"/agreements/{agreement.id}/status", data={"transition": "start_negotiation"}
    )
    assert answer.status_code == status
    if status == 302 and role != "anonymous":
        assert answer.headers["Location"].endswith(f"/agreements/{agreement.id}")
    session.expire_all()
    expected = "negotiation" if role in ("facilitator", "admin") else "draft"
    assert session.get(Document, agreement.id).status == expected


def test_opening_the_consultation_asks_for_dates_and_audience(session, as_role, people) -> None:
    agreement = agreement_with_versions(session, people, 1)
    client = as_role("facilitator")
    body = text(client.get(f"/agreements/{agreement.id}"))
    assert 'name="open_consultation-consultation_starts_on"' in body
    assert 'name="open_consultation-consultation_audience"' in body
    answer = client.post(f"/agreements/{agreement.id}/status", data={
        "transition": "open_consultation", "open_consultation-consultation_starts_on": "2027-02-01",
        "open_consultation-consultation_ends_on": "2027-02-28",
        "open_consultation-consultation_audience": "members",
        "open_consultation-note": "Beschluss des Runden Tisches",
    })  # fmt: skip
    assert answer.status_code == 302
    page = without_tags(text(client.get(f"/agreements/{agreement.id}")))
    assert "Open the consultation – from Draft to Consultation" in page
    assert "Beschluss des Runden Tisches" in page and "Members of the social space only" in page


def test_bad_dates_are_refused_and_kept(session, as_role, people) -> None:
    agreement = agreement_with_versions(session, people, 1)
    client = as_role("facilitator")
    typo = client.post(f"/agreements/{agreement.id}/status", data={
        "transition": "open_consultation", "open_consultation-consultation_starts_on": "2027-13-45",
        "open_consultation-consultation_ends_on": "2027-02-28", "open_consultation-note": "Meine Notiz",
    })  # fmt: skip
    body = text(typo)
    assert typo.status_code == 422
    assert "Enter a real date, for example 2027-01-31" in body and 'value="2027-13-45"' in body
    assert "Meine Notiz" in body and '<details class="transition" open>' in body
    backwards = client.post(f"/agreements/{agreement.id}/status", data={
        "transition": "open_consultation", "open_consultation-consultation_starts_on": "2027-03-01",
        "open_consultation-consultation_ends_on": "2027-02-01",
    })  # fmt: skip
    assert backwards.status_code == 422
    assert "The consultation must end on or after the day it starts" in text(backwards)
    missing = client.post(f"/agreements/{agreement.id}/status", data={"transition": "open_consultation"})
    assert missing.status_code == 422 and "Enter the first and the last day of the consultation" in text(
        missing
    )
    unknown = client.post(f"/agreements/{agreement.id}/status", data={"transition": "explode"})
    assert unknown.status_code == 422 and "This step does not exist." in text(unknown)
    too_early = client.post(f"/agreements/{agreement.id}/status", data={"transition": "adopt"})
    assert too_early.status_code == 422 and "Enter the date from which the agreement applies" in text(
        too_early
    )
    session.expire_all()
    assert session.get(Document, agreement.id).status == "draft"


def test_a_non_compliant_text_cannot_be_put_to_the_vote(session, as_role, full_agreement, people) -> None:
    agreement = full_agreement["agreement"]
    lifecycle.change_status(session, people.facilitator, agreement.id, "start_negotiation")
    refused = as_role("facilitator").post(
        f"/agreements/{agreement.id}/status", data={"transition": "put_to_vote"}
    )
    body = without_tags(text(refused))
    assert refused.status_code == 422
    assert "The text does not meet the framework's requirements yet:" in body
    assert "Not met yet: A section of the kind “Financing”" in body


def test_adoption_records_the_date_from_which_it_applies(session, as_role, people) -> None:
    agreement = agreement_with_versions(session, people, 1)
    lifecycle.change_status(session, people.facilitator, agreement.id, "start_negotiation")
    lifecycle.change_status(session, people.facilitator, agreement.id, "put_to_vote")
    client = as_role("facilitator")
    answer = client.post(f"/agreements/{agreement.id}/status",
                         data={"transition": "adopt", "adopt-in_force_from": "2027-01-01"})  # fmt: skip
    assert answer.status_code == 302
    listing = text(client.get(f"/spaces/{people.space.id}/agreements"))
    assert "Adopted" in listing and "January 1, 2027" in listing


# --- versions and comparisons --------------------------------------------------------------------


def test_a_version_permalink_never_changes(session, as_role, people) -> None:
    agreement = agreement_with_versions(session, people, 2)
    client = as_role("member")
    first = text(client.get(f"/agreements/{agreement.id}/versions/1"))
    assert "Fassung 1" in first and "Fritz" in first and "Draft" in first
    assert "Alle können mitmachen." in first and "Satz 2" not in first
    section = agreement.draft_sections[0]
    drafts.update_section(
        session, people.facilitator, agreement.id, section.key, base_revision=section.revision,
        base=goal(body=section.body), mine=goal(body="Ganz anders."),
    )  # fmt: skip
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 3")
    again = text(client.get(f"/agreements/{agreement.id}/versions/1"))
    assert "Alle können mitmachen." in again and "Ganz anders" not in again
    assert "What changed since version 1" in text(client.get(f"/agreements/{agreement.id}/versions/2"))


def test_a_version_shows_the_parties_as_they_were(session, client, full_agreement) -> None:
    agreement = full_agreement["agreement"]
    body = without_tags(text(client.get(f"/agreements/{agreement.id}/versions/1")))
    assert "Amt für Soziale Dienste – for: Carriers" in body
    assert "Status when published Draft" in body
    assert "compare this version with the framework" in body


def test_comparing_versions_marks_insertions_and_deletions(session, client, people) -> None:
    agreement = agreement_with_versions(session, people, 3)
    open_consultation(session, people, agreement)
    body = text(client.get(f"/agreements/{agreement.id}/compare?from=1&to=3"))
    assert '<ins><span class="visually-hidden">inserted: </span> Satz 2. Satz 3.</ins>' in body
    assert "1 section changed" in body and "Changed" in body
    backwards = text(client.get(f"/agreements/{agreement.id}/compare?from=3&to=1"))
    assert '<del><span class="visually-hidden">deleted: </span> Satz 2. Satz 3.</del>' in backwards
    side = text(client.get(f"/agreements/{agreement.id}/compare?from=1&to=3&view=side"))
    assert '<th scope="col">Version 1</th><th scope="col">Version 3</th>' in side
    assert "Show changes within the text" in side


def test_added_removed_and_moved_sections_are_named_in_words(session, client, people) -> None:
    facilitator = people.facilitator
    agreement = drafts.create_agreement(session, facilitator, space_id=people.space.id, title="Reihenfolge")
    first = drafts.add_section(session, facilitator, agreement.id, goal("Erstes Ziel", "Eins."))
    drafts.add_section(session, facilitator, agreement.id, goal("Zweites Ziel", "Zwei."))
    versions.publish_version(session, facilitator, agreement.id, change_summary="v1")
    drafts.move_section(session, facilitator, agreement.id, first.key, direction="down")
    drafts.add_section(session, facilitator, agreement.id, goal("Drittes Ziel", "Drei."))
    versions.publish_version(session, facilitator, agreement.id, change_summary="v2")
    drafts.remove_section(session, facilitator, agreement.id, first.key, base_revision=first.revision)
    versions.publish_version(session, facilitator, agreement.id, change_summary="v3")
    open_consultation(session, people, agreement)
    second = without_tags(text(client.get(f"/agreements/{agreement.id}/compare?from=1&to=2")))
    assert "1 added, 0 removed, 1 moved" in second
    assert "inserted: Drittes Ziel Added" in second and "Moved" in second
    third = without_tags(text(client.get(f"/agreements/{agreement.id}/compare?from=2&to=3")))
    assert "0 added, 1 removed, 0 moved" in third
    assert "deleted: Erstes Ziel Removed" in third


@pytest.mark.parametrize(("query", "status", "message"), [
    ("from=1", 400, "Choose two versions to compare."),
    ("from=a&to=2", 400, "Choose two versions to compare."),
    ("from=-1&to=2", 400, "Choose two versions to compare."),
    ("from=2&to=2", 400, "Choose two different versions."),
    ("from=1&to=9", 404, "There is no version 9 of this text."),
    ("from=1&to=99999999999999999999999", 400, "Choose two versions to compare."),
])  # fmt: skip
def test_bad_comparisons_are_explained(session, client, people, query, status, message) -> None:
    agreement = agreement_with_versions(session, people, 2)
    open_consultation(session, people, agreement)
    answer = client.get(f"/agreements/{agreement.id}/compare?{query}")
    assert answer.status_code == status and message in text(answer)
    assert '<select class="select" id="compare-from"' in text(answer)


def test_a_version_is_compared_with_its_framework(session, client, full_agreement) -> None:
    agreement = full_agreement["agreement"]
    body = text(client.get(f"/agreements/{agreement.id}/versions/1/framework-diff"))
    assert "Version 1 compared with its framework" in body
    assert "Erreichbarkeit" in body and "Added" in body
    side = text(client.get(f"/agreements/{agreement.id}/versions/1/framework-diff?view=side"))
    assert "Framework: Leitsätze Sozialraumorientierung, version 1</th>" in side


def test_a_version_without_a_framework_has_no_framework_diff(session, client, people) -> None:
    agreement = agreement_with_versions(session, people, 1)
    open_consultation(session, people, agreement)
    assert client.get(f"/agreements/{agreement.id}/versions/1/framework-diff").status_code == 404


def test_versions_are_listed_with_a_compare_form(session, as_role, people) -> None:
    agreement = agreement_with_versions(session, people, 3)
    body = text(as_role("member").get(f"/agreements/{agreement.id}"))
    for number in (1, 2, 3):
        assert f'href="/agreements/{agreement.id}/versions/{number}"' in body
    assert f'action="/agreements/{agreement.id}/compare"' in body and 'name="from"' in body
    assert session.query(DocumentVersion).filter_by(document_id=agreement.id).count() == 3


def test_unchanged_sections_can_be_left_out(session, client, people) -> None:
    agreement = agreement_with_versions(session, people, 1)
    drafts.add_section(session, people.facilitator, agreement.id, goal("Neues Ziel", "Neu."))
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="v2")
    open_consultation(session, people, agreement)
    everything = without_tags(text(client.get(f"/agreements/{agreement.id}/compare?from=1&to=2")))
    assert "Mehr Teilhabe Unchanged" in everything and "Show only changed sections" in everything
    changes = without_tags(text(client.get(f"/agreements/{agreement.id}/compare?from=1&to=2&only=changes")))
    assert "Mehr Teilhabe" not in changes and "1 section is unchanged and not shown." in changes
    assert "inserted: Neues Ziel Added" in changes and "Show all sections" in changes

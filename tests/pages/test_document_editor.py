"""The draft editor: who may edit, adding, saving, moving and removing sections, parties, publishing,
and the 409 merge view when two people save the same section."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import select

from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection
from agreements.services import drafts, lifecycle
from governance.models import Organisation
from tests.pages.agreement_helpers import goal, make_people, text, without_tags
from tests.querycount import counted_queries


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def as_role(client, login, people):
    def sign_in(role: str):
        user = None if role == "anonymous" else getattr(people, role)
        if user is not None:
            login(user)
        return client

    return sign_in


@pytest.fixture
def agreement(session, people) -> Document:
    document = drafts.create_agreement(
        session, people.facilitator, space_id=people.space.id, title="Teilhabe"
    )
    drafts.add_section(
        session,
        people.facilitator,
        document.id,
        goal(body="Die Beratung findet montags im Stadtteilhaus statt."),
    )
    return document


def first_section(session, document: Document) -> DraftSection:
    session.expire_all()
    return session.scalars(
        select(DraftSection).where(DraftSection.document_id == document.id).order_by(DraftSection.position)
    ).first()


def section_fields(section: DraftSection, **changes: Any) -> dict[str, Any]:
    """What the editor's form for ``section`` sends: the loaded content as base, with ``changes``."""
    prefix = f"section-{section.key}-"
    values = {"kind": section.kind, "title": section.title, "body": section.body,
              "plain_language": section.plain_language, "review_date": ""}  # fmt: skip
    values.update(changes)
    data = {prefix + name: value for name, value in values.items()}
    data.update({
        prefix + "base_revision": str(section.revision), prefix + "base_title": section.title,
        prefix + "base_body": section.body, prefix + "base_plain_language": section.plain_language,
    })  # fmt: skip
    return data


def textarea(page: str, name: str) -> str:
    # Browsers drop the line break that follows the opening tag.
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(?:\r?\n)?(.*?)</textarea>', page, re.S)
    assert match, name
    return html.unescape(match.group(1))


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def form_data(page: str, prefix: str) -> dict[str, str]:
    """Every input, textarea and selected option of the form fields named ``prefix…`` on a page."""
    data = {}
    for name, value in re.findall(rf'<input[^>]*name="({re.escape(prefix)}[^"]*)"[^>]*value="([^"]*)"', page):
        data[name] = html.unescape(value)
    for name in re.findall(rf'<textarea[^>]*name="({re.escape(prefix)}[^"]*)"', page):
        data[name] = textarea(page, name)
    for name, options in re.findall(
        rf'<select[^>]*name="({re.escape(prefix)}[^"]*)"[^>]*>(.*?)</select>', page, re.S
    ):
        selected = re.search(r'<option selected value="([^"]*)"', options)
        data[name] = selected.group(1) if selected else ""
    return data


# --- who may edit ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status", "forms"), [
    ("anonymous", 302, False), ("outsider", 403, False), ("member", 200, False),
    ("observer", 200, False), ("facilitator", 200, True), ("admin", 200, True),
])  # fmt: skip
def test_the_draft_is_for_members_and_editing_for_facilitators(
    as_role, agreement, role, status, forms
) -> None:
    answer = as_role(role).get(f"/agreements/{agreement.id}/draft")
    assert answer.status_code == status
    if status == 200:
        body = text(answer)
        assert "Die Beratung findet montags" in body and body.count("<h1") == 1
        assert ("Save the section" in body) == forms and ("Add a section" in body) == forms
        assert ("Publish version 1" in body) == forms


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("outsider", 403), ("member", 403),
    ("observer", 403), ("facilitator", 302), ("admin", 302),
])  # fmt: skip
def test_only_those_who_may_edit_save_a_section(session, as_role, agreement, role, status) -> None:
    section = first_section(session, agreement)
    answer = as_role(role).post(
        f"/agreements/{agreement.id}/draft/sections/{section.key}", data=section_fields(section, title="Neu")
    )
    assert answer.status_code == status
    assert first_section(session, agreement).title == (
        "Neu" if role in ("facilitator", "admin") else "Mehr Teilhabe"
    )


def test_members_edit_during_the_negotiation_and_observers_never(session, as_role, people, agreement) -> None:
    lifecycle.change_status(session, people.facilitator, agreement.id, "start_negotiation")
    section = first_section(session, agreement)
    member = as_role("member")
    assert "Save the section" in text(member.get(f"/agreements/{agreement.id}/draft"))
    saved = member.post(f"/agreements/{agreement.id}/draft/sections/{section.key}",
                        data=section_fields(section, body="Vorschlag der Beteiligten."))  # fmt: skip
    assert saved.status_code == 302
    assert "Publish version" not in text(member.get(f"/agreements/{agreement.id}/draft"))
    assert (
        member.post(
            f"/agreements/{agreement.id}/draft/publish", data={"publish-change_summary": "x"}
        ).status_code
        == 403
    )
    observer = as_role("observer")
    section = first_section(session, agreement)
    refused = observer.post(f"/agreements/{agreement.id}/draft/sections/{section.key}",
                            data=section_fields(section, body="Beobachtet."))  # fmt: skip
    assert refused.status_code == 403


def test_a_framework_draft_is_edited_under_its_own_address(session, as_role, people) -> None:
    framework = drafts.create_framework(session, people.admin, title="Leitsätze")
    drafts.add_section(session, people.admin, framework.id, goal())
    section = first_section(session, framework)
    assert as_role("facilitator").get(f"/frameworks/{framework.id}/draft").status_code == 403
    admin = as_role("admin")
    body = text(admin.get(f"/frameworks/{framework.id}/draft"))
    assert f'action="/frameworks/{framework.id}/draft/sections/{section.key}"' in body
    assert f"/frameworks/{framework.id}/requirements" in body
    # The agreements' address refuses a framework, also for changes.
    assert admin.get(f"/agreements/{framework.id}/draft").status_code == 404
    wrong = admin.post(
        f"/agreements/{framework.id}/draft/sections/{section.key}", data=section_fields(section)
    )
    assert wrong.status_code == 404
    published = admin.post(
        f"/frameworks/{framework.id}/draft/publish", data={"publish-change_summary": "Erste"}
    )
    assert published.status_code == 302 and published.headers["Location"].endswith(
        f"/frameworks/{framework.id}/versions/1"
    )


# --- writing sections ----------------------------------------------------------------------------


def test_a_section_with_indicators_and_budget_lines_is_added(session, as_role, agreement) -> None:
    client = as_role("facilitator")
    first = first_section(session, agreement)
    answer = client.post(f"/agreements/{agreement.id}/draft/sections", data={
        "new-after": first.key, "new-kind": "quality_standard", "new-title": "Erreichbarkeit",
        "new-body": "Beratung ist barrierefrei.", "new-plain_language": "Alle kommen gut hin.",
        "new-indicators-0-name": "Wartezeit", "new-indicators-0-unit": "Tage",
        "new-indicators-0-baseline": "21",
        "new-indicators-0-target": "7", "new-indicators-0-data_source": "Terminbuch",
        "new-indicators-0-responsible_party": "Träger",
        "new-indicators-1-name": "", "new-indicators-1-unit": "",
        "new-budget_lines-0-label": "Trägerbudget", "new-budget_lines-0-amount_euros": "120.000",
        "new-budget_lines-0-funded_by": "Amt", "new-budget_lines-1-label": "",
        "new-review_date": "2027-06-30",
    })  # fmt: skip
    assert answer.status_code == 302 and "#section-" in answer.headers["Location"]
    sections = session.scalars(
        select(DraftSection).where(DraftSection.document_id == agreement.id).order_by(DraftSection.position)
    ).all()
    added = sections[1]
    assert (added.kind, added.title, added.plain_language) == (
        "quality_standard",
        "Erreichbarkeit",
        "Alle kommen gut hin.",
    )
    assert added.indicators == [{"name": "Wartezeit", "unit": "Tage", "baseline": "21", "target": "7",
                                 "data_source": "Terminbuch", "responsible_party": "Träger"}]  # fmt: skip
    assert added.budget_lines == [{"label": "Trägerbudget", "amount_euros": 120000, "funded_by": "Amt"}]
    assert added.review_date.isoformat() == "2027-06-30"
    page = text(client.get(answer.headers["Location"]))
    assert "Indicators (1)" in page and "Budget lines (1)" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("new-title", "", "Enter a title"),
    ("new-title", "x" * 301, "The title must be 300 characters or fewer"),
    ("new-body", "y" * 100_001, "The text must be 100000 characters or fewer"),
    ("new-kind", "poem", "Choose the kind of section from the list"),
    ("new-review_date", "2027-02-30", "Enter a real date, for example 2027-01-31"),
    ("new-budget_lines-0-amount_euros", "zwölf", "Enter the amount in whole euros, for example 12000"),
    ("new-indicators-0-unit", "Tage", "Give the indicator a name, or empty the whole row"),
])  # fmt: skip
def test_bad_sections_are_explained_and_keep_the_input(
    session, as_role, agreement, field, value, message
) -> None:
    data = {"new-kind": "rule", "new-title": "Regel", "new-body": "Mein sorgfältiger Text.",
            "new-budget_lines-0-label": "Posten", "new-budget_lines-0-amount_euros": "500"}  # fmt: skip
    data[field] = value
    answer = as_role("facilitator").post(f"/agreements/{agreement.id}/draft/sections", data=data)
    body = text(answer)
    assert answer.status_code == 422
    assert message in body and "There is a problem" in body
    assert '<a href="#new-section">Go to the form with the problem</a>' in body
    if field != "new-body":
        assert "Mein sorgfältiger Text." in body
    if value and field not in ("new-body", "new-kind"):  # an unknown kind cannot be shown in the list
        assert html.escape(value) in body
    assert (
        len(session.scalars(select(DraftSection).where(DraftSection.document_id == agreement.id)).all()) == 1
    )


def test_sections_move_up_and_down_and_are_removed_after_confirmation(
    session, as_role, people, agreement
) -> None:
    second = drafts.add_section(session, people.facilitator, agreement.id, goal("Zweites Ziel", "Zwei."))
    client = as_role("facilitator")
    moved = client.post(
        f"/agreements/{agreement.id}/draft/sections/{second.key}/move", data={"direction": "up"}
    )
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"#section-{second.key}")
    assert first_section(session, agreement).key == second.key
    assert client.post(f"/agreements/{agreement.id}/draft/sections/{second.key}/move",
                       data={"direction": "sideways"}).status_code == 400  # fmt: skip
    confirm = client.get(f"/agreements/{agreement.id}/draft/sections/{second.key}/remove")
    assert confirm.status_code == 200 and "Yes, remove the section" in text(confirm)
    removed = client.post(f"/agreements/{agreement.id}/draft/sections/{second.key}/remove",
                          data={"base_revision": "1"})  # fmt: skip
    assert removed.status_code == 302
    assert first_section(session, agreement).title == "Mehr Teilhabe"
    assert client.get(f"/agreements/{agreement.id}/draft/sections/{second.key}/remove").status_code == 404


def test_removing_a_section_someone_just_changed_asks_again(session, as_role, people, agreement) -> None:
    section = first_section(session, agreement)
    drafts.update_section(
        session, people.admin, agreement.id, section.key, base_revision=1,
        base=goal(body=section.body), mine=goal(body="Geändert von jemand anderem."),
    )  # fmt: skip
    client = as_role("facilitator")
    stale = client.post(
        f"/agreements/{agreement.id}/draft/sections/{section.key}/remove", data={"base_revision": "1"}
    )
    assert stale.status_code == 409
    assert "Someone changed this section" in text(stale) and "Geändert von jemand anderem." in text(stale)
    assert 'name="base_revision" value="2"' in text(stale)
    assert first_section(session, agreement) is not None


def test_title_and_preamble_are_saved_and_a_stale_save_keeps_both_texts(
    session, as_role, people, agreement
) -> None:
    client = as_role("facilitator")
    saved = client.post(
        f"/agreements/{agreement.id}/draft/heading",
        data={
            "heading-title": "Teilhabe für alle",
            "heading-preamble": "Präambel eins.",
            "heading-base_revision": "1",
        },
    )
    assert saved.status_code == 302
    stale = client.post(
        f"/agreements/{agreement.id}/draft/heading",
        data={
            "heading-title": "Mein Titel",
            "heading-preamble": "Meine Präambel.",
            "heading-base_revision": "1",
        },
    )
    body = text(stale)
    assert stale.status_code == 409
    assert "Someone else changed the title or preamble" in body
    assert "Präambel eins." in body and "Meine Präambel." in body
    assert hidden(body, "heading-base_revision") == "2"
    session.expire_all()
    assert session.get(Document, agreement.id).title == "Teilhabe für alle"


def test_the_parties_are_chosen_from_the_organisations(session, as_role, agreement) -> None:
    carrier = Organisation(name="Amt für Soziale Dienste", kind="carrier")
    provider = Organisation(name="Träger West", kind="provider")
    session.add_all([carrier, provider])
    session.commit()
    client = as_role("facilitator")
    answer = client.post(f"/agreements/{agreement.id}/draft/parties", data={
        "parties-parties-0-organisation_id": str(carrier.id), "parties-parties-0-party": "carrier",
        "parties-parties-1-organisation_id": str(provider.id), "parties-parties-1-party": "provider",
        "parties-parties-2-organisation_id": "", "parties-parties-2-party": "",
    })  # fmt: skip
    assert answer.status_code == 302
    parties = session.scalars(select(DocumentParty).where(DocumentParty.document_id == agreement.id)).all()
    assert sorted(p.party for p in parties) == ["carrier", "provider"]
    missing_party = client.post(
        f"/agreements/{agreement.id}/draft/parties",
        data={"parties-parties-0-organisation_id": str(carrier.id), "parties-parties-0-party": ""},
    )
    assert missing_party.status_code == 422
    assert "Choose the party the organisation speaks for" in text(missing_party)
    unknown = client.post(
        f"/agreements/{agreement.id}/draft/parties",
        data={"parties-parties-0-organisation_id": "4711", "parties-parties-0-party": "carrier"},
    )
    assert unknown.status_code == 422 and "Choose an organisation from the list" in text(unknown)


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_freezes_the_draft_and_leads_to_the_permalink(session, as_role, agreement) -> None:
    client = as_role("facilitator")
    answer = client.post(f"/agreements/{agreement.id}/draft/publish",
                         data={"publish-change_summary": "Erste Fassung für den Runden Tisch"})  # fmt: skip
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/agreements/{agreement.id}/versions/1"
    )
    page = text(client.get(answer.headers["Location"]))
    assert "Version 1 has been published." in page and "Erste Fassung für den Runden Tisch" in page
    assert "Publish version 2" in text(client.get(f"/agreements/{agreement.id}/draft"))


def test_publishing_needs_a_summary_and_a_section(session, as_role, people) -> None:
    empty = drafts.create_agreement(session, people.facilitator, space_id=people.space.id, title="Leer")
    client = as_role("facilitator")
    no_summary = client.post(f"/agreements/{empty.id}/draft/publish", data={"publish-change_summary": " "})
    assert no_summary.status_code == 422 and "Say in a few words what changed" in text(no_summary)
    no_sections = client.post(
        f"/agreements/{empty.id}/draft/publish", data={"publish-change_summary": "Erste"}
    )
    assert no_sections.status_code == 422
    assert "Add at least one section before you publish a version." in text(no_sections)
    assert textarea(text(no_sections), "publish-change_summary") == "Erste"
    assert (
        session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == empty.id)).first()
        is None
    )


# --- two people, one section: the 409 merge view ---------------------------------------------------


def test_a_stale_save_gets_a_merge_view_and_submitting_it_keeps_both_changes(
    session, as_role, people, agreement
) -> None:
    section = first_section(session, agreement)
    loaded = section_fields(section)  # both editors open the same revision
    prefix = f"section-{section.key}-"
    url = f"/agreements/{agreement.id}/draft/sections/{section.key}"

    first = as_role("admin").post(
        url, data={**loaded, prefix + "body": "Die Beratung findet montags im Nachbarschaftshaus statt."}
    )
    assert first.status_code == 302
    stale = as_role("facilitator").post(
        url, data={**loaded, prefix + "body": "Die offene Beratung findet montags im Stadtteilhaus statt."}
    )
    page = text(stale)
    assert stale.status_code == 409
    assert "Someone else saved this section while you were editing it." in page
    assert (
        "Their text (saved now)" in page
        and "Die Beratung findet montags im Nachbarschaftshaus statt." in page
    )
    assert "Your text" in page and "Die offene Beratung findet montags im Stadtteilhaus statt." in page
    merged = "Die offene Beratung findet montags im Nachbarschaftshaus statt."
    assert textarea(page, prefix + "body") == merged
    assert hidden(page, prefix + "base_revision") == "2"

    resolved = as_role("facilitator").post(url, data=form_data(page, prefix))
    assert resolved.status_code == 302
    saved = first_section(session, agreement)
    assert (saved.body, saved.revision) == (merged, 3)


def test_overlapping_changes_are_listed_and_the_form_starts_from_your_text(
    session, as_role, people, agreement
) -> None:
    section = first_section(session, agreement)
    loaded = section_fields(section)
    prefix = f"section-{section.key}-"
    url = f"/agreements/{agreement.id}/draft/sections/{section.key}"
    as_role("admin").post(
        url, data={**loaded, prefix + "body": "Die Beratung findet dienstags im Stadtteilhaus statt."}
    )
    mine = "Die Beratung findet freitags im Stadtteilhaus statt."
    stale = as_role("facilitator").post(url, data={**loaded, prefix + "body": mine,
                                                     prefix + "indicators-0-name": "Besuche"})  # fmt: skip
    page = text(stale)
    words = without_tags(page)
    assert stale.status_code == 409
    assert "In 1 place you both changed the same words." in words
    assert "Before montags Yours freitags Theirs dienstags" in words
    assert textarea(page, prefix + "body") == mine
    assert 'value="Besuche"' in page  # the rest of the form keeps what was typed
    data = form_data(page, prefix)
    data[prefix + "body"] = "Die Beratung findet dienstags und freitags im Stadtteilhaus statt."
    assert as_role("facilitator").post(url, data=data).status_code == 302
    saved = first_section(session, agreement)
    assert saved.body == "Die Beratung findet dienstags und freitags im Stadtteilhaus statt."
    assert saved.indicators[0]["name"] == "Besuche"


def test_saving_a_section_someone_removed_keeps_the_text_for_adding_it_again(
    session, as_role, people, agreement
) -> None:
    drafts.add_section(session, people.facilitator, agreement.id, goal("Bleibt", "Da."))
    section = first_section(session, agreement)
    loaded = section_fields(section, body="Mein letzter Stand.")
    drafts.remove_section(session, people.admin, agreement.id, section.key, base_revision=1)
    answer = as_role("facilitator").post(
        f"/agreements/{agreement.id}/draft/sections/{section.key}", data=loaded
    )
    assert answer.status_code == 409
    assert "Someone removed this section while you were editing it." in text(answer)
    assert textarea(text(answer), "new-body") == "Mein letzter Stand."


# --- htmx: the section's fragment ------------------------------------------------------------------


def test_htmx_saves_swap_just_the_section(session, as_role, agreement) -> None:
    section = first_section(session, agreement)
    loaded = section_fields(section)
    prefix = f"section-{section.key}-"
    client = as_role("facilitator")
    url = f"/agreements/{agreement.id}/draft/sections/{section.key}"
    answer = client.post(
        url, data={**loaded, prefix + "title": "Neuer Titel"}, headers={"HX-Request": "true"}
    )
    body = text(answer)
    assert answer.status_code == 200 and "HX-Request" in answer.headers["Vary"]
    assert body.lstrip().startswith(f'<section class="draft-section" id="section-{section.key}"')
    assert "<html" not in body and "The section has been saved." in body and "Neuer Titel" in body
    assert hidden(body, f"section-{section.key}-base_revision") == "2"
    stale = client.post(url, data={**loaded, prefix + "title": "Veraltet"}, headers={"HX-Request": "true"})
    assert stale.status_code == 409 and "<html" not in text(stale)
    assert "Someone else saved this section" in text(stale)
    invalid = client.post(url, data=section_fields(first_section(session, agreement), title=""),
                          headers={"HX-Request": "true"})  # fmt: skip
    assert invalid.status_code == 422 and "Enter a title" in text(invalid) and "<html" not in text(invalid)


def test_the_editor_forms_carry_csrf_tokens(session, as_role, agreement, csrf_enabled) -> None:
    client = as_role("facilitator")
    page = text(client.get(f"/agreements/{agreement.id}/draft"))
    section = first_section(session, agreement)
    prefix = f"section-{section.key}-"
    data = form_data(page, prefix)
    assert data.get(prefix + "csrf_token")
    data[prefix + "title"] = "Mit Token"
    assert (
        client.post(f"/agreements/{agreement.id}/draft/sections/{section.key}", data=data).status_code == 302
    )
    del data[prefix + "csrf_token"]
    assert (
        client.post(f"/agreements/{agreement.id}/draft/sections/{section.key}", data=data).status_code == 400
    )


@pytest.mark.parametrize("number", ["99999999999999999999", "²", "１", "-1", "0", ""])
def test_forged_revisions_are_refused_plainly(session, as_role, agreement, number) -> None:
    section = first_section(session, agreement)
    prefix = f"section-{section.key}-"
    client = as_role("facilitator")
    base = f"/agreements/{agreement.id}/draft"
    forged = {**section_fields(section), prefix + "base_revision": number}
    assert client.post(f"{base}/sections/{section.key}", data=forged).status_code == 400
    heading = {"heading-title": "T", "heading-preamble": "", "heading-base_revision": number}
    assert client.post(f"{base}/heading", data=heading).status_code == 400
    removal = {"base_revision": number}
    assert client.post(f"{base}/sections/{section.key}/remove", data=removal).status_code == 400
    assert (
        client.post(
            f"/agreements/{agreement.id}/framework", data={"framework_version_id": number}
        ).status_code
        == 400
    )
    parties = {"parties-parties-0-organisation_id": number, "parties-parties-0-party": "carrier"}
    # An empty choice clears the row; anything else is not an organisation from the list.
    assert client.post(f"{base}/parties", data=parties).status_code == (302 if number == "" else 422)
    assert first_section(session, agreement).revision == 1


def test_the_editor_reads_a_fixed_number_of_queries(session, as_role, people, agreement) -> None:
    larger = drafts.create_agreement(session, people.facilitator, space_id=people.space.id, title="Groß")
    for number in range(12):
        drafts.add_section(session, people.facilitator, larger.id, goal(f"Ziel {number}", f"Text {number}"))
    client = as_role("facilitator")
    urls = [f"/agreements/{agreement.id}/draft", f"/agreements/{larger.id}/draft"]
    client.get(urls[0])  # warm-up: the first request loads translations and templates
    counts = []
    for url in urls:
        session.close()  # each request reads from the database, as on a real server
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_every_id_on_the_editor_is_unique(session, as_role, people, agreement) -> None:
    drafts.add_section(session, people.facilitator, agreement.id, goal("Zweites Ziel", "Zwei."))
    section = first_section(session, agreement)
    stale = section_fields(section, body="Meins.")
    drafts.update_section(session, people.admin, agreement.id, section.key, base_revision=1,
                          base=goal(body=section.body), mine=goal(body="Deins."))  # fmt: skip
    client = as_role("facilitator")
    pages = [client.get(f"/agreements/{agreement.id}/draft"), client.get(f"/agreements/{agreement.id}"),
             client.post(f"/agreements/{agreement.id}/draft/sections/{section.key}", data=stale),
             client.post(f"/agreements/{agreement.id}/draft/sections", data={"new-title": ""})]  # fmt: skip
    assert [page.status_code for page in pages] == [200, 200, 409, 422]
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', text(page))
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


NUL_MESSAGE = "This text contains characters that cannot be stored, such as NUL."


def test_text_no_database_can_store_is_refused_with_a_message(session, as_role, agreement) -> None:
    section = first_section(session, agreement)
    prefix = f"section-{section.key}-"
    client = as_role("facilitator")
    base = f"/agreements/{agreement.id}/draft"
    answers = [
        client.post(f"{base}/sections/{section.key}", data=section_fields(section, body="Null\x00Byte")),
        client.post(f"{base}/sections", data={"new-kind": "rule", "new-title": "Regel\x00"}),
        client.post(
            f"{base}/sections",
            data={"new-kind": "rule", "new-title": "Regel", "new-indicators-0-name": "Kenn\x00zahl"},
        ),
        client.post(f"{base}/heading", data={"heading-title": "T\x00", "heading-base_revision": "1"}),
        client.post(f"{base}/publish", data={"publish-change_summary": "Fassung\x00"}),
        client.post(
            f"/agreements/{agreement.id}/status",
            data={"transition": "start_negotiation", "start_negotiation-note": "Notiz\x00"},
        ),
        client.post(f"/spaces/{agreement.space_id}/agreements/new", data={"title": "Neu\x00"}),
    ]
    for answer in answers:
        assert answer.status_code == 422 and NUL_MESSAGE in text(answer)
    assert "Null" in textarea(text(answers[0]), prefix + "body")
    assert first_section(session, agreement).revision == 1
    assert client.get(f"{base}/sections/ab%00cd/remove").status_code == 404
    assert client.post(f"{base}/sections/ab%00cd", data={}).status_code == 404
    assert client.post(f"{base}/sections/ab%00cd/move", data={"direction": "up"}).status_code == 404

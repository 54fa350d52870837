"""Exports of a published version through the service: visibility, JSON, Markdown, the PDF cache."""

from __future__ import annotations

import pytest

from agreements.services import drafts, exports, versions
from agreements.services.exports import PdfCache
from agreements.services.snapshots import SectionContent
from core.errors import NotFound, PermissionDenied
from tests import exports_data as data


@pytest.fixture
def who(session, make_user, space_by_code):
    return data.people(session, make_user, space_by_code("04011440"))


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_json_holds_every_field_of_the_version(session, who) -> None:
    agreement = data.agreement(session, who)
    result = exports.as_json(exports.version_export(session, None, agreement.id, 2, kind="agreement"))
    assert result["kind"] == "agreement" and result["document_id"] == agreement.id and result["number"] == 2
    assert result["title"] == data.AGREEMENT_TITLE
    assert result["status_at_publication"] == "draft"
    assert result["author"] == "Sonnenblume"
    assert result["space"]["code"] == "04011440"
    assert result["published_at"].endswith("Z")
    assert result["change_summary"].startswith("Ziele, Beratung")
    assert [p["name"] for p in result["parties"]] == ["Amt für Soziale Dienste", "Stadtteilhaus e.V."]
    assert [s["kind"] for s in result["sections"]] == ["goal", "quality_standard", "financing", "review"]
    goal, standard, financing, review = result["sections"]
    assert goal["plain_language"] == "Alle dürfen mitmachen."
    assert standard["indicators"] == [
        {"name": "Beratungen je Woche", "unit": "Anzahl", "baseline": "10", "target": "25",
         "data_source": "Statistik | Träger", "responsible_party": "provider"}
    ]  # fmt: skip
    assert financing["budget_lines"][0] == {
        "label": "Trägerbudget", "amount_euros": 120000, "funded_by": "Senatorin für Soziales"
    }  # fmt: skip
    assert review["review_date"] == "2027-03-31" and goal["review_date"] is None
    assert result["requirements"] is None and result["framework_version"] is None


def test_the_first_version_keeps_its_own_text(session, who) -> None:
    agreement = data.agreement(session, who)
    result = exports.as_json(exports.version_export(session, None, agreement.id, 1, kind="agreement"))
    assert [s["title"] for s in result["sections"]] == ["Entwurf"]
    assert result["parties"] == [] and result["change_summary"] == "Erster Entwurf"


def test_framework_json_states_its_requirements(session, who) -> None:
    framework = data.framework(session, who)
    result = exports.as_json(exports.version_export(session, None, framework.id, 1, kind="framework"))
    assert result["space"] is None
    assert result["requirements"] == {
        "required_section_kinds": ["goal", "review"], "indicators_need_target": True,
        "required_parties": ["carrier"], "max_review_interval_months": 24,
    }  # fmt: skip


def test_markdown_has_a_header_block_headings_and_tables(session, who, english) -> None:
    agreement = data.agreement(session, who)
    text = exports.as_markdown(exports.version_export(session, None, agreement.id, 2, kind="agreement"))
    header, body = text.split("\n---\n", 1)
    assert header.splitlines()[:7] == [
        "---",
        f'title: "{data.AGREEMENT_TITLE}"',
        "kind: agreement",
        f"document: {agreement.id}",
        "version: 2",
        "status: draft",
        f"date: {agreement.versions[1].created_at.date().isoformat()}",
    ]
    assert '  - organisation: "Amt für Soziale Dienste"\n    party: carrier' in header
    assert f"\n# {data.AGREEMENT_TITLE}\n" in body
    assert "\n## 1. Ziele\n" in body and "\n## 4. Überprüfung\n" in body
    # The section's own heading "## Unterziel" sits below the section heading.
    assert "\n### Unterziel\n" in body and "\n## Unterziel" not in body
    assert "\n### In plain language\n\nAlle dürfen mitmachen.\n" in body
    # Table cells escape the pipe character so that the table keeps its columns.
    assert "| Beratungen je Woche | Anzahl | 10 | 25 | Statistik \\| Träger | Providers |" in body
    assert "| Trägerbudget | 120,000 | Senatorin für Soziales |" in body
    assert "| Total | 125,500 |  |" in body
    assert "Review date: March 31, 2027" in body


def test_markdown_header_quotes_titles_safely(session, who, english) -> None:
    agreement = data.agreement(
        session, who, status="draft", sections=[SectionContent(kind="text", title="T")]
    )
    drafts.update_heading(
        session, who.facilitator, agreement.id, base_revision=agreement.draft_revision,
        title='Regeln: "Haus" # 1', preamble="",
    )  # fmt: skip
    versions.publish_version(session, who.facilitator, agreement.id, change_summary="Titel")
    text = exports.as_markdown(exports.version_export(session, who.member, agreement.id, 3, kind="agreement"))
    assert 'title: "Regeln: \\"Haus\\" # 1"' in text


def test_members_only_versions_are_refused_to_others(session, who) -> None:
    agreement = data.agreement(session, who, status="negotiation")
    for outsider in (None, who.outsider):
        with pytest.raises(PermissionDenied):
            exports.version_export(session, outsider, agreement.id, 2, kind="agreement")
    for reader in (who.member, who.facilitator, who.admin):
        assert exports.version_export(session, reader, agreement.id, 2, kind="agreement").version.number == 2


def test_unknown_versions_and_the_wrong_kind_look_missing(session, who) -> None:
    agreement = data.agreement(session, who)
    framework = data.framework(session, who)
    for document_id, number, kind in [
        (agreement.id, 3, "agreement"),
        (agreement.id + framework.id + 1000, 1, "agreement"),
        (agreement.id, 1, "framework"),
        (framework.id, 1, "agreement"),
    ]:
        with pytest.raises(NotFound):
            exports.version_export(session, who.admin, document_id, number, kind=kind)


def test_file_names_name_the_kind_document_and_version(session, who) -> None:
    agreement = data.agreement(session, who)
    framework = data.framework(session, who)
    assert exports.version_export(session, None, agreement.id, 2, kind="agreement").filename("pdf") == (
        f"vereinbarung-{agreement.id}-fassung-2.pdf"
    )
    assert exports.version_export(session, None, framework.id, 1, kind="framework").filename("md") == (
        f"rahmen-{framework.id}-fassung-1.md"
    )


def test_markdown_headings_of_a_section_move_below_the_section_heading() -> None:
    text = "Text\n\n## Unter\n\nSetext\nzwei\n===\n\n> ## zitiert\n\n```\n## Code\n```\n\n###### sechs"
    assert exports.demote_markdown_headings(text).splitlines() == [
        "Text", "", "### Unter", "", "### Setext zwei", "", "> ## zitiert", "", "```", "## Code", "```", "",
        "###### sechs",
    ]  # fmt: skip


def test_section_headings_move_below_the_section_heading() -> None:
    from markupsafe import Markup

    assert exports.demote_headings(Markup("<h2>a</h2><h3>b</h3><h6>c</h6><p>h2</p>")) == (
        "<h3>a</h3><h4>b</h4><h6>c</h6><p>h2</p>"
    )


PAGE = '<!doctype html><html lang="de"><head><title>{0}</title></head><body><h1>{0}</h1></body></html>'


def test_the_pdf_cache_makes_each_pdf_once_per_version_language_and_content() -> None:
    cache = PdfCache()
    asked: list[str] = []

    def page(title: str):
        def make() -> str:
            asked.append(title)
            return PAGE.format(title)

        return make

    first = cache.pdf_for(1, "de", "eins", page("Eins"))
    assert cache.pdf_for(1, "de", "eins", page("Eins")) is first
    assert asked == ["Eins"] and cache.generated == 1
    cache.pdf_for(1, "en", "eins", page("One"))
    changed = cache.pdf_for(1, "de", "zwei", page("Zwei"))
    assert changed != first and asked == ["Eins", "One", "Zwei"] and cache.generated == 3


def test_the_pdf_cache_drops_the_least_recently_used_beyond_its_budget() -> None:
    cache = PdfCache()
    one = cache.pdf_for(1, "de", "eins", lambda: PAGE.format("Eins"))
    cache.max_bytes = len(one) + 1
    cache.pdf_for(2, "de", "zwei", lambda: PAGE.format("Zwei"))
    cache.pdf_for(1, "de", "eins", lambda: PAGE.format("Eins"))
    assert cache.generated == 3


def test_the_fingerprint_follows_what_the_export_shows(session, who) -> None:
    agreement = data.agreement(session, who)
    before = exports.fingerprint(exports.version_export(session, None, agreement.id, 2, kind="agreement"))
    assert before == exports.fingerprint(
        exports.version_export(session, None, agreement.id, 2, kind="agreement")
    )
    assert before != exports.fingerprint(
        exports.version_export(session, None, agreement.id, 1, kind="agreement")
    )
    who.facilitator.pseudonym = "Pusteblume"
    session.commit()
    after = exports.version_export(session, None, agreement.id, 2, kind="agreement")
    assert exports.fingerprint(after) != before and after.author_name == "Pusteblume"


def test_pdf_rendering_refuses_to_fetch_what_a_text_names(caplog) -> None:
    html = PAGE.replace("</body>", '<img src="http://127.0.0.1:9/secret.png" alt="x"></body>').format("Bild")
    with caplog.at_level("WARNING", logger="raumrat.exports"):
        assert exports.render_pdf(html).startswith(b"%PDF-")
    assert [r.getMessage() for r in caplog.records if r.name == "raumrat.exports"] == [
        "PDF export refused to fetch http://127.0.0.1:9/secret.png"
    ]


def test_an_agreement_names_its_framework_version_as_it_was_published(session, who) -> None:
    framework = data.framework(session, who)
    framework_version = framework.versions[0]
    agreement = drafts.create_agreement(
        session, who.facilitator, space_id=who.space.id, title="T", framework_version_id=framework_version.id
    )
    versions.publish_version(session, who.facilitator, agreement.id, change_summary="v1")
    drafts.update_heading(
        session,
        who.admin,
        framework.id,
        base_revision=framework.draft_revision,
        title="Neuer Titel",
        preamble="",
    )
    result = exports.as_json(exports.version_export(session, who.member, agreement.id, 1, kind="agreement"))
    assert result["framework_version"] == {
        "document_id": framework.id,
        "title": data.FRAMEWORK_TITLE,
        "number": 1,
    }

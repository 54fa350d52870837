"""Downloading a published version as PDF, Markdown and JSON.

Stories: a visitor downloads an adopted agreement as a tagged PDF a screen reader can read; a
script fetches the JSON; a member keeps a Markdown copy of a draft version that only members see.
"""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from agreements.services.exports import pdf_cache
from tests import exports_data as data


@pytest.fixture
def who(session, make_user, space_by_code):
    return data.people(session, make_user, space_by_code("04011440"))


@pytest.fixture(autouse=True)
def _empty_pdf_cache():
    # Ids are reused after the database is emptied between tests (SQLite).
    pdf_cache.clear()
    yield
    pdf_cache.clear()


def structure_roles(reader: PdfReader) -> list[str]:
    """The structure element types (/H1, /Table, /TH, …) of a tagged PDF, in document order."""
    roles: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            roles.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return roles


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_visitor_downloads_an_adopted_agreement_as_a_tagged_pdf(client, session, who) -> None:
    agreement = data.agreement(session, who)
    response = client.get(f"/agreements/{agreement.id}/versions/2.pdf", headers={"Accept-Language": "de"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="vereinbarung-{agreement.id}-fassung-2.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "de"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title.startswith(data.AGREEMENT_TITLE)
    assert reader.metadata.author == "Sonnenblume"
    roles = structure_roles(reader)
    assert roles.count("/H1") == 1 and "/H2" in roles and "/H3" in roles
    assert roles.count("/Table") == 4  # facts, parties, indicators, budget
    assert "/TH" in roles and "/TD" in roles
    text = pdf_text(response.data)
    for expected in [
        data.AGREEMENT_TITLE, "Gröpelingen", "Sonnenblume", "Amt für Soziale Dienste", "Stadtteilhaus e.V.",
        "Ziele, Beratung und Budget ergänzt.", "1. Ziele", "Unterziel", "Alle dürfen mitmachen.",
        "Beratungen je Woche", "Trägerbudget", "120.000", "125.500", "Wir wollen gemeinsam.",
        # Links in the text show their address on paper.
        "https://example.org/amt",
    ]:  # fmt: skip
        assert expected in text, expected


def test_the_pdf_speaks_the_readers_language(client, session, who) -> None:
    agreement = data.agreement(session, who)
    response = client.get(f"/agreements/{agreement.id}/versions/2.pdf", headers={"Accept-Language": "en"})
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Status at publication" in pdf_text(response.data)


def test_a_version_downloads_byte_for_byte_the_same_every_time(client, session, who) -> None:
    agreement = data.agreement(session, who)
    url = f"/agreements/{agreement.id}/versions/2.pdf"
    generated = pdf_cache.generated
    first = client.get(url).data
    second = client.get(url).data
    assert first == second
    assert pdf_cache.generated == generated + 1
    # Made afresh (cache emptied), the file is still the same: its creation date is the version's.
    pdf_cache.clear()
    assert client.get(url).data == first
    for fmt in ("md", "json"):
        one = client.get(f"/agreements/{agreement.id}/versions/2.{fmt}")
        assert (
            one.status_code == 200
            and one.data == client.get(f"/agreements/{agreement.id}/versions/2.{fmt}").data
        )


def test_an_unchanged_download_is_not_sent_again(client, session, who) -> None:
    agreement = data.agreement(session, who)
    url = f"/agreements/{agreement.id}/versions/2.json"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_each_version_keeps_its_own_text(client, session, who) -> None:
    agreement = data.agreement(session, who)
    text = pdf_text(client.get(f"/agreements/{agreement.id}/versions/1.pdf").data)
    assert "Entwurf" in text and "Beratungen je Woche" not in text


def test_a_framework_downloads_with_its_requirements(client, session, who) -> None:
    framework = data.framework(session, who)
    response = client.get(f"/frameworks/{framework.id}/versions/1.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f'inline; filename="rahmen-{framework.id}-fassung-1.pdf"'
    )
    text = pdf_text(response.data)
    assert data.FRAMEWORK_TITLE in text and "Land Bremen" in text
    assert "reviewed at the latest after 24 months" in text
    markdown = client.get(f"/frameworks/{framework.id}/versions/1.md", headers={"Accept-Language": "en"})
    assert "- Sections an agreement must contain: Goal, Review" in markdown.get_data(as_text=True)
    # Frameworks have no workflow: each of their versions is simply published.
    assert "\nstatus: published\n" in markdown.get_data(as_text=True)
    assert "Version 1 · Published" in text


def test_markdown_download(client, session, who) -> None:
    agreement = data.agreement(session, who)
    response = client.get(f"/agreements/{agreement.id}/versions/2.md", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="vereinbarung-{agreement.id}-fassung-2.md"'
    )
    text = response.get_data(as_text=True)
    assert text.startswith(f'---\ntitle: "{data.AGREEMENT_TITLE}"\n')
    assert "\nparties:\n  - organisation: " in text
    assert "\n## 3. Finanzierung\n" in text
    assert "| Indicator | Unit | Baseline | Target | Data source | Responsible |" in text


def test_json_download(client, session, who) -> None:
    agreement = data.agreement(session, who)
    response = client.get(f"/agreements/{agreement.id}/versions/2.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert body["title"] == data.AGREEMENT_TITLE and body["number"] == 2
    assert body["sections"][1]["indicators"][0]["target"] == "25"
    assert body["sections"][3]["review_date"] == "2027-03-31"
    assert body["links"]["pdf"] == f"http://raumrat.test/agreements/{agreement.id}/versions/2.pdf"
    assert body["links"]["html"] == f"http://raumrat.test/agreements/{agreement.id}/versions/2"


@pytest.mark.parametrize("fmt", ["pdf", "md", "json"])
def test_members_only_versions_are_refused_to_visitors_and_outsiders(
    client, login, session, who, fmt
) -> None:
    agreement = data.agreement(session, who, status="negotiation")
    url = f"/agreements/{agreement.id}/versions/2.{fmt}"
    assert client.get(url).status_code == 401
    assert login(who.outsider).get(url).status_code == 403
    assert login(who.member).get(url).status_code == 200


@pytest.mark.parametrize("fmt", ["pdf", "md", "json"])
def test_unknown_documents_versions_and_kinds_are_not_found(client, session, who, fmt) -> None:
    agreement = data.agreement(session, who)
    for url in [
        f"/agreements/{agreement.id}/versions/3.{fmt}",
        f"/agreements/{agreement.id + 1000}/versions/1.{fmt}",
        f"/frameworks/{agreement.id}/versions/1.{fmt}",
        f"/agreements/{2**40}/versions/1.{fmt}",
        f"/agreements/{agreement.id}/versions/{2**40}.{fmt}",
        f"/agreements/{agreement.id}/versions/0.{fmt}",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/agreements/{agreement.id}/versions/2.docx").status_code == 404

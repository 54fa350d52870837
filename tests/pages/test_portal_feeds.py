"""Atom feeds of new versions and status changes: valid Atom 1.0, public documents only, per space."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from agreements.services import drafts, versions
from tests.portal_data import agreement, framework, section

NS = {"atom": "http://www.w3.org/2005/Atom"}


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def titles(feed: ET.Element) -> list[str]:
    return [entry.findtext("atom:title", namespaces=NS) for entry in feed.findall("atom:entry", NS)]


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def admin(make_user):
    return make_user("ada", admin=True)


@pytest.fixture
def texts(session, admin, space_by_code):
    groepelingen, walle = space_by_code("04011440"), space_by_code("04011430")
    leitsaetze = framework(session, admin, "Leitsätze", [section("text", "Worum geht es?", "Teilhabe.")])
    adopted = agreement(session, admin, groepelingen, "Vereinbarung Gröpelingen", [section()])
    agreement(session, admin, walle, "Spielplätze Walle", [section()], status="consultation")
    secret = agreement(session, admin, groepelingen, "Geheimer Entwurf", [section()], status="negotiation")
    drafts.add_section(session, admin, secret.id, section("rule", "Noch geheim"))
    versions.publish_version(session, admin, secret.id, change_summary="Zweiter Entwurf – intern")
    agreement(session, admin, groepelingen, "Zurückgezogen", [section()], status="withdrawn")
    return {"framework": leitsaetze, "adopted": adopted, "groepelingen": groepelingen, "walle": walle}


def test_the_overall_feed_is_valid_atom_with_public_versions_and_status_changes(client, texts) -> None:
    feed = parse(client.get("/feeds/versions.atom"))
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"atom:{name}", namespaces=NS)
    assert feed.find("atom:link[@rel='self']", NS).get("href") == "http://raumrat.test/feeds/versions.atom"
    entries = feed.findall("atom:entry", NS)
    ids = [entry.findtext("atom:id", namespaces=NS) for entry in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"atom:{name}", namespaces=NS), name
        assert entry.findtext("atom:author/atom:name", namespaces=NS)
        assert entry.find("atom:link", NS).get("href").startswith("http://raumrat.test/")
        datetime.fromisoformat(entry.findtext("atom:updated", namespaces=NS))  # RFC 3339
    found = titles(feed)
    assert "Leitsätze – version 1" in found and "Vereinbarung Gröpelingen – version 1" in found
    assert "Vereinbarung Gröpelingen: Adopted" in found and "Spielplätze Walle: Consultation" in found
    link = f"http://raumrat.test/agreements/{texts['adopted'].id}/versions/1"
    assert any(entry.find("atom:link", NS).get("href") == link for entry in entries)


def test_members_only_documents_never_appear(client, texts) -> None:
    body = client.get("/feeds/versions.atom").get_data(as_text=True)
    assert "Geheimer Entwurf" not in body and "intern" not in body and "Zurückgezogen" not in body


def test_a_space_feed_holds_only_that_space(client, texts) -> None:
    feed = parse(client.get(f"/spaces/{texts['groepelingen'].id}/feed.atom"))
    assert "Gröpelingen" in feed.findtext("atom:title", namespaces=NS)
    found = titles(feed)
    assert "Vereinbarung Gröpelingen – version 1" in found
    assert not any("Spielplätze" in title or "Leitsätze" in title or "Geheim" in title for title in found)


def test_an_empty_feed_is_still_valid(client, space_by_code) -> None:
    feed = parse(client.get(f"/spaces/{space_by_code('04011440').id}/feed.atom"))
    assert feed.findtext("atom:updated", namespaces=NS) and feed.findall("atom:entry", NS) == []


@pytest.mark.parametrize("space_id", ["999999", "9" * 25])
def test_unknown_spaces_have_no_feed(client, space_id) -> None:
    assert client.get(f"/spaces/{space_id}/feed.atom").status_code == 404


def test_the_space_page_and_the_portal_point_to_their_feeds(client, space_by_code) -> None:
    space = space_by_code("04011440")
    page = client.get(f"/spaces/{space.id}").get_data(as_text=True)
    assert f'<link rel="alternate" type="application/atom+xml" href="/spaces/{space.id}/feed.atom"' in page
    assert 'type="application/atom+xml" href="/feeds/versions.atom"' in client.get("/portal").get_data(
        as_text=True
    )


def test_text_in_feeds_is_escaped(session, client, admin) -> None:
    framework(session, admin, "Regeln <script>&", [section("rule", "R", "x")])
    body = client.get("/feeds/versions.atom").get_data(as_text=True)
    assert "<script>" not in body and "Regeln &lt;script&gt;&amp; – version 1" in body

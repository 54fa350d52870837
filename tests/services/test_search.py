"""Full-text search over published versions: what the public may find, umlauts and stemming,
highlighting without markup injection, hostile queries, and the portal's filters."""

from __future__ import annotations

from datetime import date

import pytest

from agreements.services import drafts, versions
from agreements.services.search import (
    MAX_QUERY_LENGTH,
    PortalFilter,
    clean_query,
    fts5_query,
    plain_text,
    portal,
    search,
    validate_filter,
)
from core.errors import InvalidInput
from governance.models import Organisation
from tests.portal_data import agreement, framework, section


@pytest.fixture
def admin(make_user):
    return make_user("ada", admin=True)


@pytest.fixture
def groepelingen(space_by_code):
    return space_by_code("04011440")


def dialect(session) -> str:
    return session.get_bind().dialect.name


def found(session, query: str, **filters) -> list[str]:
    hits, _ = search(session, PortalFilter(query=query, **filters))
    return [hit.document.title for hit in hits]


@pytest.fixture
def texts(session, admin, groepelingen):
    carrier = Organisation(name="Amt für Soziale Dienste", kind="carrier")
    session.add(carrier)
    session.commit()
    framework(
        session, admin, "Leitsätze Sozialraumorientierung",
        [section("text", "Worum geht es?", "Im Mittelpunkt steht der einzelne Mensch mit seinen "
                 "Vorstellungen von einem guten Leben.")],
    )  # fmt: skip
    agreement(
        session, admin, groepelingen, "Vereinbarung Gröpelingen",
        [section("financing", "Trägerbudget", "Die Leistungserbringer erhalten ein Trägerbudget für "
                 "Assistenz im Quartier.")],
        parties=[(carrier.id, "carrier")],
    )  # fmt: skip
    agreement(
        session, admin, groepelingen, "Geheimer Entwurf",
        [section("goal", "Ziele", "Ein vertrauliches Trägerbudget für den Lindenhof.")],
        status="negotiation",
    )  # fmt: skip
    agreement(
        session, admin, groepelingen, "Offene Beteiligung Spielplätze",
        [section("rule", "Spielplätze", "Spielplätze werden barrierefrei umgebaut.")],
        status="consultation", consultation=(date(2026, 3, 1), date(2026, 3, 31)),
    )  # fmt: skip


def test_published_texts_in_force_are_found_and_members_only_drafts_are_not(session, texts) -> None:
    assert found(session, "Trägerbudget") == ["Vereinbarung Gröpelingen"]
    assert found(session, "Mittelpunkt Mensch") == ["Leitsätze Sozialraumorientierung"]
    assert found(session, "vertrauliches") == []


def test_matches_are_highlighted_in_title_and_snippet(session, texts) -> None:
    hits, _ = search(session, PortalFilter(query="Trägerbudget"))
    assert "<mark>Trägerbudget</mark>" in hits[0].snippet
    found_by_title, _ = search(session, PortalFilter(query="Gröpelingen"))
    assert "<mark>Gröpelingen</mark>" in found_by_title[0].title


def test_user_text_never_becomes_markup_in_a_snippet(session, admin, groepelingen) -> None:
    agreement(
        session, admin, groepelingen, "Regeln <b>fett</b>",
        [section("rule", "Hausordnung", "Kein <script>alert(1)</script> Skript; Regeln gelten für alle.")],
    )  # fmt: skip
    hit = search(session, PortalFilter(query="Regeln"))[0][0]
    assert "<script>" not in hit.snippet and "<b>" not in hit.title
    assert "&lt;b&gt;" in hit.title and "<mark>Regeln</mark>" in hit.title


def test_only_the_newest_version_of_a_text_is_searched(session, admin, texts) -> None:
    document = next(d for d in drafts_of(session) if d.title == "Leitsätze Sozialraumorientierung")
    key = document.draft_sections[0].key
    old = section("text", "Worum geht es?", "Im Mittelpunkt steht der einzelne Mensch.")
    drafts.update_section(
        session, admin, document.id, key, base_revision=1, base=old,
        mine=section("text", "Worum geht es?", "Im Zentrum steht jede Bürgerin und jeder Bürger."),
    )  # fmt: skip
    versions.publish_version(session, admin, document.id, change_summary="Neu gefasst")
    assert found(session, "Mittelpunkt") == []
    hits, _ = search(session, PortalFilter(query="Zentrum"))
    assert [hit.version.number for hit in hits] == [2]


def drafts_of(session):
    from sqlalchemy import select

    from agreements.models import Document

    return session.scalars(select(Document))


def test_umlauts_and_accents_are_folded_on_sqlite(session, texts) -> None:
    if dialect(session) != "sqlite":
        pytest.skip("FTS5 folds diacritics; PostgreSQL's German configuration stems instead")
    assert found(session, "Tragerbudget") == ["Vereinbarung Gröpelingen"]
    assert found(session, "GROPELINGEN") == ["Vereinbarung Gröpelingen"]
    # Without stemming every word also matches as a prefix.
    assert found(session, "Leistungserbring") == ["Vereinbarung Gröpelingen"]


def test_german_stemming_on_postgresql(session, texts) -> None:
    if dialect(session) != "postgresql":
        pytest.skip("German stemming is PostgreSQL's")
    # "Leistungserbringern" and "Leistungserbringer" share a stem; so do "Leben" and "Lebens".
    assert found(session, "Leistungserbringern") == ["Vereinbarung Gröpelingen"]
    assert found(session, "Lebens") == ["Leitsätze Sozialraumorientierung"]
    assert found(session, '"einzelne Mensch" -Trägerbudget') == ["Leitsätze Sozialraumorientierung"]


@pytest.mark.parametrize(
    "query",
    ['"', "AND (", "NEAR(", "*", "title:Ziel", "-", "^x", "'; DROP TABLE documents; --", "a OR",
     "\x00", "((((", ")", "\\", '"unclosed phrase', "NOT", "Trä*ger*budget", "x" * MAX_QUERY_LENGTH],
)  # fmt: skip
def test_hostile_queries_never_raise(session, texts, query) -> None:
    results = portal(session, validate_filter(session, query=query))
    # Control characters are dropped; what remains is searched.
    assert (results.hits is not None) == bool(clean_query(query))


def test_fts5_queries_quote_every_word() -> None:
    assert fts5_query('Ziel AND (" NEAR ab') == '"Ziel"* "AND"* "NEAR"* "ab"'
    assert fts5_query('"') == ""


def test_an_overlong_query_and_unknown_filters_are_refused(session, texts) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_filter(session, query="x" * (MAX_QUERY_LENGTH + 1), space="999999", status="secret",
                        party="aliens", kind="novel")  # fmt: skip
    assert refused.value.field_errors == {
        "q": ["too_long"], "space": ["unknown_space"], "status": ["unknown_status"],
        "party": ["unknown_party"], "kind": ["unknown_kind"],
    }  # fmt: skip


def test_filters_by_space_status_party_and_kind(session, texts, groepelingen, space_by_code) -> None:
    def titles(**filters) -> set[str]:
        results = portal(session, PortalFilter(**filters), today=date(2026, 3, 15))
        return {entry.document.title for group in results.groups for entry in group.entries}

    everything = titles()
    assert everything == {"Leitsätze Sozialraumorientierung", "Vereinbarung Gröpelingen",
                          "Offene Beteiligung Spielplätze"}  # fmt: skip
    assert titles(space_id=groepelingen.id) == everything - {"Leitsätze Sozialraumorientierung"}
    assert titles(space_id=space_by_code("04011430").id) == set()
    assert titles(status="in_force") == {"Vereinbarung Gröpelingen"}
    assert titles(status="consultation") == {"Offene Beteiligung Spielplätze"}
    assert titles(party="carrier") == {"Vereinbarung Gröpelingen"}
    assert titles(party="provider") == set()
    assert titles(kind="framework") == {"Leitsätze Sozialraumorientierung"}
    assert found(session, "Trägerbudget", party="provider") == []


def test_a_consultation_is_listed_only_while_it_is_open(session, texts) -> None:
    def listed(today: date) -> bool:
        results = portal(session, PortalFilter(), today=today)
        return any(
            e.document.title == "Offene Beteiligung Spielplätze" for g in results.groups for e in g.entries
        )

    assert listed(date(2026, 3, 1)) and listed(date(2026, 3, 31))
    assert not listed(date(2026, 2, 28)) and not listed(date(2026, 4, 1))


def test_frameworks_come_first_then_spaces(session, texts) -> None:
    groups = portal(session, PortalFilter(), today=date(2026, 3, 15)).groups
    assert groups[0].space is None and groups[1].space.code == "04011440"


def test_plain_text_drops_markdown_and_keeps_words() -> None:
    assert plain_text("## Ziele\n\n- **mehr** Teilhabe & [Beratung](https://x.example)") == (
        "Ziele\n\nmehr Teilhabe & Beratung"
    )

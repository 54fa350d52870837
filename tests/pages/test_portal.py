"""The public portal: texts in force by social space, full-text search with highlighted snippets,
filters, htmx fragment, bad input, and a query count that does not grow with the results."""

from __future__ import annotations

from datetime import date

import pytest

from core import pagecache
from governance.models import Organisation
from tests.portal_data import agreement, framework, section
from tests.querycount import counted_queries


def text(response) -> str:
    return response.get_data(as_text=True)


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def admin(make_user):
    return make_user("ada", admin=True)


@pytest.fixture
def carrier(session) -> Organisation:
    organisation = Organisation(name="Amt für Soziale Dienste West", kind="carrier")
    session.add(organisation)
    session.commit()
    return organisation


@pytest.fixture
def texts(session, admin, carrier, space_by_code):
    groepelingen = space_by_code("04011440")
    return {
        "framework": framework(
            session, admin, "Leitsätze Sozialraumorientierung",
            [section("text", "Worum geht es?", "Im Mittelpunkt steht der einzelne Mensch.")],
        ),
        "adopted": agreement(
            session, admin, groepelingen, "Vereinbarung Gröpelingen",
            [section("financing", "Trägerbudget", "Ein **Trägerbudget** für Assistenz im Quartier.",
                     plain_language="Es gibt Geld für Hilfe im Stadtteil.")],
            parties=[(carrier.id, "carrier")],
        ),
        "consultation": agreement(
            session, admin, space_by_code("04011430"), "Spielplätze für alle",
            [section("rule", "Spielplätze", "Spielplätze werden barrierefrei.")], status="consultation",
        ),
        "draft": agreement(
            session, admin, groepelingen, "Vertraulicher Entwurf",
            [section("goal", "Ziele", "Ein Trägerbudget, über das noch verhandelt wird.")],
            status="negotiation",
        ),
    }  # fmt: skip


def test_the_portal_is_linked_from_the_header_and_the_home_page(client) -> None:
    home = text(client.get("/"))
    assert home.count('href="/portal"') == 2


def test_anonymous_visitors_see_texts_in_force_by_space(client, texts) -> None:
    response = client.get("/portal")
    page = text(response)
    assert response.status_code == 200 and page.count("<h1") == 1
    for name in ("Leitsätze Sozialraumorientierung", "Vereinbarung Gröpelingen", "Spielplätze für alle"):
        assert name in page
    assert "Vertraulicher Entwurf" not in page
    assert "Frameworks for the whole Land Bremen" in page and ">Gröpelingen</a>" in page
    assert page.index("Frameworks for the whole Land Bremen") < page.index("Gröpelingen</a></h3>")
    assert "Amt für Soziale Dienste West (Carrier)" in page
    assert f'href="/agreements/{texts["adopted"].id}/versions/1"' in page
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/versions.atom"' in page
    assert 'aria-current="page">Agreements</a>' in page


def test_search_shows_highlighted_snippets_linking_to_the_version(client, texts) -> None:
    page = text(client.get("/portal", query_string={"q": "Trägerbudget"}))
    assert "1 text found" in page
    assert "<mark>Trägerbudget</mark>" in page and "**" not in page
    assert f'href="/agreements/{texts["adopted"].id}/versions/1"' in page
    assert "Vertraulicher Entwurf" not in page


def test_plain_language_texts_are_searched_too(client, texts) -> None:
    page = text(client.get("/portal", query_string={"q": "Stadtteil"}))
    assert "Vereinbarung Gröpelingen" in page and "<mark>Stadtteil</mark>" in page


def test_nothing_found_is_said_plainly(client, texts) -> None:
    page = text(client.get("/portal", query_string={"q": "Raumfahrt"}))
    assert "0 texts found" in page and "No text matches your search" in page


@pytest.mark.parametrize("query", ['"', "AND (", "NEAR(x", "*", "a:b", "'--", "\x00x"])
def test_hostile_search_input_gets_an_answer(client, texts, query) -> None:
    response = client.get("/portal", query_string={"q": query})
    assert response.status_code == 200 and "portal-results" in text(response)


def test_filters_narrow_the_list(client, texts, space_by_code) -> None:
    walle = space_by_code("04011430")
    by_space = text(client.get("/portal", query_string={"space": walle.id}))
    assert "Spielplätze für alle" in by_space and "Vereinbarung Gröpelingen" not in by_space
    assert f'<option value="{walle.id}" selected>' in by_space
    by_status = text(client.get("/portal", query_string={"status": "in_force"}))
    assert "Vereinbarung Gröpelingen" in by_status and "Spielplätze für alle" not in by_status
    assert "Leitsätze Sozialraumorientierung" not in by_status
    by_party = text(client.get("/portal", query_string={"party": "carrier"}))
    assert "Vereinbarung Gröpelingen" in by_party and "Spielplätze für alle" not in by_party
    nothing = text(client.get("/portal", query_string={"party": "provider"}))
    assert "No text in force matches these filters" in nothing
    frameworks_only = text(client.get("/portal", query_string={"kind": "framework", "q": "Mensch"}))
    assert "Leitsätze Sozialraumorientierung" in frameworks_only and "1 text found" in frameworks_only


def test_only_spaces_with_texts_are_offered_in_the_filter(client, texts, space_by_code) -> None:
    page = text(client.get("/portal"))
    assert f'<option value="{space_by_code("04011440").id}">Gröpelingen</option>' in page
    assert f'<option value="{space_by_code("04011440").parent_id}">' not in page


def test_bad_filters_are_explained_and_everything_is_shown(client, texts) -> None:
    response = client.get(
        "/portal",
        query_string={"q": "x" * 201, "space": "abc", "status": "secret", "party": "?", "kind": "k"},
    )
    page = text(response)
    assert response.status_code == 400
    for message in ("200 characters or fewer", "Choose a social space from the list",
                    "Choose a status from the list", "Choose a party from the list",
                    "Choose a kind of text from the list"):  # fmt: skip
        assert message in page
    assert 'value="' + "x" * 201 + '"' in page and "Vereinbarung Gröpelingen" in page


def test_a_huge_space_number_is_a_bad_filter_not_a_crash(client, texts) -> None:
    assert client.get("/portal", query_string={"space": "9" * 30}).status_code == 400


def test_htmx_gets_only_the_results(client, texts) -> None:
    response = client.get("/portal?q=Mensch", headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert body.startswith('<section id="portal-results"') and "<html" not in body
    assert "<mark>Mensch</mark>" in body


def test_the_query_count_does_not_grow_with_the_results(
    session, client, admin, carrier, space_by_code
) -> None:
    space = space_by_code("04011440")

    def add(count: int) -> None:
        for number in range(count):
            agreement(session, admin, space, f"Vereinbarung {number}", [section(body="Teilhabe im Quartier")],
                      parties=[(carrier.id, "carrier")])  # fmt: skip

    def queries(url: str) -> int:
        # Count a full render: no cached page, no objects left in the shared session's identity map.
        pagecache.clear()
        session.expire_all()
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add(2)
    few = (queries("/portal"), queries("/portal?q=Teilhabe"))
    add(6)
    assert (queries("/portal"), queries("/portal?q=Teilhabe")) == few
    assert "8 texts found" in text(client.get("/portal?q=Teilhabe"))


def test_a_consultation_disappears_once_it_has_ended(session, client, admin, space_by_code) -> None:
    agreement(
        session, admin, space_by_code("04011440"), "Beteiligung vorbei", [section()],
        status="consultation", consultation=(date(2020, 1, 1), date(2020, 2, 1)),
    )  # fmt: skip
    assert "Beteiligung vorbei" not in text(client.get("/portal"))

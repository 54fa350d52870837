"""The version page prints cleanly, and links to its downloads.

The page is printed with WeasyPrint, which applies the stylesheet's ``@media print`` rules exactly
as a browser's print preview does; the test reads the text of the printed pages.
"""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests import exports_data as data


@pytest.fixture
def who(session, make_user, space_by_code):
    return data.people(session, make_user, space_by_code("04011440"))


def screen_and_print(client: FlaskClient, url: str) -> tuple[str, str]:
    """The page at ``url`` as HTML, and its text as it comes out of a printer."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FromTestClient(URLFetcher):
        def fetch(self, address: str, headers=None) -> URLFetcherResponse:
            response = client.get(address.removeprefix("http://raumrat.test"))
            assert response.status_code == 200, address
            return URLFetcherResponse(address, response.data, {"Content-Type": response.content_type})

    with client.session_transaction() as browser_session:
        browser_session["lang"] = "en"  # the texts this test looks for
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    printed = weasyprint.HTML(string=html, base_url=f"http://raumrat.test{url}", url_fetcher=FromTestClient())
    pdf = printed.write_pdf()
    return html, " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_version_page_links_to_its_downloads(client, session, who) -> None:
    agreement = data.agreement(session, who)
    html = client.get(f"/agreements/{agreement.id}/versions/2").get_data(as_text=True)
    for fmt in ("pdf", "md", "json"):
        assert html.count(f'href="/agreements/{agreement.id}/versions/2.{fmt}"') == 1


def test_a_printed_version_shows_the_text_without_navigation_or_forms(client, login, session, who) -> None:
    agreement = data.agreement(session, who)
    login(who.member)
    html, text = screen_and_print(client, f"/agreements/{agreement.id}/versions/2")
    assert data.AGREEMENT_TITLE in text and "Trägerbudget" in text and "Beratungen je Woche" in text
    # The address of a link in the body text is printed after it.
    assert "der Seite des Amts (https://example.org/amt)" in text
    for hidden in [
        "Skip to main content", "Social spaces", "My account", "Sign out", "Deutsch",
        "About, data sources and accessibility", "Download this version", "What changed since version 1",
    ]:  # fmt: skip
        assert hidden in html and hidden not in text, hidden

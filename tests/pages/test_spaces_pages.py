"""The directory and a space's pages through the test client."""

from __future__ import annotations

from governance.models import SpaceMembership, User


def test_the_directory_shows_the_hierarchy_and_searches(client) -> None:
    page = client.get("/spaces")
    assert page.status_code == 200 and "Gröpelingen" in page.text and "<details" in page.text
    found = client.get("/spaces", query_string={"q": "groepelingen"})
    assert "social spaces found" in found.text or "social space found" in found.text


def test_the_live_search_answers_htmx_with_the_fragment_only(client) -> None:
    response = client.get("/spaces", query_string={"q": "Walle"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="space-results"')
    assert "<html" not in response.text and "HX-Request" in response.headers["Vary"]


def test_a_bad_filter_is_explained_and_kept(client) -> None:
    response = client.get("/spaces", query_string={"q": "x" * 150, "level": "planet"})
    assert response.status_code == 400
    assert "Choose a level from the list" in response.text and "x" * 150 in response.text


def test_large_parties_show_a_preview_and_a_link_to_everyone(
    client, session, make_user, login, space_by_code
):
    space = space_by_code("04011440")
    for number in range(20):
        user = User(email=f"b{number}@test.example", display_name=f"Person {number}", locale="en")
        session.add(SpaceMembership(space=space, user=user, party="beneficiary", status="active"))
    session.commit()
    login(make_user())
    page = client.get(f"/spaces/{space.id}").text
    assert "Person 11" in page and "Person 12" not in page
    assert "Show all 20 members of this party" in page
    everyone = client.get(f"/spaces/{space.id}/members", query_string={"party": "beneficiary"}).text
    assert "Person 19" in everyone and "20 members" in everyone


def test_anonymous_visitors_see_counts_and_are_asked_to_sign_in_for_names(client, space_by_code) -> None:
    space = space_by_code("04011440")
    assert "to see who takes part" in client.get(f"/spaces/{space.id}").text
    assert client.get(f"/spaces/{space.id}/members").status_code == 401
    assert client.get(f"/spaces/{space.id}/members", query_string={"page": "x"}).status_code in (401, 404)


def test_unknown_spaces_are_not_found(client) -> None:
    assert client.get("/spaces/999999").status_code == 404
    assert client.get("/spaces/999999/members").status_code == 404

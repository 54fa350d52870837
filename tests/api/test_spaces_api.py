"""Scripts read the social spaces: search, filters, paging, one space with its members."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from governance.models import Organisation, SpaceMembership
from governance.parties import Party
from governance.services import spaces as spaces_service
from tests.querycount import counted_queries


def test_the_directory_lists_every_unit_in_official_order_page_by_page(client) -> None:
    first = client.get("/api/v1/spaces").get_json()
    assert first["total"] == 151 and first["limit"] == 50 and first["offset"] == 0
    assert first["previous"] is None
    assert first["items"][0]["level"] == "land"
    codes = [item["code"] for item in first["items"]]
    assert codes == sorted(codes)
    seen = [item["id"] for item in first["items"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).get_json()
        assert page["previous"] is not None
        seen += [item["id"] for item in page["items"]]
    assert len(seen) == len(set(seen)) == 151


def test_a_listed_space_links_to_its_page_and_its_api_resource(client, space_by_code) -> None:
    groepelingen = space_by_code("04011440")
    [item] = client.get("/api/v1/spaces?q=04011440").get_json()["items"]
    assert item == {
        "id": groepelingen.id,
        "code": "04011440",
        "name": "Gröpelingen",
        "alt_name": groepelingen.alt_name,
        "level": "stadtteil",
        "parent_id": groepelingen.parent_id,
        "population": 37423,
        "area_km2": groepelingen.area_km2,
        "url": f"/spaces/{groepelingen.id}",
        "api_url": f"/api/v1/spaces/{groepelingen.id}",
    }
    assert client.get(item["url"]).status_code == 200
    assert client.get(item["api_url"]).get_json()["name"] == "Gröpelingen"


@pytest.mark.parametrize("query", ["Gröpelingen", "groepelingen", "GROPELINGEN", "04011440"])
def test_search_finds_a_space_however_its_name_is_spelt(client, query: str) -> None:
    body = client.get("/api/v1/spaces", query_string={"q": query}).get_json()
    assert "04011440" in [item["code"] for item in body["items"]]


def test_control_characters_in_a_search_are_ignored_not_a_server_error(client) -> None:
    # PostgreSQL refuses NUL characters in text: passed on, they would be a 500.
    response = client.get("/api/v1/spaces", query_string={"q": "\x00Gröpelingen\x07"})
    assert response.status_code == 200
    assert "04011440" in [item["code"] for item in response.get_json()["items"]]


def test_filters_by_level_and_parent(client, space_by_code) -> None:
    west = space_by_code("04011400")
    body = client.get(f"/api/v1/spaces?level=stadtteil&parent={west.id}").get_json()
    assert {item["name"] for item in body["items"]} == {"Findorff", "Walle", "Gröpelingen"}
    assert body["total"] == 3 and body["next"] is None
    assert all(item["parent_id"] == west.id for item in body["items"])


def test_paging_links_keep_the_filter(client) -> None:
    body = client.get("/api/v1/spaces?level=ortsteil&limit=10&offset=10").get_json()
    assert body["next"] == "/api/v1/spaces?level=ortsteil&limit=10&offset=20"
    assert body["previous"] == "/api/v1/spaces?level=ortsteil&limit=10&offset=0"
    assert all(item["level"] == "ortsteil" for item in body["items"])


def test_an_offset_past_the_end_gives_an_empty_page_with_the_total(client) -> None:
    body = client.get("/api/v1/spaces?offset=500").get_json()
    assert body["items"] == [] and body["total"] == 151 and body["next"] is None
    assert body["previous"] == "/api/v1/spaces?limit=50&offset=450"


@pytest.mark.parametrize(
    ("query_string", "parameters"),
    [
        ("limit=0", {"limit"}),
        ("limit=201", {"limit"}),
        ("limit=ten", {"limit"}),
        ("limit=%EF%BC%95", {"limit"}),  # a full-width digit five
        ("offset=-1", {"offset"}),
        ("offset=99999999999999999999", {"offset"}),
        ("level=planet", {"level"}),
        ("parent=west", {"parent"}),
        ("parent=0", {"parent"}),
        ("parent=99999999999999999999", {"parent"}),
        ("q=" + "x" * 101, {"q"}),
        ("level=planet&limit=-5&q=" + "x" * 101, {"level", "limit", "q"}),
    ],
)
def test_bad_parameters_are_refused_naming_each_one(client, query_string: str, parameters: set[str]) -> None:
    response = client.get(f"/api/v1/spaces?{query_string}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body["errors"]) == parameters
    assert all(name in body["detail"] for name in parameters)
    assert all(messages and all(messages) for messages in body["errors"].values())


def test_empty_parameters_mean_no_filter(client) -> None:
    body = client.get("/api/v1/spaces?q=&level=&parent=&limit=&offset=").get_json()
    assert body["total"] == 151 and body["limit"] == 50


def test_a_group_counts_the_population_of_its_units(client, session, make_user, space_by_code) -> None:
    walle, groepelingen = space_by_code("04011430"), space_by_code("04011440")
    group = spaces_service.create_group(
        session, make_user(admin=True), name="Sozialzentrum West", description="Für den Westen",
        unit_ids=[groepelingen.id, walle.id],
    )  # fmt: skip
    [listed] = client.get("/api/v1/spaces?level=group").get_json()["items"]
    detail = client.get(f"/api/v1/spaces/{group.id}").get_json()
    assert listed["population"] == detail["population"] == 33214 + 37423
    assert listed["code"] is None and listed["parent_id"] is None
    assert [unit["name"] for unit in detail["units"]] == ["Walle", "Gröpelingen"]
    assert detail["children"] == [] and detail["ancestors"] == []
    assert detail["description"] == "Für den Westen"


def test_a_space_shows_its_place_in_the_hierarchy(client, space_by_code) -> None:
    groepelingen = space_by_code("04011440")
    body = client.get(f"/api/v1/spaces/{groepelingen.id}").get_json()
    assert [a["level"] for a in body["ancestors"]] == ["land", "gemeinde", "stadtbezirk"]
    assert body["ancestors"][-1]["name"] == "West"
    assert body["children"] and all(child["level"] == "ortsteil" for child in body["children"])
    assert {child["id"] for child in body["children"]} == {c.id for c in groepelingen.children}
    assert body["units"] == []


@pytest.fixture
def groepelingen_with_members(session, make_user, space_by_code, add_member):
    space = space_by_code("04011440")
    organisation = Organisation(name="Quartiersladen", kind="civil_society", description="")
    session.add(organisation)
    session.commit()
    add_member(space, make_user("maria", display_name="Maria Muster", pseudonym="Sonnenblume"), "beneficiary")
    add_member(space, make_user("paul", display_name="Paul Pflege"), "provider", organisation=organisation)
    add_member(space, make_user("fatma", display_name="Fatma Facil"), None, role="facilitator")
    session.add(SpaceMembership(space=space, user=make_user("waiting"), party="carrier", status="requested"))
    session.commit()
    return space, organisation


def test_anonymous_callers_see_how_many_members_but_no_names(client, groepelingen_with_members) -> None:
    space, _ = groepelingen_with_members
    response = client.get(f"/api/v1/spaces/{space.id}")
    body = response.get_json()
    assert body["members_by_party"] is None
    assert body["party_counts"] == {**dict.fromkeys(Party, 0), "beneficiary": 1, "provider": 1}
    for name in ("Sonnenblume", "Maria", "Paul", "Fatma"):
        assert name not in response.get_data(as_text=True)


def test_signed_in_callers_see_names_by_party(client, bearer, make_user, groepelingen_with_members) -> None:
    space, organisation = groepelingen_with_members
    body = client.get(f"/api/v1/spaces/{space.id}", headers=bearer(make_user("reader"))).get_json()
    members = body["members_by_party"]
    assert set(members) == {party.value for party in Party}
    assert members["beneficiary"] == [{"public_name": "Sonnenblume", "role": "member", "organisation": None}]
    assert members["provider"] == [
        {
            "public_name": "Paul Pflege",
            "role": "member",
            "organisation": {"id": organisation.id, "name": "Quartiersladen"},
        }
    ]
    # A join request waiting for a decision is not membership yet.
    assert members["carrier"] == [] and body["party_counts"]["carrier"] == 0


def test_an_unknown_space_is_a_404_problem(client) -> None:
    response = client.get("/api/v1/spaces/2147483647", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "2147483647" in response.get_json()["detail"]


def _count_statements(action: Callable[[], object]) -> int:
    with counted_queries() as statements:
        action()
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_reading_a_space_takes_the_same_queries_however_many_members_it_has(
    client, session, make_user, space_by_code, add_member, bearer, signed_in: bool
) -> None:
    space = space_by_code("04011440")
    space_id = space.id
    headers = bearer(make_user("reader")) if signed_in else {}
    organisations = [Organisation(name=f"Träger {n}", kind="provider", description="") for n in range(3)]
    session.add_all(organisations)
    session.commit()
    add_member(space, make_user(), "beneficiary")

    def read() -> None:
        session.close()  # nothing cached in the identity map: every request starts cold
        response = client.get(f"/api/v1/spaces/{space_id}", headers=headers)
        assert response.status_code == 200

    few = _count_statements(read)
    space = space_by_code("04011440")
    for number, party in enumerate(list(Party) * 3):
        add_member(space, make_user(), party.value, organisation=organisations[number % 3])
    many = _count_statements(read)
    assert many == few
    body = client.get(f"/api/v1/spaces/{space_id}", headers=headers).get_json()
    assert sum(body["party_counts"].values()) == 19
    assert (body["members_by_party"] is not None) == signed_in

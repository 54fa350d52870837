"""Scripts read the organisations: the directory by kind and name, and one organisation."""

from __future__ import annotations

import pytest

from governance.models import Organisation
from governance.services import organisations as organisations_service


@pytest.fixture
def organisations(session) -> dict[str, Organisation]:
    found = {
        "laden": Organisation(
            name="Quartiersladen Gröpelingen",
            kind="civil_society",
            description="Treffpunkt im **Stadtteil**",
            website="https://quartiersladen.example",
        ),
        "awo": Organisation(name="AWO Bremen", kind="provider", description=""),
        "amt": Organisation(name="Amt für Soziale Dienste", kind="carrier", description=""),
    }
    session.add_all(found.values())
    session.commit()
    return found


def test_the_directory_lists_every_organisation_in_the_services_order(client, session, organisations) -> None:
    body = client.get("/api/v1/organisations").get_json()
    # By name in the database's collation, which differs between SQLite and PostgreSQL.
    expected = [organisation.name for organisation in organisations_service.list_organisations(session, None)]
    assert [item["name"] for item in body["items"]] == expected
    assert set(expected) == {organisation.name for organisation in organisations.values()}
    assert body["total"] == 3


def test_an_organisation_in_the_list_links_to_its_page_and_resource(client, organisations) -> None:
    laden = organisations["laden"]
    [item] = client.get("/api/v1/organisations?kind=civil_society").get_json()["items"]
    assert item == {
        "id": laden.id,
        "name": "Quartiersladen Gröpelingen",
        "kind": "civil_society",
        "description": "Treffpunkt im **Stadtteil**",
        "website": "https://quartiersladen.example",
        "url": f"/organisations/{laden.id}",
        "api_url": f"/api/v1/organisations/{laden.id}",
    }
    assert client.get(item["url"]).status_code == 200
    assert client.get(item["api_url"]).get_json() == item


@pytest.mark.parametrize(
    ("query_string", "names"),
    [
        ("kind=provider", {"AWO Bremen"}),
        ("q=groepelingen", {"Quartiersladen Gröpelingen"}),
        ("q=bremen awo", {"AWO Bremen"}),
        ("kind=carrier&q=awo", set()),
        ("kind=&q=", {"AWO Bremen", "Amt für Soziale Dienste", "Quartiersladen Gröpelingen"}),
    ],
)
def test_filters_by_kind_and_name(client, organisations, query_string: str, names: set[str]) -> None:
    body = client.get(f"/api/v1/organisations?{query_string}").get_json()
    assert {item["name"] for item in body["items"]} == names
    assert body["total"] == len(names)


@pytest.mark.parametrize(
    ("query_string", "parameters"),
    [("kind=party", {"kind"}), ("q=" + "x" * 101, {"q"}), ("kind=party&q=" + "x" * 101, {"kind", "q"})],
)
def test_bad_filters_are_refused_naming_each_parameter(
    client, query_string: str, parameters: set[str]
) -> None:
    response = client.get(f"/api/v1/organisations?{query_string}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body["errors"]) == parameters
    assert all(name in body["detail"] for name in parameters)


def test_one_organisation(client, organisations) -> None:
    awo = organisations["awo"]
    body = client.get(f"/api/v1/organisations/{awo.id}").get_json()
    assert body["name"] == "AWO Bremen" and body["kind"] == "provider" and body["website"] is None


@pytest.mark.parametrize("suffix", ["999999", "2147483648", "0", "awo"])
def test_an_unknown_organisation_is_a_404_problem(client, organisations, suffix: str) -> None:
    response = client.get(f"/api/v1/organisations/{suffix}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"

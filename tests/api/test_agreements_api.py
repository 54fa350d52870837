"""User stories of the agreements API: writing with a token, the 409 merge, reading, diffs, the workflow."""

from __future__ import annotations

import pytest

from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.services import drafts
from tests.api.conftest import Cast


def section(title: str, body: str, **more) -> dict:
    return {"kind": "goal", "title": title, "body": body, **more}


def test_a_facilitator_writes_publishes_and_compares_an_agreement_with_a_token(client, cast: Cast) -> None:
    token = cast.tokens["facilitator"]
    created = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "Teilhabe in Gröpelingen", "preamble": "Wir vereinbaren:"},
        headers=token,
    )
    assert created.status_code == 201
    agreement = created.get_json()
    assert created.headers["Location"] == agreement["api_url"] == f"/api/v1/agreements/{agreement['id']}"
    assert (agreement["status"], agreement["latest_version"], agreement["space"]["id"]) == (
        "draft",
        None,
        cast.space.id,
    )
    assert agreement["draft"] == {
        "revision": 1,
        "title": "Teilhabe in Gröpelingen",
        "preamble": "Wir vereinbaren:",
        "requirements": None,
        "sections": [],
    }

    sections_url = f"/api/v1/agreements/{agreement['id']}/draft/sections"
    first = client.post(
        sections_url, json=section("Beratung", "Beratung montags im Stadtteilhaus."), headers=token
    )
    assert first.status_code == 201
    key = first.get_json()["key"]
    assert first.headers["Location"] == f"{sections_url}/{key}" and first.get_json()["revision"] == 1
    standard = {
        "kind": "quality_standard",
        "title": "Erreichbarkeit",
        "body": "Die Beratung ist barrierefrei.",
        "plain_language": "Alle kommen gut hin.",
        "indicators": [{"name": "Wartezeit", "unit": "Tage", "target": "14"}],
    }
    assert client.post(sections_url, json=standard, headers=token).status_code == 201

    changed = client.put(
        f"{sections_url}/{key}",
        json={
            **section("Beratung", "Beratung montags und donnerstags im Stadtteilhaus."),
            "base_revision": 1,
            "base": {"title": "Beratung", "body": "Beratung montags im Stadtteilhaus."},
        },
        headers=token,
    )
    assert changed.status_code == 200 and changed.get_json()["revision"] == 2

    publish_url = f"/api/v1/agreements/{agreement['id']}/versions"
    published = client.post(publish_url, json={"change_summary": "Erste Fassung"}, headers=token)
    assert published.status_code == 201
    assert published.headers["Location"] == f"{publish_url}/1"
    version = published.get_json()
    assert (version["number"], version["author"], version["change_summary"]) == (1, "Fritz", "Erste Fassung")
    assert [s["title"] for s in version["sections"]] == ["Beratung", "Erreichbarkeit"]
    assert version["sections"][1]["indicators"] == [
        {"name": "Wartezeit", "unit": "Tage", "baseline": "", "target": "14", "data_source": "",
         "responsible_party": ""}
    ]  # fmt: skip

    client.put(
        f"{sections_url}/{key}",
        json={
            **section("Beratung", "Beratung an drei Tagen im Stadtteilhaus."),
            "base_revision": 2,
            "base": {"title": "Beratung", "body": "Beratung montags und donnerstags im Stadtteilhaus."},
        },
        headers=token,
    )
    assert client.post(publish_url, json={"change_summary": "Mehr Tage"}, headers=token).status_code == 201

    listed = client.get(publish_url, headers=token).get_json()
    assert [(v["number"], v["change_summary"]) for v in listed["items"]] == [
        (1, "Erste Fassung"),
        (2, "Mehr Tage"),
    ]
    # Version 1 is frozen: its text stays what was published.
    first_version = client.get(f"{publish_url}/1", headers=token).get_json()
    assert first_version["sections"][0]["body"] == "Beratung montags und donnerstags im Stadtteilhaus."

    diff = client.get(f"/api/v1/agreements/{agreement['id']}/diff?from=1&to=2", headers=token).get_json()
    assert diff["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1, "moved": 0}
    change = diff["sections"][0]
    assert (change["key"], change["change"], change["moved"]) == (key, "changed", False)
    hunks = change["body_hunks"]
    assert "".join(h["old"] for h in hunks) == "Beratung montags und donnerstags im Stadtteilhaus."
    assert "".join(h["new"] for h in hunks) == "Beratung an drei Tagen im Stadtteilhaus."
    assert {"tag": "replace", "old": "montags und donnerstags", "new": "an drei Tagen"} in hunks


def test_a_stale_save_gets_409_with_a_merge_and_saving_the_merge_succeeds(client, cast: Cast, make_agreement):
    agreement = make_agreement(sections=())
    url = f"/api/v1/agreements/{agreement.id}/draft/sections"
    base = section("Beratung", "Die Beratung findet montags im Stadtteilhaus statt.")
    key = client.post(url, json=base, headers=cast.tokens["facilitator"]).get_json()["key"]
    loaded = client.get(f"{url}/{key}", headers=cast.tokens["admin"]).get_json()
    assert loaded["revision"] == 1

    theirs = section("Beratung", "Die Beratung findet montags im Nachbarschaftshaus statt.")
    saved = client.put(
        f"{url}/{key}", json={**theirs, "base_revision": 1, "base": base}, headers=cast.tokens["admin"]
    )
    assert saved.status_code == 200

    mine = section("Beratung", "Die offene Beratung findet montags im Stadtteilhaus statt.")
    stale = client.put(
        f"{url}/{key}", json={**mine, "base_revision": 1, "base": base}, headers=cast.tokens["facilitator"]
    )
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    problem = stale.get_json()
    assert problem["current_revision"] == 2 and problem["key"] == key
    assert problem["current"]["body"] == "Die Beratung findet montags im Nachbarschaftshaus statt."
    body = problem["merge"]["body"]
    assert body["clean"] and body["conflicts"] == []
    assert body["text"] == "Die offene Beratung findet montags im Nachbarschaftshaus statt."
    # Nothing was saved by the stale request.
    assert client.get(f"{url}/{key}", headers=cast.tokens["member"]).get_json()["body"] == theirs["body"]

    # The editor sends the merge, based on what is saved now.
    resolved = client.put(
        f"{url}/{key}",
        json={
            **section("Beratung", body["text"]),
            "base_revision": problem["current_revision"],
            "base": problem["current"],
        },
        headers=cast.tokens["facilitator"],
    )
    assert resolved.status_code == 200 and resolved.get_json()["revision"] == 3
    assert resolved.get_json()["body"] == "Die offene Beratung findet montags im Nachbarschaftshaus statt."


def test_both_changing_the_same_words_is_a_conflict_with_all_three_readings(
    client, cast: Cast, make_agreement
):
    agreement = make_agreement(sections=())
    url = f"/api/v1/agreements/{agreement.id}/draft/sections"
    base = section("Beratung", "Die Beratung ist montags.")
    key = client.post(url, json=base, headers=cast.tokens["facilitator"]).get_json()["key"]
    client.put(
        f"{url}/{key}",
        json={**section("Beratung", "Die Beratung ist dienstags."), "base_revision": 1, "base": base},
        headers=cast.tokens["admin"],
    )
    stale = client.put(
        f"{url}/{key}",
        json={**section("Sprechstunde", "Die Beratung ist freitags."), "base_revision": 1, "base": base},
        headers=cast.tokens["facilitator"],
    )
    assert stale.status_code == 409
    merge = stale.get_json()["merge"]
    assert merge["title"] == {
        "clean": True,
        "text": "Sprechstunde",
        "conflicts": [],
        "parts": ["Sprechstunde"],
    }
    body = merge["body"]
    assert not body["clean"] and body["text"] is None
    assert body["conflicts"] == [{"base": "montags", "mine": "freitags", "theirs": "dienstags"}]
    assert body["parts"] == [
        "Die Beratung ist ",
        {"base": "montags", "mine": "freitags", "theirs": "dienstags"},
        ".",
    ]


def test_removing_a_section_needs_its_current_revision(client, cast: Cast, make_agreement) -> None:
    agreement = make_agreement(sections=("Beratung", "Treffpunkt"))
    key = agreement.draft_sections[0].key
    url = f"/api/v1/agreements/{agreement.id}/draft/sections/{key}"
    client.put(
        url,
        json={**section("Beratung", "Neu."), "base_revision": 1, "base": {"title": "Beratung"}},
        headers=cast.tokens["admin"],
    )
    stale = client.delete(f"{url}?base_revision=1", headers=cast.tokens["facilitator"])
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    removed = client.delete(f"{url}?base_revision=2", headers=cast.tokens["facilitator"])
    assert removed.status_code == 204 and removed.data == b""
    assert client.get(url, headers=cast.tokens["facilitator"]).status_code == 404
    draft = client.get(f"/api/v1/agreements/{agreement.id}/draft", headers=cast.tokens["member"]).get_json()
    assert [s["title"] for s in draft["sections"]] == ["Treffpunkt"]


def test_a_section_can_be_inserted_after_another(client, cast: Cast, make_agreement) -> None:
    agreement = make_agreement(sections=("Erstens", "Drittens"))
    first = agreement.draft_sections[0].key
    url = f"/api/v1/agreements/{agreement.id}/draft/sections"
    added = client.post(
        url, json={**section("Zweitens", "x"), "after_key": first}, headers=cast.tokens["admin"]
    )
    assert added.status_code == 201
    draft = client.get(f"/api/v1/agreements/{agreement.id}/draft", headers=cast.tokens["admin"]).get_json()
    assert [s["title"] for s in draft["sections"]] == ["Erstens", "Zweitens", "Drittens"]
    missing = client.post(
        url, json={**section("X", "x"), "after_key": "nothere"}, headers=cast.tokens["admin"]
    )
    assert missing.status_code == 404


def test_the_diff_shows_added_removed_moved_and_changed_sections(session, client, cast: Cast, make_agreement):
    author = cast.users["facilitator"]
    agreement = make_agreement(sections=("Eins", "Zwei", "Drei", "Vier"), published=1)
    keys = [s.key for s in agreement.draft_sections]
    drafts.remove_section(session, author, agreement.id, keys[1], base_revision=1)
    drafts.move_section(session, author, agreement.id, keys[3], direction="up")
    drafts.move_section(session, author, agreement.id, keys[3], direction="up")
    added = drafts.add_section(
        session, author, agreement.id, drafts.SectionContent(kind="rule", title="Fünf")
    )
    drafts.update_section(
        session, author, agreement.id, keys[2], base_revision=1,
        base=drafts.SectionContent(kind="goal", title="Drei", body="Drei: alle machen mit."),
        mine=drafts.SectionContent(kind="goal", title="Drei", body="Drei: fast alle machen mit."),
    )  # fmt: skip
    from agreements.services import versions

    versions.publish_version(session, author, agreement.id, change_summary="Umbau")

    diff_url = f"/api/v1/agreements/{agreement.id}/diff"
    diff = client.get(f"{diff_url}?from=1&to=2", headers=cast.tokens["member"]).get_json()
    summary = [(s["key"], s["change"], s["moved"]) for s in diff["sections"]]
    # "Vier" went to the top; "Zwei" is shown where it stood, after "Eins".
    assert summary == [
        (keys[3], "unchanged", True),
        (keys[0], "unchanged", False),
        (keys[1], "removed", False),
        (keys[2], "changed", False),
        (added.key, "added", False),
    ]
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2, "moved": 1}
    by_key = {s["key"]: s for s in diff["sections"]}
    assert by_key[keys[1]]["old"] == {"kind": "goal", "title": "Zwei"} and by_key[keys[1]]["new"] is None
    assert by_key[added.key]["title_hunks"] == [{"tag": "insert", "old": "", "new": "Fünf"}]
    inserted = [h for h in by_key[keys[2]]["body_hunks"] if h["tag"] == "insert"]
    assert [(h["old"], h["new"].strip()) for h in inserted] == [("", "fast")]
    # Reversed, the added section is removed and the removed one added.
    reverse = client.get(f"{diff_url}?from=2&to=1", headers=cast.tokens["member"]).get_json()
    assert reverse["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2, "moved": 1}


def test_anyone_reads_an_adopted_agreement_but_only_members_see_its_draft(client, cast: Cast, make_agreement):
    agreement = make_agreement(status="adopted", published=1)
    public = client.get(f"/api/v1/agreements/{agreement.id}")
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "public, max-age=60"
    body = public.get_json()
    assert (body["status"], body["latest_version"], body["draft"]) == ("adopted", 1, None)
    assert body["in_force_from"] == "2025-01-01"
    assert [step["transition"] for step in body["timeline"]] == ["start_negotiation", "put_to_vote", "adopt"]
    assert body["available_transitions"] == [] and not body["actions"]["edit_draft"]
    assert client.get(f"/api/v1/agreements/{agreement.id}/draft").status_code == 401
    assert (
        client.get(f"/api/v1/agreements/{agreement.id}/draft", headers=cast.tokens["outsider"]).status_code
        == 403
    )

    seen_by_member = client.get(
        f"/api/v1/agreements/{agreement.id}", headers=cast.tokens["member"]
    ).get_json()
    assert [s["title"] for s in seen_by_member["draft"]["sections"]] == ["Beratung"]
    by_facilitator = client.get(f"/api/v1/agreements/{agreement.id}", headers=cast.tokens["facilitator"])
    assert by_facilitator.get_json()["available_transitions"] == ["start_review", "supersede", "expire"]
    assert by_facilitator.headers["Cache-Control"] == "private, no-store"


def test_drafts_are_hidden_from_outsiders_and_anonymous_callers(client, cast: Cast, make_agreement) -> None:
    agreement = make_agreement(published=1)
    url = f"/api/v1/agreements/{agreement.id}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=cast.tokens["outsider"]).status_code == 403
    assert client.get(f"{url}/versions/1", headers=cast.tokens["outsider"]).status_code == 403
    assert client.get(url, headers=cast.tokens["observer"]).status_code == 200


def test_lists_show_only_what_the_caller_may_read(client, cast: Cast, make_agreement, make_framework) -> None:
    adopted = make_agreement(status="adopted", published=1, title="A: in Kraft")
    consultation = make_agreement(status="consultation", published=1, title="B: Beteiligung")
    draft = make_agreement(title="C: Entwurf")
    make_agreement(status="negotiation", published=1, title="D: Verhandlung")

    def titles(url: str, role: str = "anonymous") -> list[str]:
        response = client.get(url, headers=cast.tokens[role])
        assert response.status_code == 200, response.get_json()
        return [item["title"] for item in response.get_json()["items"]]

    assert titles("/api/v1/agreements") == ["A: in Kraft", "B: Beteiligung"]
    assert titles("/api/v1/agreements", "outsider") == ["A: in Kraft", "B: Beteiligung"]
    everything = ["A: in Kraft", "B: Beteiligung", "C: Entwurf", "D: Verhandlung"]
    assert titles("/api/v1/agreements", "observer") == everything
    assert titles("/api/v1/agreements", "admin") == everything
    assert titles("/api/v1/agreements?status=draft", "member") == ["C: Entwurf"]
    assert titles("/api/v1/agreements?status=draft") == []
    assert titles(f"/api/v1/agreements?space={cast.space.id}&status=consultation") == ["B: Beteiligung"]
    assert titles("/api/v1/agreements?space=1", "admin") == []

    page = client.get("/api/v1/agreements?limit=1&offset=1", headers=cast.tokens["member"]).get_json()
    assert page["total"] == 4 and [i["id"] for i in page["items"]] == [consultation.id]
    assert page["next"] == "/api/v1/agreements?limit=1&offset=2"
    assert page["previous"] == "/api/v1/agreements?limit=1&offset=0"
    filtered = client.get("/api/v1/agreements?status=draft&limit=1&foo=bar", headers=cast.tokens["member"])
    assert filtered.get_json()["next"] is None and filtered.get_json()["items"][0]["id"] == draft.id
    item = client.get(f"/api/v1/agreements?status=adopted&space={cast.space.id}").get_json()["items"][0]
    assert item == {
        "id": adopted.id,
        "title": "A: in Kraft",
        "status": "adopted",
        "space": {"id": cast.space.id, "code": "04011440", "name": "Gröpelingen", "level": "stadtteil",
                  "api_url": f"/api/v1/spaces/{cast.space.id}"},
        "latest_version": 1,
        "url": f"/agreements/{adopted.id}",
        "api_url": f"/api/v1/agreements/{adopted.id}",
    }  # fmt: skip

    published = make_framework()
    make_framework(published=0)
    assert [i["id"] for i in client.get("/api/v1/frameworks").get_json()["items"]] == [published.id]
    assert client.get("/api/v1/frameworks", headers=cast.tokens["admin"]).get_json()["total"] == 2


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=maybe", ["status"]),
        ("space=0", ["space"]),
        ("space=abc&limit=0&offset=-1", ["limit", "offset", "space"]),
        ("limit=201", ["limit"]),
    ],
)
def test_bad_list_parameters_are_400_problems_naming_each(client, query: str, names: list[str]) -> None:
    response = client.get(f"/api/v1/agreements?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert sorted(response.get_json()["errors"]) == names


def test_an_administrator_writes_a_framework_that_an_agreement_adopts(client, cast: Cast) -> None:
    admin = cast.tokens["admin"]
    created = client.post("/api/v1/frameworks", json={"title": "Leitsätze"}, headers=admin)
    assert created.status_code == 201
    framework_id = created.get_json()["id"]
    assert created.get_json()["draft"]["requirements"] == Requirements().to_dict()
    # Unpublished: only administrators see it.
    assert client.get(f"/api/v1/frameworks/{framework_id}").status_code == 401
    assert (
        client.get(f"/api/v1/frameworks/{framework_id}", headers=cast.tokens["facilitator"]).status_code
        == 403
    )

    url = f"/api/v1/frameworks/{framework_id}"
    assert (
        client.post(f"{url}/draft/sections", json=section("Ziele", "Teilhabe."), headers=admin).status_code
        == 201
    )
    assert (
        client.post(f"{url}/versions", json={"change_summary": "Erste Fassung"}, headers=admin).status_code
        == 201
    )

    public = client.get(url).get_json()
    assert (public["latest_version"], public["draft"], public["requirements"]) == (
        1,
        None,
        Requirements().to_dict(),
    )
    assert client.get(f"{url}/versions/1").get_json()["sections"][0]["title"] == "Ziele"

    adopting = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "Teilhabe", "framework_id": framework_id, "framework_version": 1},
        headers=cast.tokens["facilitator"],
    ).get_json()
    assert adopting["framework_version"] == {
        "framework_id": framework_id,
        "title": "Leitsätze",
        "number": 1,
        "api_url": f"/api/v1/frameworks/{framework_id}/versions/1",
    }
    assert [s["title"] for s in adopting["draft"]["sections"]] == ["Ziele"]
    assert adopting["compliance"] == [] and adopting["newer_framework_version"] is None

    client.post(f"{url}/versions", json={"change_summary": "Zweite Fassung"}, headers=admin)
    again = client.get(f"/api/v1/agreements/{adopting['id']}", headers=cast.tokens["member"]).get_json()
    assert again["newer_framework_version"] == 2

    # Each document answers only under its own kind.
    assert client.get(f"/api/v1/agreements/{framework_id}").status_code == 404
    assert client.get(f"/api/v1/frameworks/{adopting['id']}", headers=admin).status_code == 404


def test_an_unknown_framework_version_is_named_in_a_422(client, cast: Cast, make_framework) -> None:
    framework = make_framework()
    response = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "T", "framework_id": framework.id, "framework_version": 7},
        headers={**cast.tokens["facilitator"], "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.get_json()["codes"] == {"framework_version": ["unknown_framework_version"]}
    half = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "T", "framework_id": framework.id},
        headers=cast.tokens["facilitator"],
    )
    assert half.status_code == 422 and half.get_json()["codes"] == {"framework_version": ["required"]}


def test_transitions_through_the_api_and_their_refusal_codes(
    client, session, cast: Cast, make_framework
) -> None:
    framework = make_framework(
        requirements=Requirements(required_section_kinds=frozenset({SectionKind.FINANCING}))
    )
    cast.users["facilitator"].locale = "en"  # a token answers in its owner's language
    session.commit()
    token = cast.tokens["facilitator"]
    agreement = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "Teilhabe", "framework_id": framework.id, "framework_version": 1},
        headers=token,
    ).get_json()
    url = f"/api/v1/agreements/{agreement['id']}/transitions"

    def step(body: dict):
        return client.post(url, json=body, headers=token)

    refused = step({"transition": "put_to_vote"})
    assert refused.status_code == 422
    assert refused.get_json()["codes"] == {"transition": ["no_published_version"]}
    assert refused.get_json()["errors"]["transition"] == [
        "Publish a version of the text first: this step needs a published text."
    ]
    assert step({"transition": "open_consultation"}).get_json()["codes"] == {
        "transition": ["no_published_version"],
        "consultation_ends_on": ["required"],
    }
    assert step({"transition": "fly"}).get_json()["codes"] == {"transition": ["unknown"]}

    moved = step({"transition": "start_negotiation", "note": "Los geht's"})
    assert moved.status_code == 200
    body = moved.get_json()
    assert body["status"] == "negotiation"
    assert body["timeline"][-1]["note"] == "Los geht's" and body["timeline"][-1]["actor"] == "Fritz"
    client.post(
        f"/api/v1/agreements/{agreement['id']}/versions", json={"change_summary": "v1"}, headers=token
    )
    wrong_status = step({"transition": "adopt", "in_force_from": "2025-01-01"})
    assert wrong_status.get_json()["codes"] == {"transition": ["not_from_this_status"]}
    not_compliant = step({"transition": "put_to_vote"})
    assert not_compliant.status_code == 422
    assert not_compliant.get_json()["codes"] == {"transition": ["framework_requirements_not_met"]}
    detail = client.get(f"/api/v1/agreements/{agreement['id']}", headers=token).get_json()
    assert detail["compliance"] == [{"code": "section_kind:financing", "met": False, "missing": []}]

    consultation = step(
        {"transition": "open_consultation", "consultation_starts_on": "2025-03-01",
         "consultation_ends_on": "2025-02-01"}
    )  # fmt: skip
    assert consultation.get_json()["codes"] == {"consultation_ends_on": ["before_start"]}
    opened = step(
        {"transition": "open_consultation", "consultation_starts_on": "2025-02-01",
         "consultation_ends_on": "2025-03-01", "consultation_audience": "members"}
    )  # fmt: skip
    assert opened.status_code == 200
    assert opened.get_json()["consultation"] == {
        "starts_on": "2025-02-01",
        "ends_on": "2025-03-01",
        "audience": "members",
    }


@pytest.mark.usefixtures("csrf_enabled")
def test_a_browser_session_writes_with_the_csrf_header_and_a_token_needs_none(
    client, cast: Cast, login, make_agreement
) -> None:
    agreement = make_agreement()
    url = f"/api/v1/agreements/{agreement.id}/draft/sections"
    assert (
        client.post(url, json=section("Mit Token", "x"), headers=cast.tokens["facilitator"]).status_code
        == 201
    )

    login(cast.users["facilitator"])
    page = client.get("/settings").text
    csrf_token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    refused = client.post(url, json=section("Ohne", "x"))
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    accepted = client.post(url, json=section("Mit Sitzung", "x"), headers={"X-CSRFToken": csrf_token})
    assert accepted.status_code == 201
    assert accepted.headers["Cache-Control"] == "private, no-store"


def test_a_wrong_token_is_refused_even_for_public_reads_and_writes(
    client, cast: Cast, make_agreement
) -> None:
    agreement = make_agreement(status="adopted", published=1)
    garbage = {"Authorization": "Bearer rr_not-a-token"}
    for response in (
        client.get(f"/api/v1/agreements/{agreement.id}", headers=garbage),
        client.post(
            f"/api/v1/agreements/{agreement.id}/versions", json={"change_summary": "x"}, headers=garbage
        ),
    ):
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_errors_are_in_the_callers_language(client, session, cast: Cast, make_agreement) -> None:
    agreement = make_agreement()
    url = f"/api/v1/agreements/{agreement.id}/draft/sections"
    anonymous = client.post(url, json=section("X", "x"), headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401 and anonymous.headers["Content-Language"] == "en"
    assert anonymous.get_json()["title"] == "Please sign in"
    cast.users["member"].locale = "en"
    session.commit()
    refused = client.post(url, json=section("X", "x"), headers=cast.tokens["member"])
    assert refused.status_code == 403 and refused.headers["Content-Language"] == "en"
    assert "negotiation" in refused.get_json()["detail"]


def test_requirements_and_parties_set_through_the_api_decide_whether_a_vote_may_start(
    client, session, cast: Cast
) -> None:
    from governance.models import Organisation

    admin, facilitator = cast.tokens["admin"], cast.tokens["facilitator"]
    organisations = [
        Organisation(name="Selbsthilfe Gröpelingen", kind="advocacy_group", description=""),
        Organisation(name="Quartierstreff", kind="provider", description=""),
    ]
    session.add_all(organisations)
    session.commit()
    advocacy_id, provider_id = (organisation.id for organisation in organisations)
    framework_id = client.post("/api/v1/frameworks", json={"title": "Leitsätze"}, headers=admin).get_json()[
        "id"
    ]
    framework_url = f"/api/v1/frameworks/{framework_id}"
    client.post(f"{framework_url}/draft/sections", json=section("Ziele", "Teilhabe."), headers=admin)
    wanted = {"required_section_kinds": ["goal"], "required_parties": ["advocacy_group", "provider"]}
    draft = client.put(f"{framework_url}/draft/requirements", json=wanted, headers=admin).get_json()
    assert draft["requirements"] == {
        **wanted,
        "indicators_need_target": False,
        "max_review_interval_months": None,
    }
    client.post(f"{framework_url}/versions", json={"change_summary": "v1"}, headers=admin)
    assert client.get(framework_url).get_json()["requirements"] == draft["requirements"]

    agreement = client.post(
        f"/api/v1/spaces/{cast.space.id}/agreements",
        json={"title": "Teilhabe", "framework_id": framework_id, "framework_version": 1},
        headers=facilitator,
    ).get_json()
    url = f"/api/v1/agreements/{agreement['id']}"
    assert {f["code"]: f["missing"] for f in agreement["compliance"]} == {
        "section_kind:goal": [],
        "parties_represented": ["advocacy_group", "provider"],
    }
    parties = {"parties": [{"organisation_id": advocacy_id, "party": "advocacy_group"},
                           {"organisation_id": provider_id, "party": "provider"}]}  # fmt: skip
    with_parties = client.put(f"{url}/draft/parties", json=parties, headers=facilitator).get_json()
    assert [(p["organisation"]["name"], p["party"]) for p in with_parties["parties"]] == [
        ("Selbsthilfe Gröpelingen", "advocacy_group"),
        ("Quartierstreff", "provider"),
    ]
    assert {f["code"]: f["met"] for f in with_parties["compliance"]} == {
        "section_kind:goal": False,  # nothing published yet
        "parties_represented": True,
    }
    client.post(f"{url}/versions", json={"change_summary": "v1"}, headers=facilitator)
    client.post(f"{url}/transitions", json={"transition": "start_negotiation"}, headers=facilitator)
    voting = client.post(f"{url}/transitions", json={"transition": "put_to_vote"}, headers=facilitator)
    assert voting.status_code == 200 and voting.get_json()["status"] == "voting"


def test_the_title_is_saved_only_on_the_revision_it_was_based_on(client, cast: Cast, make_agreement) -> None:
    agreement = make_agreement()
    url = f"/api/v1/agreements/{agreement.id}/draft"
    first = client.put(
        url, json={"title": "Neu", "preamble": "P", "base_revision": 1}, headers=cast.tokens["admin"]
    )
    assert first.status_code == 200
    assert (first.get_json()["revision"], first.get_json()["title"]) == (2, "Neu")
    stale = client.put(url, json={"title": "Anders", "base_revision": 1}, headers=cast.tokens["facilitator"])
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    assert client.get(url, headers=cast.tokens["member"]).get_json()["title"] == "Neu"

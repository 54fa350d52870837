"""A script runs a whole vote through the API: create, open, vote (also by proxy and secretly),
close, read the result and recount the exported ballots."""

from __future__ import annotations

import json

from decisions.recount import recount
from decisions.services import ballots
from tests.decisions_data import make_voters


def test_a_secret_ranked_vote_through_the_api(client, session, make_user, space_by_code, bearer) -> None:
    voters = make_voters(session, make_user, space_by_code, beneficiary=2, carrier=2)
    facilitator = bearer(voters.facilitator)
    created = client.post(
        f"/api/v1/spaces/{voters.space.id}/motions",
        json={
            "title": "Welche Variante?",
            "kind": "choose_alternative",
            "method": "ranked_choice",
            "options": [
                {"title": "Bänke"},
                {"title": "Bäume"},
                {"title": "Nichts", "keeps_current_text": True},
            ],
            "secret": True,
        },
        headers=facilitator,
    )
    assert created.status_code == 201
    motion = created.get_json()
    assert [option["key"] for option in motion["options"]] == ["o1", "o2", "keep"]
    opened = client.post(f"/api/v1/motions/{motion['id']}/open", headers=facilitator).get_json()
    assert opened["state"] == "open" and opened["electorate"] == {"beneficiary": 2, "carrier": 2, "none": 1}
    receipts = {}
    for user, ranking in zip(
        voters.members, [["o2", "o1"], ["o2"], ["o1", ["o2", "keep"]], ["keep"]], strict=True
    ):
        answer = client.put(
            f"/api/v1/motions/{motion['id']}/ballot", json={"choice": ranking}, headers=bearer(user)
        )
        assert answer.status_code == 200 and answer.get_json()["receipt"]
        receipts[user.id] = answer.get_json()["receipt"]
    closed = client.post(f"/api/v1/motions/{motion['id']}/close", headers=facilitator).get_json()
    assert closed["outcome"] == "decided" and closed["result"]["detail"]["winners"] == ["o2"]
    export = client.get(f"/api/v1/motions/{motion['id']}/ballots", headers=facilitator).get_json()
    assert json.dumps(recount(export).to_dict(), sort_keys=True) == json.dumps(
        closed["result"], sort_keys=True
    )
    # The administrator's export holds receipts' hashes, parties and choices: never a user id.
    admin_export = client.get(
        f"/api/v1/motions/{motion['id']}/ballots", headers=bearer(voters.admin)
    ).get_json()
    assert {ballot["voter"] for ballot in admin_export["ballots"]} == {
        ballots.receipt_hash(code) for code in receipts.values()
    }
    assert all(set(ballot) == {"voter", "party", "choice", "reason"} for ballot in admin_export["ballots"])
    results = client.get(f"/api/v1/motions/{motion['id']}/results").get_json()
    assert results["interim"] is False and results["result"]["outcome"] == "decided"
    listing = client.get(f"/api/v1/spaces/{voters.space.id}/motions").get_json()
    assert [entry["id"] for entry in listing["closed"]] == [motion["id"]] and listing["upcoming"] == []


def test_a_proxy_votes_through_the_api_and_a_second_ballot_is_a_change(
    client, session, make_user, space_by_code, bearer
) -> None:
    voters = make_voters(session, make_user, space_by_code, beneficiary=2)
    facilitator = bearer(voters.facilitator)
    motion = client.post(
        f"/api/v1/spaces/{voters.space.id}/motions", json={"title": "Ja?"}, headers=facilitator
    ).get_json()
    grantor, holder = voters.of("beneficiary"), voters.of("beneficiary", 1)
    ballots.grant_proxy(session, grantor, motion["id"], holder.id)
    client.post(f"/api/v1/motions/{motion['id']}/open", headers=facilitator)
    url = f"/api/v1/motions/{motion['id']}/ballot"
    first = client.put(url, json={"choice": "no", "voter_id": grantor.id}, headers=bearer(holder)).get_json()
    second = client.put(
        url, json={"choice": "yes", "voter_id": grantor.id}, headers=bearer(holder)
    ).get_json()
    assert (first["changed"], second["changed"]) == (False, True)
    refused = client.put(url, json={"choice": "yes", "voter_id": holder.id}, headers=bearer(grantor))
    assert refused.status_code == 403 and refused.get_json()["code"] == "no_proxy"
    closed = client.post(f"/api/v1/motions/{motion['id']}/close", headers=facilitator).get_json()
    assert closed["result"]["turnout"]["by_proxy"] == 1 and closed["outcome"] == "accepted"

"""Real responses of every decisions endpoint, validated against the OpenAPI document, covering every
status the document promises for these paths. Cases run in order against one world."""

# ruff: noqa: E501 - the table of cases reads best one case per line

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from openapi_core.exceptions import OpenAPIError

from decisions.services import ballots, motions
from tests.decisions_data import make_voters, motion_input

METHODS = {"get", "put", "post", "delete", "patch"}
GARBAGE = {"Authorization": "Bearer rr_not-a-real-token"}
UNKNOWN = 2147483647


@dataclass
class World:
    space_id: int
    tokens: dict[str, dict[str, str]]
    ids: dict[str, int]
    voter_id: int


@pytest.fixture
def world(session, make_user, space_by_code, bearer) -> World:
    voters = make_voters(session, make_user, space_by_code, beneficiary=2, carrier=2)
    facilitator = voters.facilitator
    draft = motions.create_motion(session, facilitator, space_id=voters.space.id, values=motion_input())
    nobody = motions.create_motion(
        session,
        facilitator,
        space_id=voters.space.id,
        values=motion_input(eligible_parties=["administration"]),
    )
    voting = motions.create_motion(session, facilitator, space_id=voters.space.id, values=motion_input())
    motions.open_motion(session, facilitator, voting.id)
    secret = motions.create_motion(
        session, facilitator, space_id=voters.space.id, values=motion_input(secret=True)
    )
    motions.open_motion(session, facilitator, secret.id)
    ballots.cast_ballot(session, voters.of("carrier"), secret.id, choice="yes")
    closed = motions.create_motion(session, facilitator, space_id=voters.space.id, values=motion_input())
    motions.open_motion(session, facilitator, closed.id)
    ballots.cast_ballot(session, voters.of("carrier"), closed.id, choice="yes")
    motions.close_motion(session, facilitator, closed.id)
    return World(
        space_id=voters.space.id,
        tokens={
            "anonymous": {},
            "garbage": GARBAGE,
            "facilitator": bearer(facilitator),
            "member": bearer(voters.of("beneficiary")),
            "voter2": bearer(voters.of("carrier")),
            "observer": bearer(voters.observer),
        },
        ids={
            "draft": draft.id,
            "nobody": nobody.id,
            "voting": voting.id,
            "secret": secret.id,
            "closed": closed.id,
        },
        voter_id=voters.of("carrier", 1).id,
    )


@dataclass
class Case:
    name: str
    method: str
    path: str
    status: int
    url: Callable[[World], str]
    role: str = "anonymous"
    body: Any = None
    raw: bytes | None = None


def m(name: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/motions/{w.ids[name]}{suffix}"


MOTIONS = "/spaces/{space_id}/motions"
NEW = {"title": "Neue Bänke", "method": "consent", "parameters": {"quorum": {"overall": "1/2"}}}
CASES = [
    Case("motions", "get", MOTIONS, 200, lambda w: f"/api/v1/spaces/{w.space_id}/motions", "member"),
    Case("motions, garbage token", "get", MOTIONS, 401, lambda w: f"/api/v1/spaces/{w.space_id}/motions", "garbage"),
    Case("motions, unknown space", "get", MOTIONS, 404, lambda w: f"/api/v1/spaces/{UNKNOWN}/motions"),
    Case("create", "post", MOTIONS, 201, lambda w: f"/api/v1/spaces/{w.space_id}/motions", "facilitator", NEW),
    Case("create, not json", "post", MOTIONS, 400, lambda w: f"/api/v1/spaces/{w.space_id}/motions",
         "facilitator", raw=b"[1, 2"),
    Case("create, anonymous", "post", MOTIONS, 401, lambda w: f"/api/v1/spaces/{w.space_id}/motions", body=NEW),
    Case("create, member", "post", MOTIONS, 403, lambda w: f"/api/v1/spaces/{w.space_id}/motions", "member", NEW),
    Case("create, unknown space", "post", MOTIONS, 404, lambda w: f"/api/v1/spaces/{UNKNOWN}/motions",
         "facilitator", NEW),
    Case("create, bad threshold", "post", MOTIONS, 422, lambda w: f"/api/v1/spaces/{w.space_id}/motions",
         "facilitator", {"title": "X", "method": "qualified_majority", "parameters": {"threshold": {"fraction": "5/4"}}}),
    Case("motion", "get", "/motions/{motion_id}", 200, m("closed")),
    Case("motion, garbage token", "get", "/motions/{motion_id}", 401, m("closed"), "garbage"),
    Case("draft, anonymous", "get", "/motions/{motion_id}", 404, m("draft")),
    Case("open, member", "post", "/motions/{motion_id}/open", 403, m("draft", "/open"), "member"),
    Case("open, garbage token", "post", "/motions/{motion_id}/open", 401, m("draft", "/open"), "garbage"),
    Case("open, unknown", "post", "/motions/{motion_id}/open", 404, lambda w: f"/api/v1/motions/{UNKNOWN}/open",
         "facilitator"),
    Case("open, nobody may vote", "post", "/motions/{motion_id}/open", 422, m("nobody", "/open"), "facilitator"),
    Case("open", "post", "/motions/{motion_id}/open", 200, m("draft", "/open"), "facilitator"),
    Case("vote", "put", "/motions/{motion_id}/ballot", 200, m("voting", "/ballot"), "member", {"choice": "yes"}),
    Case("vote, not json", "put", "/motions/{motion_id}/ballot", 400, m("voting", "/ballot"), "member", raw=b"x"),
    Case("vote, anonymous", "put", "/motions/{motion_id}/ballot", 401, m("voting", "/ballot"), body={"choice": "yes"}),
    Case("vote, observer", "put", "/motions/{motion_id}/ballot", 403, m("voting", "/ballot"), "observer",
         {"choice": "yes"}),
    Case("vote, unknown motion", "put", "/motions/{motion_id}/ballot", 404,
         lambda w: f"/api/v1/motions/{UNKNOWN}/ballot", "member", {"choice": "yes"}),
    Case("vote, closed", "put", "/motions/{motion_id}/ballot", 409, m("closed", "/ballot"), "member",
         {"choice": "yes"}),
    Case("vote, secret without receipt", "put", "/motions/{motion_id}/ballot", 409, m("secret", "/ballot"),
         "voter2", {"choice": "no"}),
    Case("vote, unknown answer", "put", "/motions/{motion_id}/ballot", 422, m("voting", "/ballot"), "member",
         {"choice": "maybe"}),
    Case("results", "get", "/motions/{motion_id}/results", 200, m("closed", "/results")),
    Case("results, garbage", "get", "/motions/{motion_id}/results", 401, m("closed", "/results"), "garbage"),
    Case("results while open", "get", "/motions/{motion_id}/results", 403, m("voting", "/results"), "member"),
    Case("results, unknown", "get", "/motions/{motion_id}/results", 404,
         lambda w: f"/api/v1/motions/{UNKNOWN}/results"),
    Case("ballots", "get", "/motions/{motion_id}/ballots", 200, m("closed", "/ballots")),
    Case("ballots, garbage", "get", "/motions/{motion_id}/ballots", 401, m("closed", "/ballots"), "garbage"),
    Case("ballots while open", "get", "/motions/{motion_id}/ballots", 403, m("voting", "/ballots"), "member"),
    Case("ballots, unknown", "get", "/motions/{motion_id}/ballots", 404,
         lambda w: f"/api/v1/motions/{UNKNOWN}/ballots"),
    Case("close, member", "post", "/motions/{motion_id}/close", 403, m("voting", "/close"), "member"),
    Case("close, anonymous", "post", "/motions/{motion_id}/close", 401, m("voting", "/close")),
    Case("close, unknown", "post", "/motions/{motion_id}/close", 404, lambda w: f"/api/v1/motions/{UNKNOWN}/close",
         "facilitator"),
    Case("close", "post", "/motions/{motion_id}/close", 200, m("voting", "/close"), "facilitator"),
]  # fmt: skip


def _send(client, world: World, case: Case):
    headers = {"Accept-Language": "en", **world.tokens[case.role]}
    if case.raw is not None:
        return client.open(
            case.url(world), method=case.method.upper(), data=case.raw, headers=headers,
            content_type="application/json",
        )  # fmt: skip
    return client.open(case.url(world), method=case.method.upper(), json=case.body, headers=headers)


def test_every_response_matches_the_document_and_every_documented_status_is_seen(
    client, world: World, conforms, openapi_document: dict
) -> None:
    failures = []
    seen = set()
    for case in CASES:
        response = _send(client, world, case)
        if response.status_code != case.status:
            failures.append(f"{case.name}: {response.status_code} instead of {case.status} {response.text}")
            continue
        try:
            conforms(response)
        except OpenAPIError as error:
            failures.append(f"{case.name}: {error!r} {getattr(error, '__cause__', '')}")
        seen.add((case.path, case.method, str(case.status)))
    assert not failures, "\n".join(failures)
    own_paths = {case.path for case in CASES}
    documented = {
        (path, method, status)
        for path, item in openapi_document["paths"].items()
        if path in own_paths
        for method in METHODS & set(item)
        for status in item[method]["responses"]
        if status != "default"
    }
    assert documented <= seen, f"never exercised: {sorted(documented - seen)}"

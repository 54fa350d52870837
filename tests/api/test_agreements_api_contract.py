"""Real responses of every agreements and frameworks endpoint, validated against the OpenAPI document.

The cases must exercise every status code the document promises for every operation of these
paths; together with tests/api/test_contract.py they cover every path of the document. Cases run in
order: reads first, then writes that change what later cases see (noted where it matters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from openapi_core.exceptions import OpenAPIError

from agreements.services import catalogue, drafts
from agreements.services import versions as versions_service
from core.errors import Conflict
from governance.models import Organisation
from tests.api import test_contract, test_decisions_api_contract
from tests.api.conftest import Cast

METHODS = {"get", "put", "post", "delete", "patch"}
GARBAGE = {"Authorization": "Bearer rr_not-a-real-token"}
UNKNOWN = 2147483647


@dataclass
class World:
    cast: Cast
    ids: dict[str, int]  # a document of each kind that the public may read
    hidden: dict[str, int]  # a document of each kind that outsiders may not read
    editable: dict[str, int]  # a document of each kind whose draft may be edited now
    keys: dict[str, str]  # a draft section of editable[kind]
    organisation_id: int


@pytest.fixture
def world(session, cast: Cast, make_agreement, make_framework) -> World:
    organisation = Organisation(name="Quartierstreff", kind="provider", description="")
    session.add(organisation)
    session.commit()
    framework = make_framework(published=2, sections=("Leitsatz", "Finanzierung"))
    hidden_framework = make_framework(published=0)
    agreement = make_agreement(status="adopted", published=2)
    # Drafts are never public, and adopted texts are not edited: one agreement of each.
    draft_agreement = make_agreement(published=1)
    return World(
        cast=cast,
        ids={"agreement": agreement.id, "framework": framework.id},
        hidden={"agreement": draft_agreement.id, "framework": hidden_framework.id},
        editable={"agreement": draft_agreement.id, "framework": framework.id},
        keys={
            "agreement": draft_agreement.draft_sections[0].key,
            "framework": framework.draft_sections[0].key,
        },
        organisation_id=organisation.id,
    )


@dataclass
class Case:
    name: str
    method: str
    path: str  # as in the document
    status: int
    url: Callable[[World], str]
    role: str = "anonymous"  # or "garbage" for a token that does not exist
    body: Callable[[World], Any] | None = None
    raw: bytes | None = None  # sent as is, as JSON
    patch: Callable[[pytest.MonkeyPatch], None] | None = None


def _section(title: str = "Neu", **more: Any) -> dict[str, Any]:
    return {"kind": "goal", "title": title, "body": "Text.", **more}


def _update(revision: int, title: str = "Geändert") -> Callable[[World], dict[str, Any]]:
    return lambda w: {**_section(title), "base_revision": revision, "base": {"title": "x", "body": "y"}}


def _heading(revision: int) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"title": "Neuer Titel", "preamble": "Wir vereinbaren:", "base_revision": revision}


def _publish_at_the_same_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    def conflict(*args: Any, **kwargs: Any) -> None:
        raise Conflict("another version was published at the same time")

    monkeypatch.setattr(versions_service, "publish_version", conflict)


def _document_cases(kind: str) -> list[Case]:
    """Cases for the paths both kinds share (frameworks: written by the administrator)."""
    plural = f"{kind}s"
    writer = "facilitator" if kind == "agreement" else "admin"
    refused = "member" if kind == "agreement" else "facilitator"  # signed in, may not write
    base = f"/{plural}/{{{kind}_id}}"

    def doc(
        suffix: str = "", *, hidden: bool = False, unknown: bool = False, editable: bool = False
    ) -> Callable[[World], str]:
        def url(w: World) -> str:
            chosen = w.hidden if hidden else w.editable if editable else w.ids
            document_id = UNKNOWN if unknown else chosen[kind]
            return f"/api/v1/{plural}/{document_id}{suffix}"

        return url

    def section_url(suffix: str = "", key: str | None = None) -> Callable[[World], str]:
        return lambda w: f"/api/v1/{plural}/{w.editable[kind]}/draft/sections/{key or w.keys[kind]}{suffix}"

    add = doc("/draft/sections", editable=True)

    one = base
    versions = f"{base}/versions"
    version = f"{base}/versions/{{number}}"
    diff = f"{base}/diff"
    draft = f"{base}/draft"
    sections = f"{base}/draft/sections"
    section = f"{base}/draft/sections/{{key}}"
    return [
        # --- reads
        Case(f"{kind}", "get", one, 200, doc()),
        Case(f"{kind}, with its draft", "get", one, 200, doc(), writer),
        Case(f"hidden {kind}, anonymous", "get", one, 401, doc(hidden=True)),
        Case(f"hidden {kind}, outsider", "get", one, 403, doc(hidden=True), "outsider"),
        Case(f"unknown {kind}", "get", one, 404, doc(unknown=True)),
        Case(f"{kind} versions", "get", versions, 200, doc("/versions")),
        Case(f"{kind} versions, anonymous", "get", versions, 401, doc("/versions", hidden=True)),
        Case(f"{kind} versions, outsider", "get", versions, 403, doc("/versions", hidden=True), "outsider"),
        Case(f"{kind} versions, unknown", "get", versions, 404, doc("/versions", unknown=True)),
        Case(f"{kind} version", "get", version, 200, doc("/versions/2")),
        Case(f"{kind} version, anonymous", "get", version, 401, doc("/versions/1", hidden=True), "garbage"),
        Case(f"{kind} version, outsider", "get", version, 403, doc("/versions/1", hidden=True), "outsider"),
        Case(f"{kind} version, unknown number", "get", version, 404, doc("/versions/99")),
        Case(f"{kind} diff", "get", diff, 200, doc("/diff?from=1&to=2")),
        Case(f"{kind} diff, backwards", "get", diff, 200, doc("/diff?from=2&to=1"), writer),
        Case(f"{kind} diff, no 'to'", "get", diff, 400, doc("/diff?from=1")),
        Case(f"{kind} diff, same", "get", diff, 400, doc("/diff?from=1&to=1")),
        Case(f"{kind} diff, anonymous", "get", diff, 401, doc("/diff?from=1&to=2", hidden=True)),
        Case(f"{kind} diff, outsider", "get", diff, 403, doc("/diff?from=1&to=2", hidden=True), "outsider"),
        Case(f"{kind} diff, unknown version", "get", diff, 404, doc("/diff?from=1&to=99")),
        Case(f"{kind} draft", "get", draft, 200, doc("/draft"), writer),
        Case(f"{kind} draft, anonymous", "get", draft, 401, doc("/draft")),
        Case(f"{kind} draft, outsider", "get", draft, 403, doc("/draft"), "outsider"),
        Case(f"{kind} draft, unknown", "get", draft, 404, doc("/draft", unknown=True), writer),
        Case(f"{kind} section", "get", section, 200, section_url(), writer),
        Case(f"{kind} section, anonymous", "get", section, 401, section_url()),
        Case(f"{kind} section, outsider", "get", section, 403, section_url(), "outsider"),
        Case(f"{kind} section, unknown key", "get", section, 404, section_url(key="nothere"), writer),
        # --- adding sections
        Case(f"add {kind} section", "post", sections, 201, add, writer, lambda w: _section()),
        Case(f"add {kind} section, not JSON", "post", sections, 400, add, writer, raw=b"{"),
        Case(f"add {kind} section, anonymous", "post", sections, 401, add, body=lambda w: {}),
        Case(f"add {kind} section, refused", "post", sections, 403, add, refused, lambda w: {}),
        Case(
            f"add {kind} section, unknown document",
            "post",
            sections,
            404,
            doc("/draft/sections", unknown=True),
            writer,
            lambda w: _section(),
        ),
        Case(
            f"add {kind} section, no title",
            "post",
            sections,
            422,
            add,
            writer,
            lambda w: {"kind": "goal", "indicators": [{"name": 3}]},
        ),
        # --- changing and removing a section (in this order: revision 1 -> 2, then removed)
        Case(f"change {kind} section", "put", section, 200, section_url(), writer, _update(1)),
        Case(f"change {kind} section, stale", "put", section, 409, section_url(), writer, _update(1, "Alt")),
        Case(f"change {kind} section, not JSON", "put", section, 400, section_url(), writer, raw=b"[]"),
        Case(f"change {kind} section, anonymous", "put", section, 401, section_url(), body=_update(2)),
        Case(f"change {kind} section, refused", "put", section, 403, section_url(), refused, _update(2)),
        Case(
            f"change {kind} section, unknown key",
            "put",
            section,
            404,
            section_url(key="nothere"),
            writer,
            _update(1),
        ),
        Case(
            f"change {kind} section, blank title",
            "put",
            section,
            422,
            section_url(),
            writer,
            _update(2, title=" "),
        ),
        Case(
            f"remove {kind} section, stale", "delete", section, 409, section_url("?base_revision=1"), writer
        ),
        Case(f"remove {kind} section, no revision", "delete", section, 400, section_url(), writer),
        Case(f"remove {kind} section, anonymous", "delete", section, 401, section_url("?base_revision=2")),
        Case(
            f"remove {kind} section, refused",
            "delete",
            section,
            403,
            section_url("?base_revision=2"),
            refused,
        ),
        Case(
            f"remove {kind} section, unknown key",
            "delete",
            section,
            404,
            section_url("?base_revision=1", key="nothere"),
            writer,
        ),
        Case(f"remove {kind} section", "delete", section, 204, section_url("?base_revision=2"), writer),
        # --- the title and preamble (revision 1 -> 2)
        Case(f"change {kind} heading", "put", draft, 200, doc("/draft", editable=True), writer, _heading(1)),
        Case(
            f"change {kind} heading, stale",
            "put",
            draft,
            409,
            doc("/draft", editable=True),
            writer,
            _heading(1),
        ),
        Case(
            f"change {kind} heading, not JSON",
            "put",
            draft,
            400,
            doc("/draft", editable=True),
            writer,
            raw=b"{",
        ),
        Case(
            f"change {kind} heading, anonymous",
            "put",
            draft,
            401,
            doc("/draft", editable=True),
            body=_heading(2),
        ),
        Case(
            f"change {kind} heading, refused",
            "put",
            draft,
            403,
            doc("/draft", editable=True),
            refused,
            _heading(2),
        ),
        Case(
            f"change {kind} heading, unknown",
            "put",
            draft,
            404,
            doc("/draft", unknown=True),
            writer,
            _heading(2),
        ),
        Case(
            f"change {kind} heading, no title",
            "put",
            draft,
            422,
            doc("/draft", editable=True),
            writer,
            lambda w: {"title": "", "base_revision": 2},
        ),
        # --- publishing
        Case(
            f"publish {kind}",
            "post",
            versions,
            201,
            doc("/versions"),
            writer,
            lambda w: {"change_summary": "v3"},
        ),
        Case(f"publish {kind}, not JSON", "post", versions, 400, doc("/versions"), writer, raw=b"\xff"),
        Case(
            f"publish {kind}, anonymous",
            "post",
            versions,
            401,
            doc("/versions"),
            body=lambda w: {"change_summary": "x"},
        ),
        Case(
            f"publish {kind}, refused",
            "post",
            versions,
            403,
            doc("/versions"),
            refused,
            lambda w: {"change_summary": "x"},
        ),
        Case(
            f"publish {kind}, unknown",
            "post",
            versions,
            404,
            doc("/versions", unknown=True),
            writer,
            lambda w: {"change_summary": "x"},
        ),
        Case(
            f"publish {kind}, at the same moment",
            "post",
            versions,
            409,
            doc("/versions"),
            writer,
            lambda w: {"change_summary": "x"},
            patch=_publish_at_the_same_moment,
        ),
        Case(
            f"publish {kind}, no summary",
            "post",
            versions,
            422,
            doc("/versions"),
            writer,
            lambda w: {"change_summary": "  "},
        ),
    ]


def _space_url(space_id: Callable[[World], int]) -> Callable[[World], str]:
    return lambda w: f"/api/v1/spaces/{space_id(w)}/agreements"


NEW = "/spaces/{space_id}/agreements"
STEP = "/agreements/{agreement_id}/transitions"
PARTIES = "/agreements/{agreement_id}/draft/parties"
REQUIREMENTS = "/frameworks/{framework_id}/draft/requirements"


def _step_url(w: World) -> str:
    return f"/api/v1/agreements/{w.hidden['agreement']}/transitions"


def _parties_url(w: World) -> str:
    return f"/api/v1/agreements/{w.editable['agreement']}/draft/parties"


def _requirements_url(w: World) -> str:
    return f"/api/v1/frameworks/{w.editable['framework']}/draft/requirements"


def _parties(organisation_id: Callable[[World], int]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"parties": [{"organisation_id": organisation_id(w), "party": "provider"}]}


REQUIREMENTS_BODY = {
    "required_section_kinds": ["goal", "quality_standard"],
    "indicators_need_target": True,
    "required_parties": ["beneficiary", "carrier"],
    "max_review_interval_months": 24,
}


CASES: list[Case] = [
    Case("agreements", "get", "/agreements", 200, lambda w: "/api/v1/agreements"),
    Case(
        "agreements, filtered",
        "get",
        "/agreements",
        200,
        lambda w: f"/api/v1/agreements?space={w.cast.space.id}&status=draft&limit=1&offset=0",
        "member",
    ),
    Case("agreements, bad status", "get", "/agreements", 400, lambda w: "/api/v1/agreements?status=x"),
    Case("agreements, bad token", "get", "/agreements", 401, lambda w: "/api/v1/agreements", "garbage"),
    Case("frameworks", "get", "/frameworks", 200, lambda w: "/api/v1/frameworks?limit=5"),
    Case("frameworks, admin", "get", "/frameworks", 200, lambda w: "/api/v1/frameworks", "admin"),
    Case("frameworks, bad offset", "get", "/frameworks", 400, lambda w: "/api/v1/frameworks?offset=-1"),
    Case("frameworks, bad token", "get", "/frameworks", 401, lambda w: "/api/v1/frameworks", "garbage"),
    *_document_cases("agreement"),
    *_document_cases("framework"),
    Case(
        "create agreement",
        "post",
        NEW,
        201,
        _space_url(lambda w: w.cast.space.id),
        "facilitator",
        lambda w: {
            "title": "Neu",
            "preamble": "",
            "framework_id": w.ids["framework"],
            "framework_version": 2,
        },
    ),
    Case(
        "create agreement, not JSON",
        "post",
        NEW,
        400,
        _space_url(lambda w: w.cast.space.id),
        "admin",
        raw=b"1",
    ),
    Case(
        "create agreement, anonymous",
        "post",
        NEW,
        401,
        _space_url(lambda w: w.cast.space.id),
        body=lambda w: {"title": "Neu"},
    ),
    Case(
        "create agreement, member",
        "post",
        NEW,
        403,
        _space_url(lambda w: w.cast.space.id),
        "member",
        lambda w: {"title": "Neu"},
    ),
    Case(
        "create agreement, unknown space",
        "post",
        NEW,
        404,
        _space_url(lambda w: UNKNOWN),
        "admin",
        lambda w: {"title": "Neu"},
    ),
    Case(
        "create agreement, title not text",
        "post",
        NEW,
        422,
        _space_url(lambda w: w.cast.space.id),
        "facilitator",
        lambda w: {"title": 5, "colour": "blue"},
    ),
    Case(
        "create framework",
        "post",
        "/frameworks",
        201,
        lambda w: "/api/v1/frameworks",
        "admin",
        lambda w: {"title": "Rahmen"},
    ),
    Case(
        "create framework, not JSON",
        "post",
        "/frameworks",
        400,
        lambda w: "/api/v1/frameworks",
        "admin",
        raw=b"not json",
    ),
    Case(
        "create framework, anonymous",
        "post",
        "/frameworks",
        401,
        lambda w: "/api/v1/frameworks",
        body=lambda w: {"title": "Rahmen"},
    ),
    Case(
        "create framework, facilitator",
        "post",
        "/frameworks",
        403,
        lambda w: "/api/v1/frameworks",
        "facilitator",
        lambda w: {"title": "Rahmen"},
    ),
    Case(
        "create framework, no title",
        "post",
        "/frameworks",
        422,
        lambda w: "/api/v1/frameworks",
        "admin",
        lambda w: {"preamble": "…"},
    ),
    Case("parties", "put", PARTIES, 200, _parties_url, "facilitator", _parties(lambda w: w.organisation_id)),
    Case("no parties", "put", PARTIES, 200, _parties_url, "admin", lambda w: {"parties": []}),
    Case("parties, not JSON", "put", PARTIES, 400, _parties_url, "facilitator", raw=b"parties"),
    Case("parties, anonymous", "put", PARTIES, 401, _parties_url, body=lambda w: {"parties": []}),
    Case("parties, member", "put", PARTIES, 403, _parties_url, "member", lambda w: {"parties": []}),
    Case(
        "parties, unknown agreement",
        "put",
        PARTIES,
        404,
        lambda w: f"/api/v1/agreements/{UNKNOWN}/draft/parties",
        "admin",
        lambda w: {"parties": []},
    ),
    Case(
        "parties, unknown organisation",
        "put",
        PARTIES,
        422,
        _parties_url,
        "facilitator",
        _parties(lambda w: UNKNOWN),
    ),
    Case("requirements", "put", REQUIREMENTS, 200, _requirements_url, "admin", lambda w: REQUIREMENTS_BODY),
    Case("requirements, none", "put", REQUIREMENTS, 200, _requirements_url, "admin", lambda w: {}),
    Case("requirements, not JSON", "put", REQUIREMENTS, 400, _requirements_url, "admin", raw=b"[1]"),
    Case("requirements, anonymous", "put", REQUIREMENTS, 401, _requirements_url, body=lambda w: {}),
    Case(
        "requirements, facilitator", "put", REQUIREMENTS, 403, _requirements_url, "facilitator", lambda w: {}
    ),
    Case(
        "requirements, unknown framework",
        "put",
        REQUIREMENTS,
        404,
        lambda w: f"/api/v1/frameworks/{w.ids['agreement']}/draft/requirements",
        "admin",
        lambda w: {},
    ),
    Case(
        "requirements, free text",
        "put",
        REQUIREMENTS,
        422,
        _requirements_url,
        "admin",
        lambda w: {"required_section_kinds": ["text"], "max_review_interval_months": 0},
    ),
    Case("step, not JSON", "post", STEP, 400, _step_url, "facilitator", raw=b"{'a': 1}"),
    Case("step, anonymous", "post", STEP, 401, _step_url, body=lambda w: {"transition": "withdraw"}),
    Case("step, member", "post", STEP, 403, _step_url, "member", lambda w: {"transition": "withdraw"}),
    Case(
        "step, unknown agreement",
        "post",
        STEP,
        404,
        lambda w: f"/api/v1/agreements/{UNKNOWN}/transitions",
        "admin",
        lambda w: {"transition": "withdraw"},
    ),
    Case("step, refused", "post", STEP, 422, _step_url, "facilitator", lambda w: {"transition": "adopt"}),
    Case(
        "step",
        "post",
        STEP,
        200,
        _step_url,
        "facilitator",
        lambda w: {
            "transition": "open_consultation",
            "note": "Bitte kommentieren",
            "consultation_starts_on": "2025-01-01",
            "consultation_ends_on": "2025-01-31",
        },
    ),
]


def _headers(world: World, role: str) -> dict[str, str]:
    return GARBAGE if role == "garbage" else world.cast.tokens[role]


def _send(client, world: World, case: Case):
    headers = {"Accept-Language": "en", **_headers(world, case.role)}
    if case.raw is not None:
        return client.open(
            case.url(world), method=case.method.upper(), data=case.raw, headers=headers,
            content_type="application/json",
        )  # fmt: skip
    body = case.body(world) if case.body else None
    return client.open(case.url(world), method=case.method.upper(), json=body, headers=headers)


def test_every_response_matches_the_document_and_every_documented_status_is_seen(
    client, world: World, conforms, openapi_document: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = []
    seen = set()
    for case in CASES:
        with monkeypatch.context() as patches:
            if case.patch:
                case.patch(patches)
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


def test_the_two_contract_tests_together_cover_every_documented_path(openapi_document: dict) -> None:
    covered = {case.path for case in CASES} | {case.path for case in test_contract.CASES}
    covered |= {case.path for case in test_decisions_api_contract.CASES}
    assert set(openapi_document["paths"]) == covered


def test_a_session_write_conforms_too(client, cast: Cast, login, conforms, make_agreement) -> None:
    agreement = make_agreement()
    login(cast.users["facilitator"])
    response = client.post(
        f"/api/v1/agreements/{agreement.id}/draft/sections",
        json={"kind": "review", "title": "Überprüfung", "review_date": "2027-06-30",
              "budget_lines": [{"label": "Trägerbudget", "amount_euros": 120000}]},
    )  # fmt: skip
    assert conforms(response).status_code == 201
    assert response.get_json()["budget_lines"] == [
        {"label": "Trägerbudget", "amount_euros": 120000, "funded_by": ""}
    ]


def test_an_unexpected_failure_is_a_documented_500_problem(client, conforms, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(catalogue, "list_documents", broken)
    response = conforms(client.get("/api/v1/agreements"))
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "fire" not in response.text


def test_the_checker_notices_an_undocumented_field(client, world: World, conforms, monkeypatch) -> None:
    """The contract test can fail: an extra member in a diff breaks it."""
    from agreements import api_json

    original = api_json._hunks
    monkeypatch.setattr(api_json, "_hunks", lambda hunks: [{**h, "colour": "red"} for h in original(hunks)])
    with pytest.raises(OpenAPIError):
        conforms(client.get(f"/api/v1/agreements/{world.ids['agreement']}/diff?from=1&to=2"))


def test_draft_writes_are_audited(session, client, world: World) -> None:
    from sqlalchemy import select

    from core.audit import AuditEntry

    client.post(
        f"/api/v1/agreements/{world.hidden['agreement']}/draft/sections",
        json={"kind": "rule", "title": "Regel"},
        headers=world.cast.tokens["facilitator"],
    )
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(world.hidden["agreement"]))
    )
    assert "draft.section_added" in set(actions)
    assert drafts.section_count(session, world.hidden["agreement"]) == 2

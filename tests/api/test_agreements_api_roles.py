"""Role x action grid of the agreements API, with bearer tokens: the same rules as on the website.

Anonymous callers get 401, signed-in callers without the right 403; a refused write changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from agreements.models import Document, DocumentParty, DocumentVersion, DraftSection
from core.extensions import db
from governance.models import Organisation
from tests.api.conftest import ROLES, Cast

SECTION = {"kind": "rule", "title": "Hausordnung", "body": "Alle sind willkommen."}


@dataclass
class Action:
    name: str
    send: Callable[[Any, Any, dict[str, str]], Any]  # (client, setup, headers) -> response
    setup: Callable[[Any, Any], Any]  # (make_agreement, make_framework) -> what send needs
    success: int
    allowed: frozenset[str]


def _change_first_section(client: Any, doc: Any, headers: dict[str, str]) -> Any:
    first = doc.draft_sections[0]
    return client.put(
        f"/api/v1/{doc.kind}s/{doc.id}/draft/sections/{first.key}",
        json={**SECTION, "base_revision": 1, "base": {"title": first.title, "body": first.body}},
        headers=headers,
    )


def _agreement(status: str = "draft") -> Callable[[Any, Any], Any]:
    return lambda make_agreement, make_framework: make_agreement(status=status, published=1)


def _agreement_with_organisation(status: str) -> Callable[[Any, Any], Any]:
    def setup(make_agreement: Any, make_framework: Any) -> Any:
        agreement = make_agreement(status=status, published=1)
        organisation = Organisation(name="Quartierstreff", kind="provider", description="")
        db.session.add(organisation)
        db.session.commit()
        agreement.organisation_id = organisation.id  # for the request only; not a column
        return agreement

    return setup


def _framework(make_agreement: Any, make_framework: Any) -> Any:
    return make_framework()


def _nothing(make_agreement: Any, make_framework: Any) -> None:
    return None


FACILITATION = frozenset({"facilitator", "admin"})
NEGOTIATION = frozenset({"member", "facilitator", "admin"})
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()

ACTIONS = [
    Action(
        "create an agreement",
        lambda client, space_id, headers: client.post(
            f"/api/v1/spaces/{space_id}/agreements", json={"title": "Neu"}, headers=headers
        ),
        _nothing,  # the space's id is sent instead
        201,
        FACILITATION,
    ),
    Action(
        "add a section to a draft",
        lambda client, doc, headers: client.post(
            f"/api/v1/agreements/{doc.id}/draft/sections", json=SECTION, headers=headers
        ),
        _agreement(),
        201,
        FACILITATION,
    ),
    Action(
        "add a section during negotiation",
        lambda client, doc, headers: client.post(
            f"/api/v1/agreements/{doc.id}/draft/sections", json=SECTION, headers=headers
        ),
        _agreement("negotiation"),
        201,
        NEGOTIATION,
    ),
    Action(
        "add a section during the vote",
        lambda client, doc, headers: client.post(
            f"/api/v1/agreements/{doc.id}/draft/sections", json=SECTION, headers=headers
        ),
        _agreement("voting"),
        201,
        NOBODY,
    ),
    Action("change a section of a draft", _change_first_section, _agreement(), 200, FACILITATION),
    Action(
        "change a section during negotiation",
        _change_first_section,
        _agreement("negotiation"),
        200,
        NEGOTIATION,
    ),
    Action(
        "remove a section of a draft",
        lambda client, doc, headers: client.delete(
            f"/api/v1/agreements/{doc.id}/draft/sections/{doc.draft_sections[0].key}?base_revision=1",
            headers=headers,
        ),
        _agreement(),
        204,
        FACILITATION,
    ),
    Action(
        "publish a version",
        lambda client, doc, headers: client.post(
            f"/api/v1/agreements/{doc.id}/versions", json={"change_summary": "Neue Fassung"}, headers=headers
        ),
        _agreement(),
        201,
        FACILITATION,
    ),
    Action(
        "start the negotiation",
        lambda client, doc, headers: client.post(
            f"/api/v1/agreements/{doc.id}/transitions",
            json={"transition": "start_negotiation"},
            headers=headers,
        ),
        _agreement(),
        200,
        FACILITATION,
    ),
    Action(
        "create a framework",
        lambda client, doc, headers: client.post(
            "/api/v1/frameworks", json={"title": "Rahmen"}, headers=headers
        ),
        _nothing,
        201,
        ADMIN,
    ),
    Action(
        "add a section to a framework",
        lambda client, doc, headers: client.post(
            f"/api/v1/frameworks/{doc.id}/draft/sections", json=SECTION, headers=headers
        ),
        _framework,
        201,
        ADMIN,
    ),
    Action("change a section of a framework", _change_first_section, _framework, 200, ADMIN),
    Action(
        "change the title of a draft",
        lambda client, doc, headers: client.put(
            f"/api/v1/agreements/{doc.id}/draft", json={"title": "Neu", "base_revision": 1}, headers=headers
        ),
        _agreement(),
        200,
        FACILITATION,
    ),
    Action(
        "set the parties during negotiation",
        lambda client, doc, headers: client.put(
            f"/api/v1/agreements/{doc.id}/draft/parties",
            json={"parties": [{"organisation_id": doc.organisation_id, "party": "provider"}]},
            headers=headers,
        ),
        _agreement_with_organisation("negotiation"),
        200,
        NEGOTIATION,
    ),
    Action(
        "set a framework's requirements",
        lambda client, doc, headers: client.put(
            f"/api/v1/frameworks/{doc.id}/draft/requirements",
            json={"required_parties": ["carrier"]},
            headers=headers,
        ),
        _framework,
        200,
        ADMIN,
    ),
    Action(
        "publish a framework version",
        lambda client, doc, headers: client.post(
            f"/api/v1/frameworks/{doc.id}/versions",
            json={"change_summary": "Zweite Fassung"},
            headers=headers,
        ),
        _framework,
        201,
        ADMIN,
    ),
]


def _state(session) -> tuple[Any, ...]:
    """What a write could change: documents and their headings, statuses, parties and requirements;
    versions; sections and their revisions."""
    documents = session.execute(
        select(Document.status, Document.draft_revision, Document.draft_requirements).order_by(Document.id)
    ).all()
    return (
        tuple(
            (status, revision, json.dumps(requirements, sort_keys=True))
            for status, revision, requirements in documents
        ),
        session.scalar(select(func.count()).select_from(DocumentParty)),
        session.scalar(select(func.count()).select_from(DocumentVersion)),
        session.scalar(select(func.count()).select_from(DraftSection)),
        session.scalar(select(func.coalesce(func.sum(DraftSection.revision), 0))),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
def test_who_may_write(
    client, session, cast: Cast, make_agreement, make_framework, action: Action, role: str
):
    target = action.setup(make_agreement, make_framework)
    if action.name == "create an agreement":
        target = cast.space.id
    before = _state(session)
    response = action.send(client, target, cast.tokens[role])
    session.expire_all()
    if role in action.allowed:
        assert response.status_code == action.success, response.get_json()
        assert _state(session) != before, "the write changed nothing that the refusal check looks at"
        return
    expected = 401 if role == "anonymous" else 403
    assert response.status_code == expected, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert _state(session) == before, "a refused write changed something"


@pytest.mark.parametrize(
    ("role", "agreement_draft", "framework_draft"),
    [
        ("anonymous", 401, 401),
        ("outsider", 403, 403),
        ("member", 200, 403),
        ("observer", 200, 403),
        ("facilitator", 200, 403),
        ("admin", 200, 200),
    ],
)
def test_who_may_read_a_draft(
    client, cast: Cast, make_agreement, make_framework, role: str, agreement_draft: int, framework_draft: int
) -> None:
    agreement = make_agreement(status="adopted", published=1)
    framework = make_framework()
    headers = cast.tokens[role]
    assert (
        client.get(f"/api/v1/agreements/{agreement.id}/draft", headers=headers).status_code == agreement_draft
    )
    assert (
        client.get(f"/api/v1/frameworks/{framework.id}/draft", headers=headers).status_code == framework_draft
    )
    detail = client.get(f"/api/v1/agreements/{agreement.id}", headers=headers).get_json()
    assert (detail["draft"] is not None) == (agreement_draft == 200)
    assert detail["actions"]["view_draft"] == (agreement_draft == 200)


def test_a_deactivated_account_cannot_write_with_its_old_token(client, session, cast: Cast, make_agreement):
    agreement = make_agreement()
    headers = cast.tokens["facilitator"]
    cast.users["facilitator"].active = False
    session.commit()
    response = client.post(f"/api/v1/agreements/{agreement.id}/draft/sections", json=SECTION, headers=headers)
    assert response.status_code == 401

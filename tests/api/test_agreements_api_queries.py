"""The agreements API reads with a fixed number of SQL statements, however many sections, versions,
authors, steps or agreements there are."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event

from agreements.services import drafts, lifecycle, versions
from core.extensions import db
from tests.api.conftest import Cast, goal


def _count_statements(action: Callable[[], object]) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize(
    "suffix", ["", "/versions", "/versions/1", "/diff?from=1&to=2", "/draft", "/draft/sections/{key}"]
)
def test_reading_an_agreement_takes_the_same_queries_however_long_it_grows(
    session, client, cast: Cast, make_agreement, make_framework, suffix: str
) -> None:
    framework = make_framework()
    agreement = make_agreement(sections=("Eins",), published=2, framework_version_id=framework.versions[0].id)
    agreement_id, key = agreement.id, agreement.draft_sections[0].key
    url = f"/api/v1/agreements/{agreement_id}" + suffix.format(key=key)
    headers = cast.tokens["member"]

    def read() -> None:
        session.expire_all()  # nothing the test loaded is reused
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()

    few = _count_statements(read)
    for number in range(12):
        author = cast.users["admin"] if number % 2 else cast.users["facilitator"]
        drafts.add_section(session, author, agreement_id, goal(f"Abschnitt {number}"))
        versions.publish_version(session, author, agreement_id, change_summary=f"Runde {number}")
    lifecycle.change_status(session, cast.users["facilitator"], agreement_id, "start_negotiation", note="los")
    assert _count_statements(read) == few


def test_listing_agreements_takes_the_same_queries_however_many_there_are(
    session, client, cast: Cast, make_agreement
) -> None:
    make_agreement(status="adopted", published=1)

    def read() -> None:
        session.expire_all()
        response = client.get("/api/v1/agreements", headers=cast.tokens["member"])
        assert response.status_code == 200

    few = _count_statements(read)
    for number in range(6):
        make_agreement(
            status="adopted" if number % 2 else "draft", published=1, title=f"Vereinbarung {number}"
        )
    assert _count_statements(read) == few
    assert client.get("/api/v1/agreements", headers=cast.tokens["member"]).get_json()["total"] == 7

"""Administrators put a Land-wide framework version to a vote; facilitators cannot."""

from __future__ import annotations

import pytest

from agreements.services import drafts, versions
from agreements.services.snapshots import SectionContent
from core.errors import InvalidInput
from decisions.services import ballots, motions
from tests.decisions_data import make_voters, motion_input


@pytest.fixture
def voters(session, make_user, space_by_code):
    return make_voters(session, make_user, space_by_code)


def published_framework(session, admin):
    framework = drafts.create_framework(session, admin, title="Rahmen Teilhabe")
    drafts.add_section(session, admin, framework.id, SectionContent(kind="goal", title="Ziel", body="Alle."))
    versions.publish_version(session, admin, framework.id, change_summary="Erste Fassung")
    return framework


def test_an_administrator_puts_a_framework_version_to_the_vote(session, voters) -> None:
    framework = published_framework(session, voters.admin)
    motion = motions.create_motion(
        session, voters.admin, space_id=voters.space.id,
        values=motion_input(kind="adopt_version", document_id=framework.id, method="simple_majority"),
    )  # fmt: skip
    assert motion.document_version_id == framework.versions[-1].id
    motions.open_motion(session, voters.admin, motion.id)
    for user in voters.members:
        ballots.cast_ballot(session, user, motion.id, choice="yes")
    closed = motions.close_motion(session, voters.admin, motion.id)
    # The result is the decision; a framework has no adoption step, so nothing else changes.
    assert closed.outcome == "accepted" and not closed.effect
    assert session.get(type(framework), framework.id).status == framework.status


def test_a_facilitator_cannot_put_a_framework_to_the_vote(session, voters) -> None:
    framework = published_framework(session, voters.admin)
    with pytest.raises(InvalidInput) as refused:
        motions.create_motion(
            session, voters.facilitator, space_id=voters.space.id,
            values=motion_input(kind="adopt_version", document_id=framework.id),
        )  # fmt: skip
    assert refused.value.field_errors["document_id"] == ["unknown_document"]


def test_the_motion_form_offers_frameworks_to_administrators_only(session, voters, client, login) -> None:
    published_framework(session, voters.admin)
    login(voters.admin)
    assert "Rahmen Teilhabe" in client.get(f"/spaces/{voters.space.id}/motions/new").text
    login(voters.facilitator)
    page = client.get(f"/spaces/{voters.space.id}/motions/new")
    assert page.status_code == 200 and "Rahmen Teilhabe" not in page.text

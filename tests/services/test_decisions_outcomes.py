"""What an outcome does: an accepted "adopt version" motion adopts the agreement, and amendment
motions accept or reject amendments, through the same services as by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agreements.models import Document, StatusChange
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from decisions.services import ballots, motions
from tests.decisions_data import make_voters, open_motion


@pytest.fixture
def voters(session, make_user, space_by_code):
    return make_voters(session, make_user, space_by_code, beneficiary=2, carrier=1)


def agreement_in_voting(session, voters) -> Document:
    author = voters.facilitator
    agreement = drafts.create_agreement(session, author, space_id=voters.space.id, title="Teilhabe")
    drafts.add_section(session, author, agreement.id, SectionContent(kind="goal", title="Ziel", body="Alle."))
    versions.publish_version(session, author, agreement.id, change_summary="Erste Fassung")
    lifecycle.change_status(session, author, agreement.id, "start_negotiation")
    lifecycle.change_status(session, author, agreement.id, "put_to_vote")
    return agreement


def test_an_accepted_adopt_version_motion_adopts_the_agreement(session, voters) -> None:
    agreement = agreement_in_voting(session, voters)
    motion = open_motion(
        session, voters, kind="adopt_version", document_id=agreement.id, method="every_party",
        parameters={"parties": ["beneficiary", "carrier"]},
    )  # fmt: skip
    assert motion.document_version_id is not None
    for user in voters.members:
        ballots.cast_ballot(session, user, motion.id, choice="yes")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "accepted" and motion.effect == "adopted"
    session.expire_all()
    assert session.get(Document, agreement.id).status == "adopted"
    change = session.scalars(select(StatusChange).where(StatusChange.transition == "adopt")).one()
    assert f"motion {motion.id}" in change.note


def test_a_rejected_adopt_version_motion_leaves_the_agreement_in_voting(session, voters) -> None:
    agreement = agreement_in_voting(session, voters)
    motion = open_motion(session, voters, kind="adopt_version", document_id=agreement.id)
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="no")
    motions.close_motion(session, voters.facilitator, motion.id)
    session.expire_all()
    assert session.get(Document, agreement.id).status == "voting"


def test_an_adoption_the_agreement_cannot_take_is_recorded_not_raised(session, voters) -> None:
    agreement = agreement_in_voting(session, voters)
    motion = open_motion(session, voters, kind="adopt_version", document_id=agreement.id)
    lifecycle.change_status(session, voters.facilitator, agreement.id, "return_to_negotiation")
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    assert motion.outcome == "accepted" and motion.effect.startswith("refused:")


def test_an_accepted_amendment_motion_accepts_the_amendment(session, voters) -> None:
    workflow = pytest.importorskip("amendments.services.workflow")
    from amendments.models import Amendment

    agreement = agreement_in_voting(session, voters)
    version = agreement.versions[-1]
    amendment = Amendment(
        document_id=agreement.id, number=1, base_version_id=version.id, kind="change",
        section_key=version.sections[0].key, proposed_title="Ziel", proposed_body="Alle, sofort.",
        author_id=voters.of("carrier").id, status="open",
    )  # fmt: skip
    session.add(amendment)
    session.commit()
    assert workflow  # the amendments feature provides the effects
    motion = open_motion(session, voters, kind="accept_amendment", amendment_id=amendment.id)
    for user in voters.members:
        ballots.cast_ballot(session, user, motion.id, choice="yes")
    motion = motions.close_motion(session, voters.facilitator, motion.id)
    session.expire_all()
    assert motion.outcome == "accepted" and motion.effect.startswith("amendments:")
    assert session.get(Amendment, amendment.id).status != "open"


def test_the_motion_page_says_what_the_outcome_did(client, session, voters) -> None:
    agreement = agreement_in_voting(session, voters)
    motion = open_motion(session, voters, kind="adopt_version", document_id=agreement.id)
    ballots.cast_ballot(session, voters.of("carrier"), motion.id, choice="yes")
    motions.close_motion(session, voters.facilitator, motion.id)
    assert "With this vote the agreement has been adopted." in client.get(f"/motions/{motion.id}").text

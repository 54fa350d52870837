"""Shared set-up for amendment tests: people in every role and an agreement in negotiation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from agreements.models import DraftSection
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from amendments.services import amendments
from tests.pages.agreement_helpers import People, goal, make_people

MEETINGS = "Der Runde Tisch trifft sich monatlich im Bürgerhaus."


@dataclass
class Setting:
    people: People
    agreement: Any
    goal_key: str
    rule_key: str


def negotiated_agreement(session, make_user, space_by_code, *, status: str = "negotiation") -> Setting:
    """An agreement with two sections and one published version, in negotiation (or consultation)."""
    people = make_people(session, make_user, space_by_code)
    agreement = drafts.create_agreement(
        session, people.facilitator, space_id=people.space.id, title="Teilhabe im Quartier"
    )
    first = drafts.add_section(session, people.facilitator, agreement.id, goal())
    second = drafts.add_section(
        session, people.facilitator, agreement.id, goal("Treffen", MEETINGS, kind="rule")
    )
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Erste Fassung")
    transition = "start_negotiation" if status == "negotiation" else "open_consultation"
    if status == "consultation":
        from datetime import date

        lifecycle.change_status(
            session,
            people.facilitator,
            agreement.id,
            transition,
            consultation_starts_on=date(2026, 1, 1),
            consultation_ends_on=date(2030, 12, 31),
            consultation_audience="members",
        )
    else:
        lifecycle.change_status(session, people.facilitator, agreement.id, transition)
    return Setting(people, agreement, first.key, second.key)


def draft_section(session, document_id: int, key: str) -> DraftSection | None:
    session.expire_all()
    return session.scalar(
        select(DraftSection).where(DraftSection.document_id == document_id, DraftSection.key == key)
    )


def edit_draft(session, setting: Setting, key: str, body: str, title: str | None = None) -> None:
    """The facilitator saves a new text of a draft section (the draft moves on)."""
    section = draft_section(session, setting.agreement.id, key)
    assert section is not None
    base = SectionContent.of(section)
    mine = SectionContent.of(section)
    mine.body = body
    if title is not None:
        mine.title = title
    drafts.update_section(
        session,
        setting.people.facilitator,
        setting.agreement.id,
        key,
        base_revision=section.revision,
        base=base,
        mine=mine,
    )


def propose_change(session, setting: Setting, body: str, *, user=None, title: str = "Treffen"):
    return amendments.propose(
        session,
        user or setting.people.member,
        setting.agreement.id,
        kind="change",
        section_key=setting.rule_key,
        title=title,
        body=body,
        rationale="Monatlich ist zu selten.",
    )

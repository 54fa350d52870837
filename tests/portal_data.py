"""Builders for published frameworks and agreements in a given status, through the services
(used by the search, portal and feed tests)."""

from __future__ import annotations

from datetime import date

from agreements.domain.compliance import Requirements
from agreements.models import Document
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent


def section(kind: str = "goal", title: str = "Ziele", body: str = "", **extra) -> SectionContent:
    return SectionContent(kind=kind, title=title, body=body, **extra)


def framework(
    session, admin, title: str, sections: list[SectionContent], requirements: Requirements | None = None
) -> Document:
    document = drafts.create_framework(session, admin, title=title)
    for content in sections:
        drafts.add_section(session, admin, document.id, content)
    if requirements is not None:
        drafts.set_requirements(session, admin, document.id, requirements)
    versions.publish_version(session, admin, document.id, change_summary="Erste Fassung")
    return document


def agreement(
    session,
    user,
    space,
    title: str,
    sections: list[SectionContent],
    *,
    status: str = "adopted",
    parties: list[tuple[int, str]] | None = None,
    consultation: tuple[date, date] = (date(2026, 1, 1), date(2099, 12, 31)),
) -> Document:
    """An agreement of ``space`` with one published version, moved to ``status``."""
    document = drafts.create_agreement(session, user, space_id=space.id, title=title)
    for content in sections:
        drafts.add_section(session, user, document.id, content)
    if parties:
        drafts.set_parties(session, user, document.id, parties)
    versions.publish_version(session, user, document.id, change_summary="Erste Fassung")
    steps = {
        "draft": [],
        "consultation": ["open_consultation"],
        "negotiation": ["start_negotiation"],
        "withdrawn": ["withdraw"],
        "adopted": ["start_negotiation", "put_to_vote", "adopt"],
        "under_review": ["start_negotiation", "put_to_vote", "adopt", "start_review"],
        "expired": ["start_negotiation", "put_to_vote", "adopt", "expire"],
    }[status]
    for transition in steps:
        lifecycle.change_status(
            session,
            user,
            document.id,
            transition,
            consultation_starts_on=consultation[0],
            consultation_ends_on=consultation[1],
            in_force_from=date(2026, 1, 1),
        )
    return document

"""Shared set-up for the participation tests: a space with people in every role, an organisation
with its representative, and an agreement with a published version in a chosen phase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agreements.models import Document
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from amendments.models import Amendment
from governance.models import Organisation, OrganisationMember, SpaceMembership
from participation.services import access

GROEPELINGEN = "04011440"
TITLE = "Teilhabe im Quartier"
PASSWORD = "a long enough passphrase"


@dataclass
class People:
    space: Any
    admin: Any
    facilitator: Any
    member: Any  # Mia, beneficiary, pseudonym "Sonnenblume"
    advocate: Any  # Anna Lena Berg, advocacy group, representative of "Stadtteilhaus e.V."
    observer: Any
    outsider: Any  # registered, no membership
    organisation: Any

    def role(self, name: str) -> Any:
        return None if name == "anonymous" else getattr(self, name)


def make_people(session, make_user, space_by_code, *, password: str = PASSWORD) -> People:
    space = space_by_code(GROEPELINGEN)
    organisation = Organisation(name="Stadtteilhaus e.V.", kind="advocacy_group")
    session.add(organisation)
    people = People(
        space=space,
        admin=make_user("ada", admin=True, password=password, locale="en"),
        facilitator=make_user("fritz", display_name="Fritz Fischer", password=password, locale="en"),
        member=make_user("mia", display_name="Mia Maier", password=password, locale="en"),
        advocate=make_user("anna", display_name="Anna Lena Berg", password=password, locale="en"),
        observer=make_user("olga", display_name="Olga Ober", password=password, locale="en"),
        outsider=make_user("otto", display_name="Otto Out", password=password, locale="en"),
        organisation=organisation,
    )
    people.member.pseudonym = "Sonnenblume"
    session.flush()
    for user, role, party, org in [
        (people.facilitator, "facilitator", None, None),
        (people.member, "member", "beneficiary", None),
        (people.advocate, "member", "advocacy_group", organisation),
        (people.observer, "observer", None, None),
    ]:
        session.add(
            SpaceMembership(space=space, user=user, role=role, party=party, status="active", organisation=org)
        )
    session.add(OrganisationMember(organisation=organisation, user=people.advocate, role="representative"))
    session.commit()
    return people


def section(title: str = "Mehr Teilhabe", body: str = "Alle können mitmachen.") -> SectionContent:
    return SectionContent(kind="goal", title=title, body=body)


def agreement(
    session, people: People, phase: str = "consultation", *, audience: str = "registered"
) -> Document:
    """An agreement with one published version (two sections), moved into ``phase``:
    draft, consultation, consultation_ended, negotiation, voting, adopted."""
    document = drafts.create_agreement(session, people.facilitator, space_id=people.space.id, title=TITLE)
    drafts.add_section(session, people.facilitator, document.id, section())
    drafts.add_section(session, people.facilitator, document.id, section("Beratung", "Montags offen."))
    versions.publish_version(session, people.facilitator, document.id, change_summary="Erste Fassung")
    today = access.today()

    def move(transition: str, **values: Any) -> None:
        lifecycle.change_status(session, people.facilitator, document.id, transition, **values)

    if phase in ("consultation", "consultation_ended"):
        ended = phase == "consultation_ended"
        move(
            "open_consultation",
            consultation_starts_on=today - timedelta(days=30 if ended else 1),
            consultation_ends_on=today - timedelta(days=1) if ended else today + timedelta(days=14),
            consultation_audience=audience,
        )
    elif phase in ("negotiation", "voting", "adopted"):
        move("start_negotiation")
        if phase in ("voting", "adopted"):
            move("put_to_vote")
        if phase == "adopted":
            move("adopt", in_force_from=date(2027, 1, 1))
    return document


def section_keys(document: Document) -> list[str]:
    return [section.key for section in document.versions[-1].sections]


def amendment(session, document: Document, author: Any, number: int = 1) -> Amendment:
    """An amendment row written directly (the amendments package builds its services)."""
    version = document.versions[-1]
    row = Amendment(
        document_id=document.id,
        number=number,
        base_version_id=version.id,
        kind="change",
        section_key=version.sections[0].key,
        proposed_title=version.sections[0].title,
        proposed_body="Alle können jederzeit mitmachen.",
        rationale="Klarer.",
        author_id=author.id,
        party="advocacy_group",
    )
    session.add(row)
    session.commit()
    return row


def robustness_ids(session, agreement: Document, author: Any) -> dict[str, int]:
    """Ids for the robustness sweep's URLs: a comment and an amendment of the demo agreement."""
    from participation.models import Comment

    existing = session.query(Amendment).filter_by(document_id=agreement.id).first()
    row = existing or amendment(session, agreement, author, number=99)
    comment = Comment(document_id=agreement.id, author_id=author.id, body="Kommentar für den Test")
    session.add(comment)
    session.flush()
    comment.thread_id = comment.id
    session.commit()
    return {"comment_id": comment.id, "amendment_id": row.id}

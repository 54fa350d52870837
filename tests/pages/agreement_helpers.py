"""Shared set-up for the agreement and framework page tests: people in every role, and documents."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from agreements.services import drafts, versions
from agreements.services.snapshots import SectionContent
from governance.models import SpaceMembership


@dataclass
class People:
    space: Any
    admin: Any
    facilitator: Any
    member: Any
    observer: Any
    outsider: Any

    def role(self, name: str) -> Any:
        return None if name == "anonymous" else getattr(self, name)


def make_people(session, make_user, space_by_code) -> People:
    space = space_by_code("04011440")
    people = People(
        space=space,
        admin=make_user("admin", admin=True),
        facilitator=make_user("fritz"),
        member=make_user("mia"),
        observer=make_user("olga"),
        outsider=make_user("otto"),
    )
    for user, role, party in [
        (people.facilitator, "facilitator", None),
        (people.member, "member", "beneficiary"),
        (people.observer, "observer", None),
    ]:
        session.add(SpaceMembership(space=space, user=user, role=role, party=party, status="active"))
    session.commit()
    return people


def goal(title: str = "Mehr Teilhabe", body: str = "Alle können mitmachen.", **values: Any) -> SectionContent:
    return SectionContent(kind=values.pop("kind", "goal"), title=title, body=body, **values)


def agreement_with_versions(session, people: People, count: int = 1, *, title: str = "Teilhabe im Quartier"):
    """An agreement of the space whose draft was published ``count`` times, each with one more sentence."""
    agreement = drafts.create_agreement(session, people.facilitator, space_id=people.space.id, title=title)
    section = drafts.add_section(session, people.facilitator, agreement.id, goal())
    body = section.body
    for number in range(1, count + 1):
        if number > 1:
            new_body = f"{body} Satz {number}."
            drafts.update_section(
                session, people.facilitator, agreement.id, section.key,
                base_revision=section.revision, base=goal(body=body), mine=goal(body=new_body),
            )  # fmt: skip
            session.refresh(section)
            body = new_body
        versions.publish_version(
            session, people.facilitator, agreement.id, change_summary=f"Fassung {number}"
        )
    return agreement


def text(response) -> str:
    return response.get_data(as_text=True)


def without_tags(page: str) -> str:
    """The words of a page as a reader gets them: no tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))

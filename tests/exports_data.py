"""An agreement and a framework with every kind of content, built through the services
(used by the export tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.models import Document
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from governance.models import Organisation, Space, SpaceMembership, User

AGREEMENT_TITLE = "Teilhabe im Stadtteil Gröpelingen"
FRAMEWORK_TITLE = "Leitsätze Sozialraumorientierung"


@dataclass
class People:
    space: Space
    admin: User
    facilitator: User
    member: User
    outsider: User


def people(session, make_user, space: Space) -> People:
    admin = make_user("admin", admin=True)
    facilitator = make_user("fritz", pseudonym="Sonnenblume")
    member = make_user("mia")
    outsider = make_user("otto")
    session.add(SpaceMembership(space=space, user=facilitator, role="facilitator", status="active"))
    session.add(
        SpaceMembership(space=space, user=member, role="member", party="beneficiary", status="active")
    )
    session.commit()
    return People(space, admin, facilitator, member, outsider)


def full_sections() -> list[SectionContent]:
    return [
        SectionContent(
            kind="goal",
            title="Ziele",
            body="Alle können **mitmachen**. Mehr unter [der Seite des Amts](https://example.org/amt).\n\n"
            "## Unterziel\n\nNiemand bleibt allein.",
            plain_language="Alle dürfen mitmachen.",
        ),
        SectionContent(
            kind="quality_standard",
            title="Beratung",
            body="Die Beratung ist offen.",
            indicators=[
                {
                    "name": "Beratungen je Woche",
                    "unit": "Anzahl",
                    "baseline": "10",
                    "target": "25",
                    "data_source": "Statistik | Träger",
                    "responsible_party": "provider",
                },
            ],
        ),
        SectionContent(
            kind="financing",
            title="Finanzierung",
            body="Das Trägerbudget deckt die Beratung.",
            budget_lines=[
                {"label": "Trägerbudget", "amount_euros": 120000, "funded_by": "Senatorin für Soziales"},
                {"label": "Sachkosten", "amount_euros": 5500, "funded_by": "Stadtteilbeirat"},
            ],
        ),
        SectionContent(kind="review", title="Überprüfung", body="Jährlich.", review_date=date(2027, 3, 31)),
    ]


def agreement(session, who: People, *, status: str = "adopted", sections: list[SectionContent] | None = None):
    """An agreement of the space with two published versions, moved to ``status``."""
    facilitator = who.facilitator
    document = drafts.create_agreement(
        session, facilitator, space_id=who.space.id, title=AGREEMENT_TITLE, preamble="Wir wollen gemeinsam."
    )
    carrier = Organisation(name="Amt für Soziale Dienste", kind="carrier")
    provider = Organisation(name="Stadtteilhaus e.V.", kind="provider")
    session.add_all([carrier, provider])
    session.commit()
    drafts.add_section(session, facilitator, document.id, SectionContent(kind="goal", title="Entwurf"))
    versions.publish_version(session, facilitator, document.id, change_summary="Erster Entwurf")
    drafts.remove_section(session, facilitator, document.id, document.draft_sections[0].key, base_revision=1)
    for content in sections if sections is not None else full_sections():
        drafts.add_section(session, facilitator, document.id, content)
    drafts.set_parties(
        session, facilitator, document.id, [(carrier.id, "carrier"), (provider.id, "provider")]
    )
    versions.publish_version(
        session, facilitator, document.id, change_summary="Ziele, Beratung und Budget ergänzt.\nZweite Zeile."
    )
    steps = {
        "draft": [],
        "negotiation": ["start_negotiation"],
        "consultation": ["open_consultation"],
        "adopted": ["start_negotiation", "put_to_vote", "adopt"],
    }[status]
    for transition in steps:
        lifecycle.change_status(
            session, facilitator, document.id, transition,
            consultation_starts_on=date(2026, 1, 1), consultation_ends_on=date(2099, 12, 31),
            in_force_from=date(2026, 1, 1),
        )  # fmt: skip
    return document


def framework(session, who: People) -> Document:
    document = drafts.create_framework(
        session, who.admin, title=FRAMEWORK_TITLE, preamble="Für das Land Bremen."
    )
    drafts.add_section(
        session, who.admin, document.id, SectionContent(kind="goal", title="Grundsätze", body="Text")
    )
    drafts.set_requirements(
        session, who.admin, document.id,
        Requirements(required_section_kinds=frozenset({SectionKind.GOAL, SectionKind.REVIEW}),
                     indicators_need_target=True, required_parties=frozenset({"carrier"}),
                     max_review_interval_months=24),
    )  # fmt: skip
    versions.publish_version(session, who.admin, document.id, change_summary="Erste Fassung")
    return document

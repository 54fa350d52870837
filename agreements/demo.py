"""Demo agreements: the framework "Leitsätze Sozialraumorientierung Bremen" (two versions) and an
agreement of Gröpelingen adopting its version 1, with three published versions and in force.

Everything goes through the services, so the audit log and the agreement's timeline are real.
Runs after governance.demo.seed_demo (needs its accounts and organisations); running it again adds
nothing. Never loaded in a production configuration (the CLI refuses).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.demo_participation import seed_decision, seed_discussion
from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.models import Document, DocumentVersion, DraftSection
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from governance.demo import DEMO_SPACE_CODE
from governance.models import Organisation, Space, User

FRAMEWORK_SOURCE = Path(__file__).parent / "data" / "leitsaetze-sozialraumorientierung-bremen.md"
FRAMEWORK_TITLE = "Leitsätze Sozialraumorientierung Bremen"
AGREEMENT_TITLE = "Vereinbarung Sozialraumorientierung Gröpelingen"

FRAMEWORK_REQUIREMENTS = Requirements(
    required_section_kinds=frozenset(
        {
            SectionKind.GOAL,
            SectionKind.QUALITY_STANDARD,
            SectionKind.RULE,
            SectionKind.FINANCING,
            SectionKind.REVIEW,
        }
    ),
    indicators_need_target=True,
    required_parties=frozenset({"beneficiary", "carrier", "provider"}),
    max_review_interval_months=24,
)

# The demo organisations of governance.demo and the party each speaks for in the agreement.
AGREEMENT_PARTIES = [
    ("Selbstvertretung Gröpelingen (Demo)", "beneficiary"),
    ("Amt für Soziale Dienste – Sozialzentrum Gröpelingen/Walle (Demo)", "carrier"),
    ("Nachbarschaftshilfe West gGmbH (Demo)", "provider"),
]
LATER_PARTY = ("Quartiersinitiative Lindenhof (Demo)", "civil_society")


def parse_framework(source: str) -> tuple[str, str, list[SectionContent]]:
    """(title, preamble, sections) from '# title', a preamble, and '## kind | title' sections."""
    title, preamble_lines, sections = "", [], []
    current: dict[str, Any] | None = None
    for line in source.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("## "):
            kind, _, heading = line[3:].partition("|")
            current = {"kind": kind.strip(), "title": heading.strip(), "lines": []}
            sections.append(current)
        elif current is not None:
            current["lines"].append(line)
        else:
            preamble_lines.append(line)
    return (
        title,
        "\n".join(preamble_lines).strip(),
        [
            SectionContent(kind=s["kind"], title=s["title"], body="\n".join(s["lines"]).strip())
            for s in sections
        ],
    )


# --- the agreement's text ------------------------------------------------------------------------

GOALS = SectionContent(
    kind="goal",
    title="Ziele für Gröpelingen",
    body=(
        "Die Beteiligten verfolgen in Gröpelingen gemeinsam diese Ziele:\n\n"
        "1. Menschen mit Teilhabeeinschränkungen finden Beratung und Unterstützung im eigenen Stadtteil.\n"
        "2. Begegnungsorte im Quartier sind barrierefrei und für alle offen.\n"
        "3. Nachbarschaftliche Hilfe und gesetzliche Leistungen greifen ineinander."
    ),
    plain_language=(
        "Wir wollen:\n\n"
        "- Hilfe gibt es nah an Ihrer Wohnung.\n"
        "- Alle können in die Treff-Punkte kommen. Auch mit Rollstuhl.\n"
        "- Nachbarn und Fach-Leute helfen zusammen."
    ),
)

QUALITY_STANDARD = SectionContent(
    kind="quality_standard",
    title="Erreichbare Beratung im Quartier",
    body=(
        "Wer Unterstützung sucht, bekommt zügig ein Erstgespräch im Stadtteil – im Sozialzentrum, in der "
        "Begegnungsstätte Lindenhof oder zu Hause. Die Beratung ist barrierefrei erreichbar."
    ),
    indicators=[
        {
            "name": "Wartezeit auf ein Erstgespräch",
            "unit": "Arbeitstage",
            "baseline": "15",
            "target": "10",
            "data_source": "Terminstatistik des Sozialzentrums",
            "responsible_party": "Amt für Soziale Dienste",
        },
        {
            "name": "Barrierefreie Begegnungsorte",
            "unit": "Anteil in %",
            "baseline": "40",
            "target": "75",
            "data_source": "Begehung mit der Selbstvertretung",
            "responsible_party": "Nachbarschaftshilfe West",
        },
    ],
)

RULES = SectionContent(
    kind="rule",
    title="Zusammenarbeit am Runden Tisch",
    body=(
        "Der Runde Tisch Gröpelingen tagt mindestens viermal im Jahr. Alle Beteiligtengruppen sind "
        "eingeladen; die Moderation verschickt Tagesordnung und Unterlagen zwei Wochen vorher.\n\n"
        "Änderungen dieser Vereinbarung beschließt der Runde Tisch; Leistungsberechtigte und ihre "
        "Interessenvertretungen haben dabei dasselbe Stimmrecht wie alle anderen Gruppen."
    ),
    plain_language=(
        "Alle treffen sich 4-mal im Jahr am Runden Tisch. Sie bekommen die Einladung 2 Wochen vorher. "
        "Ihre Stimme zählt genauso viel wie jede andere Stimme."
    ),
)

FINANCING = SectionContent(
    kind="financing",
    title="Trägerbudget Gröpelingen",
    body=(
        "Das Amt für Soziale Dienste stellt der Nachbarschaftshilfe West ein Trägerbudget für "
        "fallunspezifische Arbeit im Quartier bereit. Die gesetzlichen Einzelfall-Leistungen bleiben davon "
        "unberührt."
    ),
    budget_lines=[
        {
            "label": "Trägerbudget Assistenz im Quartier",
            "amount_euros": 180000,
            "funded_by": "Amt für Soziale Dienste",
        },
        {
            "label": "Begegnungsstätte Lindenhof",
            "amount_euros": 45000,
            "funded_by": "Amt für Soziale Dienste",
        },
        {
            "label": "Fonds für Nachbarschaftsprojekte",
            "amount_euros": 12000,
            "funded_by": "Senatorin für Soziales, Jugend, Integration und Sport",
        },
    ],
)

REVIEW = SectionContent(
    kind="review",
    title="Überprüfung",
    body=(
        "Die Beteiligten prüfen gemeinsam, ob die Ziele erreicht werden. Grundlage sind die Kennzahlen des "
        "Qualitätsstandards und die Rückmeldungen aus dem Stadtteil."
    ),
    review_date=date(2027, 12, 31),
)

# Changes after the consultation (version 2) and after the budget talks (version 3).
GOALS_AFTER_CONSULTATION = dataclasses.replace(
    GOALS,
    body=GOALS.body + "\n4. Beratung gibt es auch auf Türkisch, Bulgarisch und Arabisch.",
    plain_language=GOALS.plain_language + "\n- Sie können Beratung auch in Ihrer Sprache bekommen.",
)
QUALITY_AFTER_CONSULTATION = dataclasses.replace(
    QUALITY_STANDARD,
    indicators=[
        {**QUALITY_STANDARD.indicators[0], "target": "5"},
        QUALITY_STANDARD.indicators[1],
        {
            "name": "Beratungen in einer anderen Sprache als Deutsch",
            "unit": "Anteil in %",
            "baseline": "8",
            "target": "25",
            "data_source": "Beratungsstatistik",
            "responsible_party": "Nachbarschaftshilfe West",
        },
    ],
    plain_language=(
        "Sie bekommen schnell einen Termin für eine Beratung. Spätestens nach 5 Arbeits-Tagen. "
        "Die Beratung ist im Stadtteil."
    ),
)
FINANCING_AFTER_TALKS = dataclasses.replace(
    FINANCING,
    budget_lines=[
        {**FINANCING.budget_lines[0], "amount_euros": 195000},
        FINANCING.budget_lines[1],
        FINANCING.budget_lines[2],
        {
            "label": "Dolmetschpool für Beratungen",
            "amount_euros": 8000,
            "funded_by": "Amt für Soziale Dienste",
        },
    ],
    plain_language=(
        "Das Amt gibt Geld für Hilfe im Stadtteil: 195.000 Euro im Jahr. Dazu kommt Geld für Treff-Punkte, "
        "für Nachbarschafts-Projekte und für Dolmetscher."
    ),
)
REVIEW_AFTER_TALKS = dataclasses.replace(
    REVIEW,
    body=REVIEW.body + " Zur Hälfte der Laufzeit berichtet die Moderation dem Runden Tisch.",
    review_date=date(2027, 6, 30),
)


# --- seeding -------------------------------------------------------------------------------------


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, "governance.demo.seed_demo must run first"
    return user


def _draft_section(session: Session, document: Document, title: str) -> DraftSection:
    section = session.scalar(
        select(DraftSection).where(DraftSection.document_id == document.id, DraftSection.title == title)
    )
    assert section is not None, title
    return section


def _replace(session: Session, user: User, document: Document, title: str, content: SectionContent) -> None:
    section = _draft_section(session, document, title)
    drafts.update_section(
        session, user, document.id, section.key,
        base_revision=section.revision, base=SectionContent.of(section), mine=content,
    )  # fmt: skip


def _seed_framework(session: Session, admin: User) -> tuple[Document, int]:
    """The framework with versions 1 and 2 (or the one that exists), and how many versions were added."""
    existing = session.scalar(
        select(Document).where(Document.kind == "framework", Document.title == FRAMEWORK_TITLE)
    )
    if existing is not None:
        return existing, 0
    title, preamble, sections = parse_framework(FRAMEWORK_SOURCE.read_text(encoding="utf-8"))
    framework = drafts.create_framework(session, admin, title=title, preamble=preamble)
    for content in sections:
        drafts.add_section(session, admin, framework.id, content)
    drafts.set_requirements(session, admin, framework.id, FRAMEWORK_REQUIREMENTS)
    versions.publish_version(session, admin, framework.id, change_summary="Erste veröffentlichte Fassung")
    what_about = sections[0]
    _replace(
        session, admin, framework, what_about.title,
        dataclasses.replace(what_about, plain_language=(
            "In Bremen soll jeder Mensch gut leben können. Dafür helfen viele zusammen: "
            "Nachbarn, Vereine, Fach-Leute und die Ämter. Die Hilfe soll dort sein, wo Sie wohnen."
        )),
    )  # fmt: skip
    versions.publish_version(
        session, admin, framework.id, change_summary="Leichte Sprache für „Worum geht es?“ ergänzt"
    )
    return framework, 2


def _organisation_ids(session: Session, names: list[str]) -> dict[str, int]:
    rows = session.execute(select(Organisation.name, Organisation.id).where(Organisation.name.in_(names)))
    found = {name: organisation_id for name, organisation_id in rows}
    assert len(found) == len(names), "governance.demo.seed_demo must run first"
    return found


def _seed_agreement(session: Session, facilitator: User, space: Space, framework: Document) -> int:
    """The agreement of Gröpelingen with three versions, adopted; returns the versions added."""
    version_1 = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == framework.id, DocumentVersion.number == 1
        )
    )
    assert version_1 is not None
    agreement = drafts.create_agreement(
        session, facilitator, space_id=space.id, title=AGREEMENT_TITLE, framework_version_id=version_1.id,
        preamble=("Die Beteiligten in Gröpelingen setzen die Leitsätze Sozialraumorientierung des Landes "
                  "Bremen (Fassung 1) im Stadtteil um."),
    )  # fmt: skip
    # Keep the framework's introduction (adapted) and its three theses; the local sections follow.
    keep = {"Worum geht es?"} | {s.title for s in agreement.draft_sections if s.kind == SectionKind.GOAL}
    for section in list(agreement.draft_sections):
        if section.title not in keep:
            drafts.remove_section(
                session, facilitator, agreement.id, section.key, base_revision=section.revision
            )
    introduction = _draft_section(session, agreement, "Worum geht es?")
    _replace(
        session, facilitator, agreement, "Worum geht es?",
        dataclasses.replace(SectionContent.of(introduction), body=(
            "Im Mittelpunkt stehen die Menschen in Gröpelingen mit ihren Vorstellungen von einem „guten "
            "Leben“. Diese Vereinbarung legt fest, wie Leistungsberechtigte, ihre Interessenvertretungen, "
            "Leistungsträger, Leistungserbringer und die Nachbarschaft im Stadtteil zusammenarbeiten."
        )),
    )  # fmt: skip
    for content in (GOALS, QUALITY_STANDARD, RULES, FINANCING, REVIEW):
        drafts.add_section(session, facilitator, agreement.id, content)
    organisations = _organisation_ids(session, [name for name, _ in [*AGREEMENT_PARTIES, LATER_PARTY]])
    parties = [(organisations[name], party) for name, party in AGREEMENT_PARTIES]
    drafts.set_parties(session, facilitator, agreement.id, parties)
    versions.publish_version(
        session, facilitator, agreement.id, change_summary="Erster Entwurf des Runden Tisches Gröpelingen"
    )

    lifecycle.change_status(
        session, facilitator, agreement.id, "open_consultation",
        consultation_starts_on=date(2026, 3, 2), consultation_ends_on=date(2026, 4, 12),
        note="Der Entwurf liegt auch im Stadtteilhaus und in der Begegnungsstätte Lindenhof aus.",
    )  # fmt: skip
    lifecycle.change_status(
        session, facilitator, agreement.id, "start_negotiation",
        note="23 Rückmeldungen aus der Beteiligungsphase werden eingearbeitet.",
    )  # fmt: skip
    # Comments, a statement and two amendments; the accepted one brings the new goal text into the draft.
    seed_discussion(session, agreement.id, goals_title=GOALS.title, goals_body=GOALS_AFTER_CONSULTATION.body)
    _replace(session, facilitator, agreement, GOALS.title, GOALS_AFTER_CONSULTATION)
    _replace(session, facilitator, agreement, QUALITY_STANDARD.title, QUALITY_AFTER_CONSULTATION)
    versions.publish_version(
        session, facilitator, agreement.id,
        change_summary="Änderungen aus der Beteiligungsphase: kürzere Wartezeit auf ein Erstgespräch, "
        "Beratung in mehreren Sprachen",
    )  # fmt: skip

    _replace(session, facilitator, agreement, FINANCING.title, FINANCING_AFTER_TALKS)
    _replace(session, facilitator, agreement, REVIEW.title, REVIEW_AFTER_TALKS)
    drafts.set_parties(
        session, facilitator, agreement.id, [*parties, (organisations[LATER_PARTY[0]], LATER_PARTY[1])]
    )
    versions.publish_version(
        session, facilitator, agreement.id,
        change_summary="Finanzierung mit dem Amt für Soziale Dienste abgestimmt, Dolmetschpool ergänzt, "
        "Überprüfung vorgezogen; die Quartiersinitiative Lindenhof unterzeichnet mit",
    )  # fmt: skip

    lifecycle.change_status(session, facilitator, agreement.id, "put_to_vote")
    # The round table adopts it by a motion that needs the approval of every party.
    seed_decision(session, agreement.id, space.id)
    return 3


def seed_agreements(session: Session) -> dict[str, int]:
    """Load the demo framework and agreement; running it again changes nothing."""
    counts = {"framework versions": 0, "agreement versions": 0}
    admin = _user(session, "admin@example.org")
    facilitator = _user(session, "facilitator@example.org")
    space = session.scalar(select(Space).where(Space.code == DEMO_SPACE_CODE))
    assert space is not None, "official units must be loaded first"
    framework, counts["framework versions"] = _seed_framework(session, admin)
    exists = session.scalar(
        select(Document.id).where(
            Document.kind == "agreement", Document.space_id == space.id, Document.title == AGREEMENT_TITLE
        )
    )
    if exists is None:
        counts["agreement versions"] = _seed_agreement(session, facilitator, space, framework)
    return counts

"""A synthetic agreement of Gröpelingen, built through the services as a facilitator would write it.

Text: German sentences put together from the vocabulary of the domain (deterministic for a seed),
about ``words`` words per version over all sections. The agreement adopts version 1 of the demo
framework (its sections are kept, so the agreement can be compared with the framework), names the
demo organisations as parties, and ends adopted, so anonymous visitors may read it.

Each version after the first changes a few sections (a sentence replaced, one added, now and then
a title or an indicator's target), moves one section a few places, removes one and adds one; the
section count stays the same. Every step is a service call with its audit entry, as in real use.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.demo import AGREEMENT_PARTIES, FRAMEWORK_TITLE
from agreements.models import Document, DocumentVersion, DraftSection
from agreements.services import drafts, lifecycle, versions
from agreements.services.snapshots import SectionContent
from governance.demo import DEMO_SPACE_CODE
from governance.models import Organisation, Space, User

FACILITATOR_EMAIL = "facilitator@example.org"

SUBJECTS = [
    ("Die Beteiligten", True), ("Der Leistungsträger", False), ("Die Leistungserbringer", True),
    ("Die Selbstvertretung", False), ("Das Amt für Soziale Dienste", False), ("Der Runde Tisch", False),
    ("Die Quartiersinitiative", False), ("Die Moderation", False), ("Die Interessenvertretungen", True),
    ("Das Sozialzentrum", False), ("Die Nachbarschaftshilfe West", False), ("Die Träger im Stadtteil", True),
]  # fmt: skip
VERBS = [
    ("stellt sicher, dass", "stellen sicher, dass"), ("sorgt dafür, dass", "sorgen dafür, dass"),
    ("achtet darauf, dass", "achten darauf, dass"), ("prüft jährlich, ob", "prüfen jährlich, ob"),
    ("vereinbart mit den Beteiligten, dass", "vereinbaren untereinander, dass"),
    ("berichtet dem Runden Tisch, ob", "berichten dem Runden Tisch, ob"),
]  # fmt: skip
WHO = [
    "Leistungsberechtigte", "ältere Menschen", "Familien mit Kindern", "Menschen mit Behinderungen",
    "Jugendliche", "Nachbarinnen und Nachbarn", "Alleinerziehende", "Menschen mit Pflegebedarf",
    "Zugewanderte Familien", "Menschen ohne eigene Wohnung",
]  # fmt: skip
WHERE = [
    "im Quartier", "im eigenen Stadtteil", "in der Begegnungsstätte Lindenhof", "im Sozialzentrum",
    "zu Hause", "in der Nachbarschaft", "in den Schulen des Stadtteils", "im Stadtteilhaus",
]  # fmt: skip
HOW = [
    "zeitnah", "barrierefrei", "verlässlich", "ohne lange Wartezeiten", "in ihrer Sprache",
    "kostenfrei", "gemeinsam mit Fachkräften", "auf kurzen Wegen",
]  # fmt: skip
WHAT = [
    "Beratung und Unterstützung", "ein Erstgespräch", "passende Hilfen", "Informationen über ihre Rechte",
    "Zugang zu Begegnungsorten", "Assistenz im Alltag", "Angebote der Nachbarschaftshilfe",
    "eine feste Ansprechperson", "Hilfe bei Anträgen", "Begleitung zu Ämtern",
]  # fmt: skip
ENDINGS = ["erhalten", "finden", "nutzen können", "bekommen", "in Anspruch nehmen können", "mitgestalten"]
STATEMENTS = [
    "Die Ergebnisse werden {freq} am Runden Tisch vorgestellt und im Stadtteil veröffentlicht.",
    "Dafür stehen im Jahr {amount} Euro aus dem Trägerbudget zur Verfügung.",
    "Änderungen werden schriftlich festgehalten und allen Beteiligten in einfacher Sprache erklärt.",
    "Wer mit einer Entscheidung nicht einverstanden ist, kann sich an die Beschwerdestelle wenden.",
    "Die Fachkräfte arbeiten dabei eng mit den ehrenamtlich Tätigen im Quartier zusammen.",
    "Rückmeldungen aus der Nachbarschaft fließen {freq} in die Planung der Angebote ein.",
]
FREQUENCIES = ["zweimal im Jahr", "jedes Quartal", "einmal im Jahr", "monatlich"]
TOPICS = [
    "Beratung im Quartier", "Begegnungsorte", "Assistenz im Alltag", "Mobilität im Stadtteil",
    "Wohnen und Nachbarschaft", "Arbeit und Beschäftigung", "Bildung und Schule", "Gesundheit und Pflege",
    "Freizeit und Kultur", "Sprache und Verständigung", "Beschwerden und Schlichtung", "Daten und Berichte",
]  # fmt: skip
PLAIN = [
    "Sie bekommen Hilfe in Ihrem Stadtteil.", "Die Hilfe kostet Sie nichts.",
    "Sie können eine Person mitbringen.", "Alle Treff-Punkte sind ohne Stufen.",
    "Sie bekommen schnell einen Termin.", "Sie können in Ihrer Sprache sprechen.",
    "Wir sagen Ihnen, was sich ändert.", "Sie dürfen mitreden.",
]  # fmt: skip
# Kinds of the generated sections, in turn (the framework adds goals, rules, financing and texts).
KIND_CYCLE = ["text", "goal", "rule", "quality_standard", "rule", "text", "financing", "rule", "goal", "text"]
REVIEW_DATE = date(2027, 12, 31)
IN_FORCE_FROM = date(2026, 7, 1)


class TextGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.2:
            template = rng.choice(STATEMENTS)
            return template.format(freq=rng.choice(FREQUENCIES), amount=f"{rng.randint(2, 90) * 1000:,}")
        subject, plural = rng.choice(SUBJECTS)
        verb = rng.choice(VERBS)[1 if plural else 0]
        return (
            f"{subject} {verb} {rng.choice(WHO)} {rng.choice(WHERE)} {rng.choice(HOW)} "
            f"{rng.choice(WHAT)} {rng.choice(ENDINGS)}."
        )

    def paragraph(self, words: int) -> str:
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(self.sentence())
        return " ".join(sentences)

    def body(self, words: int) -> str:
        """Paragraphs of about 60 words; every third section also has a short list."""
        paragraphs: list[str] = []
        remaining = words
        if self.rng.random() < 0.33:
            items = [f"- {self.rng.choice(WHAT)} {self.rng.choice(WHERE)}" for _ in range(4)]
            paragraphs.append("\n".join(items))
            remaining -= sum(len(item.split()) for item in items)
        while remaining > 0:
            paragraph = self.paragraph(min(remaining, self.rng.randint(45, 75)))
            paragraphs.append(paragraph)
            remaining -= len(paragraph.split())
        self.rng.shuffle(paragraphs)
        return "\n\n".join(paragraphs)

    def plain_language(self) -> str:
        return " ".join(self.rng.sample(PLAIN, 5))


def count_words(content: SectionContent) -> int:
    return len(f"{content.title} {content.body} {content.plain_language}".split())


@dataclass
class BuiltAgreement:
    document_id: int
    sections: int
    versions: int
    words_in_latest: int
    seconds: float
    service_calls: int


class AgreementBuilder:
    """Writes the agreement through the services, one call per editing step."""

    def __init__(self, session: Session, *, sections: int, words: int, seed: int) -> None:
        self.session = session
        self.target_sections = sections
        self.words = words
        self.text = TextGenerator(seed)
        self.rng = random.Random(seed + 1)
        self.calls = 0
        self.serial = 0
        facilitator = session.scalar(select(User).where(User.email == FACILITATOR_EMAIL))
        assert facilitator is not None, "the demo data must be loaded first"
        self.user = facilitator

    # --- content ---------------------------------------------------------------------------------

    def new_content(self, words: int) -> SectionContent:
        self.serial += 1
        kind = KIND_CYCLE[self.serial % len(KIND_CYCLE)]
        title = f"{self.rng.choice(TOPICS)} ({self.serial})"
        content = SectionContent(kind=kind, title=title)
        if self.serial % 3 == 0:
            content.plain_language = self.text.plain_language()
        if kind == "quality_standard":
            content.indicators = [
                {
                    "name": f"Anteil erreichter {who}",
                    "unit": "Anteil in %",
                    "baseline": str(self.rng.randint(10, 50)),
                    "target": str(self.rng.randint(55, 95)),
                    "data_source": "Jahresbericht des Sozialzentrums",
                    "responsible_party": "Amt für Soziale Dienste",
                }
                for who in self.rng.sample(WHO, 2)
            ]
        if kind == "financing":
            content.budget_lines = [
                {"label": f"Budget {topic}", "amount_euros": self.rng.randint(5, 200) * 1000,
                 "funded_by": "Amt für Soziale Dienste"}
                for topic in self.rng.sample(TOPICS, 3)
            ]  # fmt: skip
        content.body = self.text.body(max(20, words - count_words(content)))
        return content

    def changed(self, content: SectionContent) -> SectionContent:
        """A typical revision: one sentence replaced, one added; sometimes the title or a target."""
        paragraphs = content.body.split("\n\n")
        index = self.rng.randrange(len(paragraphs))
        sentences = paragraphs[index].split(". ")
        position = self.rng.randrange(len(sentences))
        new_sentence = self.text.sentence()
        sentences[position] = new_sentence if position == len(sentences) - 1 else new_sentence.rstrip(".")
        paragraphs[index] = ". ".join(sentences)
        paragraphs[self.rng.randrange(len(paragraphs))] += " " + self.text.sentence()
        result = replace(content, body="\n\n".join(paragraphs))
        if self.rng.random() < 0.2:
            result.title = f"{self.rng.choice(TOPICS)} ({content.title.rsplit('(', 1)[-1]}"
        if result.indicators and self.rng.random() < 0.5:
            result.indicators = [dict(row) for row in result.indicators]
            result.indicators[0]["target"] = str(self.rng.randint(55, 95))
        return result

    # --- steps through the services ----------------------------------------------------------------

    def drafts(self, document_id: int) -> list[DraftSection]:
        return list(
            self.session.scalars(
                select(DraftSection)
                .where(DraftSection.document_id == document_id)
                .order_by(DraftSection.position)
            )
        )

    def build(self, *, versions_count: int) -> BuiltAgreement:
        started = time.perf_counter()
        session, user = self.session, self.user
        space = session.scalar(select(Space).where(Space.code == DEMO_SPACE_CODE))
        framework_v1 = session.scalar(
            select(DocumentVersion)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.title == FRAMEWORK_TITLE, DocumentVersion.number == 1)
        )
        assert space is not None and framework_v1 is not None, "the demo data must be loaded first"
        agreement = drafts.create_agreement(
            session, user, space_id=space.id, framework_version_id=framework_v1.id,
            title=f"Teilhabevereinbarung Gröpelingen ({self.target_sections} Abschnitte)",
            preamble="Die Beteiligten in Gröpelingen vereinbaren, wie Teilhabe im Stadtteil gelingt.",
        )  # fmt: skip
        document_id = agreement.id
        self.calls += 1
        framework_sections = self.drafts(document_id)
        framework_words = sum(count_words(SectionContent.of(s)) for s in framework_sections)
        generated = self.target_sections - len(framework_sections) - 1  # one review section at the end
        self.words_per_section = max(40, (self.words - framework_words) // max(1, generated + 1))
        for _ in range(generated):
            drafts.add_section(session, user, document_id, self.new_content(self.words_per_section))
            self.calls += 1
        review = SectionContent(
            kind="review", title="Überprüfung", review_date=REVIEW_DATE,
            body=self.text.body(self.words_per_section),
        )  # fmt: skip
        drafts.add_section(session, user, document_id, review)
        self._set_parties(document_id)
        versions.publish_version(session, user, document_id, change_summary="Erster Entwurf")
        lifecycle.change_status(
            session, user, document_id, "open_consultation",
            consultation_starts_on=date(2026, 3, 2), consultation_ends_on=date(2026, 4, 12),
        )  # fmt: skip
        lifecycle.change_status(session, user, document_id, "start_negotiation")
        self.calls += 5
        for number in range(2, versions_count + 1):
            self._revise(document_id, number)
        lifecycle.change_status(session, user, document_id, "put_to_vote")
        lifecycle.change_status(session, user, document_id, "adopt", in_force_from=IN_FORCE_FROM)
        self.calls += 2
        latest = versions.latest_version(session, document_id)
        assert latest is not None and latest.number == versions_count
        words = sum(count_words(SectionContent.of(s)) for s in latest.sections)
        return BuiltAgreement(
            document_id=document_id,
            sections=len(latest.sections),
            versions=versions_count,
            words_in_latest=words,
            seconds=time.perf_counter() - started,
            service_calls=self.calls,
        )

    def _set_parties(self, document_id: int) -> None:
        names = [name for name, _ in AGREEMENT_PARTIES]
        rows = self.session.execute(
            select(Organisation.name, Organisation.id).where(Organisation.name.in_(names))
        )
        ids = {name: organisation_id for name, organisation_id in rows}
        parties = [(ids[name], party) for name, party in AGREEMENT_PARTIES]
        drafts.set_parties(self.session, self.user, document_id, parties)
        self.calls += 1

    def _revise(self, document_id: int, number: int) -> None:
        """Change three sections, move one, remove one, add one; then publish the next version."""
        session, user, rng = self.session, self.user, self.rng
        sections = self.drafts(document_id)
        for section in rng.sample(sections, 3):
            base = SectionContent.of(section)
            drafts.update_section(
                session, user, document_id, section.key,
                base_revision=section.revision, base=base, mine=self.changed(base),
            )  # fmt: skip
            self.calls += 1
        moving = rng.choice(self.drafts(document_id)[1:-1]).key
        direction = rng.choice(["up", "down"])
        for _ in range(rng.randint(1, 4)):
            drafts.move_section(session, user, document_id, moving, direction=direction)
            self.calls += 1
        # Only generated texts and rules come and go: the framework's required kinds always remain.
        removable = [s for s in self.drafts(document_id) if s.kind in ("text", "rule") and "(" in s.title]
        gone = rng.choice(removable)
        drafts.remove_section(session, user, document_id, gone.key, base_revision=gone.revision)
        after = rng.choice(self.drafts(document_id)[:-1]).key
        drafts.add_section(
            session, user, document_id, self.new_content(self.words_per_section), after_key=after
        )
        versions.publish_version(
            session, user, document_id,
            change_summary=f"Fassung {number}: drei Abschnitte überarbeitet, einer verschoben, einer ersetzt",
        )  # fmt: skip
        self.calls += 3

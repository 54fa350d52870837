"""Demo data for the participation around the Gröpelingen agreement: comments, a statement, support,
two amendments (one merged, one rejected) and the motions of the round table.

Everything goes through the same services as in the browser, so the demo also exercises their rules.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.models import Document
from amendments.services import amendments
from core.timeutil import utcnow
from decisions.services import ballots, motions
from decisions.services.motions import MotionInput, OptionInput
from governance.models import Organisation, User
from participation.services import comments, statements, support
from participation.services.comments import Target


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, f"demo user {email} must exist"
    return user


def _section_key(document: Document, title: str) -> str:
    return next(section.key for section in document.draft_sections if section.title == title)


def seed_discussion(session: Session, document_id: int, *, goals_title: str, goals_body: str) -> None:
    """Comments on version 1 and two amendments while the round table negotiates.

    The first amendment (the advocacy group's: counselling in more languages) is accepted and merged into
    the draft, so version 2 lists it; the second is rejected with a reason.
    """
    beneficiary = _user(session, "beneficiary@example.org")
    advocate = _user(session, "advocate@example.org")
    provider = _user(session, "provider@example.org")
    carrier = _user(session, "carrier@example.org")
    facilitator = _user(session, "facilitator@example.org")
    document = session.get(Document, document_id)
    assert document is not None
    goals_key = _section_key(document, goals_title)

    first = comments.post_comment(
        session, beneficiary, document_id,
        "Viele in meinem Haus sprechen wenig Deutsch. Gibt es die Beratung auch auf **Türkisch** oder "
        "**Bulgarisch**?",
        target=Target(version_number=1, section_key=goals_key), as_pseudonym=True,
    )  # fmt: skip
    comments.post_comment(
        session, provider, document_id,
        "Wir haben zwei Beraterinnen, die Türkisch sprechen. Für Bulgarisch und Arabisch bräuchten wir "
        "einen Dolmetschpool.",
        parent_id=first.id,
    )  # fmt: skip
    comments.post_comment(
        session, carrier, document_id,
        "Das Amt für Soziale Dienste prüft, ob der Dolmetschpool aus dem Trägerbudget bezahlt werden kann.",
    )  # fmt: skip
    support.toggle_support(session, advocate, "comment", first.id)
    support.toggle_support(session, provider, "comment", first.id)

    organisation = session.scalar(
        select(Organisation).where(Organisation.name == "Selbstvertretung Gröpelingen (Demo)")
    )
    assert organisation is not None
    statements.publish_statement(
        session, advocate, document_id, organisation.id,
        "Die Selbstvertretung Gröpelingen begrüßt den Entwurf. Wir stimmen nur zu, wenn Beratung auch in "
        "den Sprachen des Stadtteils angeboten wird und die Wartezeit auf ein Erstgespräch kürzer wird.",
    )  # fmt: skip

    languages = amendments.propose(
        session, advocate, document_id, kind="change", section_key=goals_key, title=goals_title,
        body=goals_body,
        rationale="Fast jede dritte Person im Stadtteil spricht zu Hause eine andere Sprache als Deutsch.",
    )  # fmt: skip
    support.toggle_support(session, beneficiary, "amendment", languages.id)
    amendments.accept(
        session, facilitator, document_id, languages.number, note="Einvernehmlich am Runden Tisch."
    )
    opening_hours = amendments.propose(
        session, provider, document_id, kind="change", section_key=goals_key, title=goals_title,
        body=goals_body + "\n5. Das Stadtteilbüro ist auch samstags geöffnet.",
        rationale="Berufstätige schaffen es unter der Woche nicht.",
    )  # fmt: skip
    amendments.reject(
        session, facilitator, document_id, opening_hours.number,
        note="Samstags fehlt das Personal; die Abendsprechstunde am Donnerstag bleibt.",
    )  # fmt: skip


def seed_decision(session: Session, document_id: int, space_id: int) -> None:
    """The round table adopts the newest version with the approval of every party, and a second,
    still open motion asks for a date for the next meeting, so visitors can try voting."""
    facilitator = _user(session, "facilitator@example.org")
    parties = ["beneficiary", "advocacy_group", "carrier", "provider"]
    adoption = motions.create_motion(
        session, facilitator, space_id=space_id,
        values=MotionInput(
            title="Vereinbarung Gröpelingen, Fassung 3, beschließen",
            text="Der Runde Tisch beschließt die Vereinbarung in Fassung 3. Sie gilt, wenn jede "
                 "Beteiligtengruppe mehrheitlich zustimmt.",
            kind="adopt_version", method="every_party", parameters={"parties": parties},
            document_id=document_id,
        ),
    )  # fmt: skip
    motions.open_motion(session, facilitator, adoption.id)
    choices = {
        "beneficiary@example.org": "yes",
        "advocate@example.org": "yes",
        "carrier@example.org": "yes",
        "provider@example.org": "yes",
        "civil@example.org": "abstain",
    }
    for email, choice in choices.items():
        ballots.cast_ballot(session, _user(session, email), adoption.id, choice=choice)
    motions.close_motion(session, facilitator, adoption.id)

    next_meeting = motions.create_motion(
        session, facilitator, space_id=space_id,
        values=MotionInput(
            title="Termin für den nächsten Runden Tisch",
            text="Welche Termine passen Ihnen? Sie können mehrere ankreuzen.",
            kind="choose_alternative", method="approval_voting",
            options=[
                OptionInput("Dienstag, 19. Januar, 17 Uhr"),
                OptionInput("Donnerstag, 21. Januar, 10 Uhr"),
                OptionInput("Montag, 25. Januar, 18 Uhr"),
            ],
            closes_at=utcnow() + timedelta(days=30),
        ),
    )  # fmt: skip
    motions.open_motion(session, facilitator, next_meeting.id)
    ballots.cast_ballot(
        session, _user(session, "provider@example.org"), next_meeting.id,
        choice=[option.key for option in next_meeting.options][:2],
    )  # fmt: skip

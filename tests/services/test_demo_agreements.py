"""Demo agreements: a framework from the Bremen guiding principles and an adopted agreement of
Gröpelingen with three versions, made through the services; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from agreements.demo import AGREEMENT_TITLE, FRAMEWORK_TITLE, parse_framework, seed_agreements
from agreements.domain.compliance import Requirements, is_compliant
from agreements.models import Document, DocumentVersion, StatusChange
from agreements.services import lifecycle
from agreements.services.search import PortalFilter, search
from core.audit import AuditEntry
from governance.demo import seed_demo


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Document, DocumentVersion, StatusChange, AuditEntry)
    )


def test_the_seed_text_becomes_typed_sections_without_ocr_artefacts() -> None:
    from agreements.demo import FRAMEWORK_SOURCE

    title, preamble, sections = parse_framework(FRAMEWORK_SOURCE.read_text(encoding="utf-8"))
    assert title == FRAMEWORK_TITLE and "Senatorin für Arbeit" in preamble
    assert {s.kind for s in sections} == {"text", "goal", "rule", "financing"}
    text = " ".join(s.body for s in sections)
    for artefact in ("fiir", "méglich", "Unterstltz", ",,", "groRen", "kdnnen"):
        assert artefact not in text
    assert "Trägerbudgets" in text and "Teilhabeeinschränkungen" in text


def test_demo_agreements_are_seeded_once(session) -> None:
    seed_demo(session)
    first = seed_agreements(session)
    assert first == {"framework versions": 2, "agreement versions": 3}
    before = counts(session)
    assert seed_agreements(session) == {"framework versions": 0, "agreement versions": 0}
    assert counts(session) == before

    framework = session.scalar(select(Document).where(Document.title == FRAMEWORK_TITLE))
    agreement = session.scalar(select(Document).where(Document.title == AGREEMENT_TITLE))
    assert [v.number for v in framework.versions] == [1, 2]
    assert Requirements.from_dict(framework.versions[0].requirements).max_review_interval_months == 24
    assert agreement.space.code == "04011440" and agreement.status == "adopted"
    assert agreement.framework_version_id == framework.versions[0].id
    assert agreement.in_force_from is not None
    assert [v.number for v in agreement.versions] == [1, 2, 3]
    assert len({v.change_summary for v in agreement.versions}) == 3
    assert {p.party for p in agreement.parties} == {"beneficiary", "carrier", "provider", "civil_society"}

    latest = agreement.versions[-1]
    kinds = {s.kind for s in latest.sections}
    assert {"goal", "quality_standard", "rule", "financing", "review"} <= kinds
    assert any(s.plain_language for s in latest.sections)
    standard = next(s for s in latest.sections if s.kind == "quality_standard")
    assert all(indicator["target"] for indicator in standard.indicators)
    financing = next(s for s in latest.sections if s.kind == "financing")
    assert any("Trägerbudget" in line["label"] for line in financing.budget_lines)
    assert is_compliant(lifecycle.compliance(session, agreement))

    timeline = [change.transition for change in lifecycle.timeline(session, agreement.id)]
    assert timeline == ["open_consultation", "start_negotiation", "put_to_vote", "adopt"]
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"framework.version_published", "agreement.version_published", "agreement.adopt"} <= actions


def test_the_demo_agreement_can_be_found(session) -> None:
    seed_demo(session)
    seed_agreements(session)
    hits, _ = search(session, PortalFilter(query="Trägerbudget"))
    assert AGREEMENT_TITLE in {hit.document.title for hit in hits}


def test_the_demo_agreement_was_discussed_amended_and_adopted_by_every_party(session) -> None:
    from amendments.models import Amendment
    from core.audit import verify_chain
    from decisions.models import Motion
    from participation.models import Comment

    seed_demo(session)
    seed_agreements(session)
    agreement = session.scalar(select(Document).where(Document.title == AGREEMENT_TITLE))
    assert agreement.status == "adopted"
    merged, rejected = session.scalars(select(Amendment).order_by(Amendment.number)).all()
    assert merged.status == "merged" and merged.merged_version.number == 2
    assert rejected.status == "rejected" and rejected.decision_note
    assert any("Türkisch" in section.body for section in agreement.versions[1].sections)
    adoption, next_meeting = session.scalars(select(Motion).order_by(Motion.id)).all()
    assert (adoption.state, adoption.outcome, adoption.effect) == ("closed", "accepted", "adopted")
    assert next_meeting.state == "open"
    assert session.scalar(select(func.count()).select_from(Comment)) == 3
    assert verify_chain(session).intact

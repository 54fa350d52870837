"""Agreements and frameworks through their services: drafts, versions, conflicts, workflow, visibility."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from agreements.domain.compliance import Requirements
from agreements.domain.sections import SectionKind
from agreements.models import DocumentVersion, FrozenVersionChanged
from agreements.services import drafts, lifecycle, versions
from agreements.services.drafts import DraftConflict
from agreements.services.snapshots import SectionContent
from core.audit import AuditEntry
from core.errors import InvalidInput, PermissionDenied
from governance.models import Organisation, SpaceMembership


@pytest.fixture
def people(session, make_user, space_by_code):
    space = space_by_code("04011440")
    admin = make_user("admin", admin=True)
    facilitator = make_user("fritz")
    member = make_user("mia")
    observer = make_user("olga")
    outsider = make_user("otto")
    for user, role, party in [
        (facilitator, "facilitator", None),
        (member, "member", "beneficiary"),
        (observer, "observer", None),
    ]:
        session.add(SpaceMembership(space=space, user=user, role=role, party=party, status="active"))
    session.commit()
    return {"space": space, "admin": admin, "facilitator": facilitator, "member": member,
            "observer": observer, "outsider": outsider}  # fmt: skip


def goal(title: str = "Mehr Teilhabe", body: str = "Alle können mitmachen.") -> SectionContent:
    return SectionContent(kind="goal", title=title, body=body)


def test_a_facilitator_writes_and_publishes_versions(session, people) -> None:
    agreement = drafts.create_agreement(
        session, people["facilitator"], space_id=people["space"].id, title="Teilhabe"
    )
    drafts.add_section(session, people["facilitator"], agreement.id, goal())
    first = versions.publish_version(
        session, people["facilitator"], agreement.id, change_summary="Erster Entwurf"
    )
    section = agreement.draft_sections[0]
    drafts.update_section(
        session, people["facilitator"], agreement.id, section.key, base_revision=1, base=goal(),
        mine=goal(body="Alle können gleichberechtigt mitmachen."),
    )  # fmt: skip
    second = versions.publish_version(
        session, people["facilitator"], agreement.id, change_summary="Präzisiert"
    )
    assert (first.number, second.number) == (1, 2)
    assert versions.get_version(session, people["member"], agreement.id, 1)[1].sections[0].body == (
        "Alle können mitmachen."
    )
    comparison = versions.compare_versions(session, people["member"], agreement.id, 1, 2)
    assert comparison.diff.count("changed") == 1
    actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert "agreement.version_published" in actions and "draft.section_changed" in actions


def test_published_versions_never_change(session, people) -> None:
    agreement = drafts.create_agreement(
        session, people["facilitator"], space_id=people["space"].id, title="T"
    )
    drafts.add_section(session, people["facilitator"], agreement.id, goal())
    version = versions.publish_version(session, people["facilitator"], agreement.id, change_summary="v1")
    version.sections[0].body = "manipuliert"
    with pytest.raises(FrozenVersionChanged):
        session.flush()
    session.rollback()


def test_a_stale_save_gets_a_conflict_with_a_merge(session, people) -> None:
    agreement = drafts.create_agreement(
        session, people["facilitator"], space_id=people["space"].id, title="T"
    )
    base = goal(body="Die Beratung findet montags im Stadtteilhaus statt.")
    key = drafts.add_section(session, people["facilitator"], agreement.id, base).key
    drafts.update_section(
        session, people["admin"], agreement.id, key, base_revision=1, base=base,
        mine=goal(body="Die Beratung findet montags im Nachbarschaftshaus statt."),
    )  # fmt: skip
    with pytest.raises(DraftConflict) as conflict:
        drafts.update_section(
            session, people["facilitator"], agreement.id, key, base_revision=1, base=base,
            mine=goal(body="Die offene Beratung findet montags im Stadtteilhaus statt."),
        )  # fmt: skip
    merge = conflict.value.merges["body"]
    assert merge.is_clean
    assert merge.text() == "Die offene Beratung findet montags im Nachbarschaftshaus statt."
    assert conflict.value.current_revision == 2


def test_members_edit_only_during_negotiation_and_observers_never(session, people) -> None:
    agreement = drafts.create_agreement(
        session, people["facilitator"], space_id=people["space"].id, title="T"
    )
    with pytest.raises(PermissionDenied):
        drafts.add_section(session, people["member"], agreement.id, goal())
    lifecycle.change_status(session, people["facilitator"], agreement.id, "start_negotiation")
    drafts.add_section(session, people["member"], agreement.id, goal())
    with pytest.raises(PermissionDenied):
        drafts.add_section(session, people["observer"], agreement.id, goal())
    with pytest.raises(PermissionDenied):
        drafts.create_agreement(session, people["member"], space_id=people["space"].id, title="X")


def test_drafts_are_for_members_and_published_consultations_for_everyone(session, people) -> None:
    agreement = drafts.create_agreement(
        session, people["facilitator"], space_id=people["space"].id, title="T"
    )
    drafts.add_section(session, people["facilitator"], agreement.id, goal())
    versions.publish_version(session, people["facilitator"], agreement.id, change_summary="v1")
    for outsider in (None, people["outsider"]):
        with pytest.raises(PermissionDenied):
            versions.get_version(session, outsider, agreement.id, 1)
    lifecycle.change_status(
        session, people["facilitator"], agreement.id, "open_consultation",
        consultation_starts_on=date(2026, 12, 1), consultation_ends_on=date(2026, 12, 31),
    )  # fmt: skip
    assert versions.get_version(session, None, agreement.id, 1)[1].number == 1


def test_compliance_blocks_the_vote_until_requirements_are_met(session, people) -> None:
    admin, facilitator = people["admin"], people["facilitator"]
    framework = drafts.create_framework(session, admin, title="Leitsätze")
    drafts.add_section(session, admin, framework.id, goal("Ziele"))
    drafts.set_requirements(
        session, admin, framework.id,
        Requirements(required_section_kinds=frozenset({SectionKind.GOAL, SectionKind.RULE}),
                     required_parties=frozenset({"carrier"})),
    )  # fmt: skip
    framework_version = versions.publish_version(session, admin, framework.id, change_summary="v1")
    agreement = drafts.create_agreement(
        session,
        facilitator,
        space_id=people["space"].id,
        title="T",
        framework_version_id=framework_version.id,
    )
    assert [s.key for s in agreement.draft_sections] == [s.key for s in framework_version.sections]
    versions.publish_version(session, facilitator, agreement.id, change_summary="v1")
    lifecycle.change_status(session, facilitator, agreement.id, "start_negotiation")
    with pytest.raises(InvalidInput) as refused:
        lifecycle.change_status(session, facilitator, agreement.id, "put_to_vote")
    assert refused.value.field_errors == {"transition": ["framework_requirements_not_met"]}
    drafts.add_section(
        session, facilitator, agreement.id, SectionContent(kind="rule", title="Regel", body="…")
    )
    carrier = Organisation(name="Amt", kind="carrier")
    session.add(carrier)
    session.commit()
    drafts.set_parties(session, facilitator, agreement.id, [(carrier.id, "carrier")])
    versions.publish_version(session, facilitator, agreement.id, change_summary="v2")
    lifecycle.change_status(session, facilitator, agreement.id, "put_to_vote")
    lifecycle.change_status(session, facilitator, agreement.id, "adopt", in_force_from=date(2027, 1, 1))
    page = lifecycle.overview(session, None, agreement.id)
    assert page["document"].status == "adopted"
    assert [change.to_status for change in page["timeline"]] == ["negotiation", "voting", "adopted"]


def test_a_newer_framework_version_is_shown_and_adopted_only_on_request(session, people) -> None:
    admin, facilitator = people["admin"], people["facilitator"]
    framework = drafts.create_framework(session, admin, title="Leitsätze")
    drafts.add_section(session, admin, framework.id, goal("Ziele", "Alt"))
    v1 = versions.publish_version(session, admin, framework.id, change_summary="v1")
    agreement = drafts.create_agreement(
        session, facilitator, space_id=people["space"].id, title="T", framework_version_id=v1.id
    )
    key = framework.draft_sections[0].key
    drafts.update_section(session, admin, framework.id, key, base_revision=1, base=goal("Ziele", "Alt"),
                          mine=goal("Ziele", "Neu"))  # fmt: skip
    v2 = versions.publish_version(session, admin, framework.id, change_summary="v2")
    update = lifecycle.framework_update(session, agreement)
    assert update is not None and update.newest.id == v2.id and update.diff.count("changed") == 1
    assert agreement.framework_version_id == v1.id
    lifecycle.adopt_framework_version(session, facilitator, agreement.id, v2.id)
    assert lifecycle.framework_update(session, agreement) is None
    assert (
        session.scalar(
            select(DocumentVersion.number).where(DocumentVersion.id == agreement.framework_version_id)
        )
        == 2
    )

"""Facilitators of the comment's space (and administrators) hide, restore, dismiss and block; every
action is audited and listed in the public moderation log, which never names reporters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, PermissionDenied
from governance.models import Space, SpaceMembership
from moderation.services import moderation
from participation.models import CommentReport
from tests.notify_data import agreement_with_versions, comment, make_people, open_consultation, report


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


@pytest.fixture
def reported(session, people):
    agreement = agreement_with_versions(session, people)
    open_consultation(session, people, agreement)
    target = comment(session, agreement, people.member, "Ihr seid alle doof.")
    report(session, target, people.observer, "Beleidigend")
    report(session, target, people.outsider, "Unfreundlich")
    return target


def last_entry(session) -> AuditEntry:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def test_the_queue_groups_open_reports_by_comment(session, people, reported) -> None:
    queue = moderation.queue(session, people.facilitator, people.space.id)
    [item] = queue.items
    assert item.comment.id == reported.id
    assert item.reasons == ["Beleidigend", "Unfreundlich"]
    assert moderation.queue(session, people.admin, None).items[0].comment.id == reported.id


@pytest.mark.parametrize("role", ["member", "observer", "outsider"])
def test_only_moderators_see_the_queue_and_act(session, people, reported, role: str) -> None:
    user = people.role(role)
    with pytest.raises(PermissionDenied):
        moderation.queue(session, user, people.space.id)
    with pytest.raises(PermissionDenied):
        moderation.hide_comment(session, user, reported.id, reason="Beleidigung")
    with pytest.raises(PermissionDenied):
        moderation.queue(session, people.facilitator, None)  # all spaces: administrators only


def test_a_facilitator_of_another_space_may_not_moderate_here(session, people, reported) -> None:
    other = session.scalar(select(Space).where(Space.id != people.space.id, Space.code.is_not(None)).limit(1))
    session.add(SpaceMembership(space=other, user=people.outsider, role="facilitator", status="active"))
    session.commit()
    with pytest.raises(PermissionDenied):
        moderation.hide_comment(session, people.outsider, reported.id, reason="Beleidigung")


def test_hiding_sets_the_public_reason_resolves_the_reports_and_is_audited(session, people, reported) -> None:
    moderation.hide_comment(session, people.facilitator, reported.id, reason="Beleidigung von Beteiligten")
    session.refresh(reported)
    assert reported.hidden_at is not None and reported.hidden_by_id == people.facilitator.id
    assert reported.hidden_reason == "Beleidigung von Beteiligten"
    reports = session.scalars(select(CommentReport).where(CommentReport.comment_id == reported.id)).all()
    assert {(r.resolution, r.resolved_by_id) for r in reports} == {("hidden", people.facilitator.id)}
    entry = last_entry(session)
    assert entry.action == "comment.hidden"
    assert entry.details["space_id"] == people.space.id
    assert entry.details["document_id"] == reported.document_id
    assert entry.details["comment_id"] == reported.id
    assert moderation.queue(session, people.facilitator, people.space.id).items == []
    with pytest.raises(Conflict):
        moderation.hide_comment(session, people.facilitator, reported.id, reason="noch einmal")


def test_a_reason_is_required_and_limited(session, people, reported) -> None:
    with pytest.raises(InvalidInput) as missing:
        moderation.hide_comment(session, people.facilitator, reported.id, reason="   ")
    assert missing.value.field_errors == {"reason": ["required"]}
    with pytest.raises(InvalidInput):
        moderation.hide_comment(session, people.facilitator, reported.id, reason="x" * 1001)


def test_restore_and_dismiss(session, people, reported) -> None:
    moderation.hide_comment(session, people.admin, reported.id, reason="Beleidigung")
    moderation.restore_comment(session, people.facilitator, reported.id, reason="Doch in Ordnung")
    session.refresh(reported)
    assert reported.hidden_at is None and reported.hidden_reason == ""
    assert last_entry(session).action == "comment.restored"
    with pytest.raises(Conflict):
        moderation.dismiss_reports(session, people.facilitator, reported.id)  # all resolved by hiding
    report(session, reported, people.observer, "Immer noch doof")
    assert moderation.dismiss_reports(session, people.facilitator, reported.id) == 1
    entry = last_entry(session)
    assert (entry.action, entry.details["comment_id"]) == ("comment_report.dismissed", reported.id)


def test_block_and_lift(session, people, reported) -> None:
    block = moderation.block_commenter(
        session,
        people.facilitator,
        people.space.id,
        user_id=people.member.id,
        reason="Wiederholte Beleidigungen",
    )
    assert moderation.active_block(session, people.space.id, people.member.id) is not None
    entry = last_entry(session)
    assert (entry.action, entry.details["space_id"], entry.details["user_id"]) == (
        "commenting.blocked", people.space.id, people.member.id,
    )  # fmt: skip
    with pytest.raises(Conflict):
        moderation.block_commenter(
            session, people.facilitator, people.space.id, user_id=people.member.id, reason="noch einmal"
        )
    with pytest.raises(InvalidInput):
        moderation.block_commenter(
            session, people.facilitator, people.space.id, user_id=people.facilitator.id, reason="ich"
        )
    moderation.lift_block(session, people.facilitator, people.space.id, block.id)
    assert moderation.active_block(session, people.space.id, people.member.id) is None
    assert last_entry(session).action == "commenting.unblocked"


def test_the_public_log_lists_actions_and_reasons_but_no_reporter_and_no_blocked_name(
    session, people, reported
) -> None:
    moderation.hide_comment(session, people.facilitator, reported.id, reason="Beleidigung")
    moderation.block_commenter(
        session, people.facilitator, people.space.id, user_id=people.member.id, reason="Wiederholt"
    )
    space, entries = moderation.moderation_log(session, None, people.space.id)
    assert space.id == people.space.id
    assert [(e.action, e.reason) for e in entries] == [
        ("commenting.blocked", "Wiederholt"), ("comment.hidden", "Beleidigung"),
    ]  # fmt: skip
    assert entries[1].document.id == reported.document_id  # the consultation is public
    rendered = repr(entries)
    assert people.observer.display_name not in rendered and people.member.display_name not in rendered


def test_the_log_does_not_name_an_agreement_that_is_not_public(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    target = comment(session, agreement, people.member)
    moderation.hide_comment(session, people.facilitator, target.id, reason="Beleidigung")
    _, [entry] = moderation.moderation_log(session, None, people.space.id)
    assert entry.document is None

"""Notifications come from audit entries, in the same transaction, to followers and direct recipients."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from agreements.services import lifecycle, versions
from core import audit
from notifications.models import Notification, NotificationPreference
from tests.notify_data import (
    agreement_with_versions,
    amendment,
    comment,
    follow,
    make_people,
    notifications_of,
    open_consultation,
    record,
)


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


def kinds(session, user) -> list[str]:
    return [n.kind for n in notifications_of(session, user)]


def test_followers_of_an_agreement_hear_of_its_consultation_and_new_versions_but_not_the_actor(
    session, people
) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    follow(session, people.facilitator, "agreement", agreement.id)
    open_consultation(session, people, agreement)
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    lifecycle.change_status(session, people.facilitator, agreement.id, "start_negotiation")

    found = notifications_of(session, people.member)
    assert [n.kind for n in found] == ["consultation_opened", "version_published", "consultation_closed"]
    assert found[1].params["number"] == 2
    assert found[1].link == f"/agreements/{agreement.id}/versions/2"
    assert found[0].params["title"] == "Teilhabe im Quartier"
    assert kinds(session, people.facilitator) == []  # the facilitator did it all


def test_followers_of_the_space_hear_of_its_agreements_but_only_when_they_may_read_them(
    session, people
) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.outsider, "space", people.space.id)
    follow(session, people.member, "space", people.space.id)
    # In draft the agreement is for members only: the outsider hears nothing of version 2.
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    assert kinds(session, people.member) == ["version_published"]
    assert kinds(session, people.outsider) == []
    # A consultation is public: now the outsider hears of it too.
    open_consultation(session, people, agreement)
    assert kinds(session, people.outsider) == ["consultation_opened"]


def test_a_reply_and_a_mention_reach_their_people_directly(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    first = comment(session, agreement, people.member)
    reply = comment(session, agreement, people.observer, parent=first)
    record(
        session, people.observer, "comment.created", "comment", reply.id, document_id=agreement.id,
        parent_author_id=people.member.id, mentioned_user_ids=[people.facilitator.id, people.observer.id],
    )  # fmt: skip
    [to_member] = notifications_of(session, people.member)
    assert to_member.kind == "comment_reply"
    assert to_member.link == f"/agreements/{agreement.id}#comment-{reply.id}"
    assert kinds(session, people.facilitator) == ["mention"]
    assert kinds(session, people.observer) == []  # mentioning oneself tells nobody


def test_an_outsider_is_not_told_of_a_comment_on_an_agreement_they_may_not_read(session, people) -> None:
    agreement = agreement_with_versions(session, people)  # a draft: members only
    note = comment(session, agreement, people.member)
    record(
        session, people.member, "comment.created", "comment", note.id, document_id=agreement.id,
        mentioned_user_ids=[people.outsider.id],
    )  # fmt: skip
    assert kinds(session, people.outsider) == []


def test_the_author_hears_that_their_amendment_was_accepted_and_followers_of_it_too(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    proposal = amendment(session, agreement, people.member, number=3)
    follow(session, people.observer, "amendment", proposal.id)
    record(
        session, people.facilitator, "amendment.accepted", "amendment", proposal.id,
        document_id=agreement.id, author_id=people.member.id,
    )  # fmt: skip
    [mine] = notifications_of(session, people.member)
    [theirs] = notifications_of(session, people.observer)
    assert (mine.kind, mine.params["outcome"], mine.params["number"], mine.params.get("yours")) == (
        "amendment_decided", "accepted", 3, True,
    )  # fmt: skip
    assert theirs.params.get("yours") is None


def test_new_amendments_and_statements_reach_followers_of_the_agreement_and_of_the_amendment(
    session, people
) -> None:
    agreement = agreement_with_versions(session, people)
    proposal = amendment(session, agreement, people.member)
    follow(session, people.observer, "agreement", agreement.id)
    record(
        session, people.member, "amendment.proposed", "amendment", proposal.id, document_id=agreement.id,
        space_id=people.space.id, author_id=people.member.id, number=1,
    )  # fmt: skip
    follow(session, people.admin, "amendment", proposal.id)
    record(
        session, people.member, "statement.published", "statement", 1, document_id=agreement.id,
        amendment_id=proposal.id, organisation_id=None, space_id=people.space.id,
    )  # fmt: skip
    assert kinds(session, people.observer) == ["new_amendment", "new_statement"]
    assert kinds(session, people.admin) == ["new_statement"]


def test_a_kind_switched_off_gives_no_notification_and_the_channel_decides_the_mail(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    follow(session, people.observer, "agreement", agreement.id)
    session.add(NotificationPreference(user_id=people.observer.id, kind="version_published", channel="off"))
    session.add(NotificationPreference(user_id=people.member.id, kind="version_published", channel="email"))
    session.commit()
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    assert kinds(session, people.observer) == []
    assert [n.email_status for n in notifications_of(session, people.member)] == ["email"]


def test_a_rolled_back_change_leaves_no_notification(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    audit.record(
        session, actor_id=people.facilitator.id, action="agreement.version_published", object_type="document",
        object_id=agreement.id, details={"number": 9},
    )  # fmt: skip
    session.flush()
    session.rollback()
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    assert [n.params["number"] for n in notifications_of(session, people.member)] == [2]
    assert session.scalar(select(func.count(Notification.id))) == 1


def test_an_entry_of_a_rolled_back_savepoint_tells_nobody(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    savepoint = session.begin_nested()
    audit.record(
        session, actor_id=people.facilitator.id, action="agreement.version_published", object_type="document",
        object_id=agreement.id, details={"number": 9},
    )  # fmt: skip
    session.flush()
    savepoint.rollback()
    session.commit()
    assert notifications_of(session, people.member) == []


def test_details_naming_an_unknown_amendment_still_commit_the_change(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    record(
        session, people.facilitator, "amendment.rejected", "amendment", 999_999,
        document_id=agreement.id, author_id=people.member.id,
    )  # fmt: skip
    [notification] = notifications_of(session, people.member)
    assert notification.amendment_id is None
    assert notification.link == f"/agreements/{agreement.id}"


def test_a_deleted_account_keeps_no_follows_choices_or_notifications(session, people) -> None:
    from governance.services.accounts import delete_account
    from notifications.models import Follow

    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    session.add(NotificationPreference(user_id=people.member.id, kind="mention", channel="off"))
    session.commit()
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    assert kinds(session, people.member) == ["version_published"]
    delete_account(session, people.member, password="correct horse battery")
    for model in (Follow, NotificationPreference, Notification):
        assert session.scalar(select(func.count(model.id)).where(model.user_id == people.member.id)) == 0

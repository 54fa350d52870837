"""E-mail of notifications outside the request: at once, in a daily digest built once per day, the
consultation-ending-soon step, unsubscribe links, and the send-mail command."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from agreements.services import versions
from core.audit import AuditEntry
from core.mail import OutboxMessage
from notifications.domain import Channel, Kind
from notifications.models import DigestRun
from notifications.services import mailing, preferences
from tests.notify_data import (
    agreement_with_versions,
    comment,
    follow,
    make_people,
    notifications_of,
    open_consultation,
    record,
)

TODAY = date(2030, 3, 4)


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


def outbox(session, recipient: str | None = None) -> list[OutboxMessage]:
    session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    return list(session.scalars(stmt))


def mention(session, people, agreement, who) -> None:
    note = comment(session, agreement, people.facilitator)
    record(
        session, people.facilitator, "comment.created", "comment", note.id, document_id=agreement.id,
        mentioned_user_ids=[who.id],
    )  # fmt: skip


def test_a_mention_is_mailed_at_once_with_a_link_and_an_unsubscribe_link_and_only_once(
    session, people
) -> None:
    agreement = agreement_with_versions(session, people)
    people.member.locale = "en"  # mail comes in the reader's language (German: see below)
    mention(session, people, agreement, people.member)
    result = mailing.prepare_mail(session, today=TODAY)
    assert result.immediate == 1
    [mail] = outbox(session)
    assert mail.recipient == people.member.email
    assert "mentioned you" in mail.subject
    assert f"http://raumrat.test/agreements/{agreement.id}#comment-" in mail.body
    assert "http://raumrat.test/notifications/unsubscribe/" in mail.body
    assert mailing.prepare_mail(session, today=TODAY).immediate == 0
    assert len(outbox(session)) == 1
    [notification] = notifications_of(session, people.member)
    assert notification.email_status == "sent" and notification.emailed_at is not None


def test_the_daily_digest_is_built_once_a_day_and_never_repeats_an_item(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    people.member.locale = "en"
    follow(session, people.member, "agreement", agreement.id)
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 3")
    assert mailing.prepare_mail(session, today=TODAY).digests == 1
    [digest] = outbox(session)
    assert "daily summary (2)" in digest.subject
    assert "Version 2 of" in digest.body and "Version 3 of" in digest.body
    assert digest.body.count("/notifications/unsubscribe/") == 1  # one kind, one link

    # Later the same day: a new item waits for tomorrow's digest.
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 4")
    assert mailing.prepare_mail(session, today=TODAY).digests == 0
    assert len(outbox(session)) == 1
    assert mailing.prepare_mail(session, today=TODAY + timedelta(days=1)).digests == 1
    second = outbox(session)[-1]
    assert "Version 4 of" in second.body and "Version 2 of" not in second.body
    assert session.scalar(select(func.count(DigestRun.id))) == 2
    assert mailing.prepare_mail(session, today=TODAY + timedelta(days=2)).digests == 0


def test_a_consultation_ending_within_two_days_is_announced_once(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    open_consultation(session, people, agreement, ends_in_days=10)
    ends_on = agreement.consultation_ends_on
    assert mailing.prepare_mail(session, today=ends_on - timedelta(days=3)).announced == 0
    assert mailing.prepare_mail(session, today=ends_on - timedelta(days=2)).announced == 1
    assert mailing.prepare_mail(session, today=ends_on - timedelta(days=1)).announced == 0
    assert [n.kind for n in notifications_of(session, people.member)] == [
        "consultation_opened", "consultation_ending_soon",
    ]  # fmt: skip
    entries = session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "agreement.consultation_end_announced")
    )
    assert entries == 1


def test_the_unsubscribe_link_switches_that_kind_off_by_email_and_drops_what_waits(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    mention(session, people, agreement, people.member)
    secret = current_app.config["SECRET_KEY"]
    token = preferences.unsubscribe_token(people.member.id, Kind.MENTION, secret_key=secret)
    user, kind = preferences.unsubscribe(session, token, secret_key=secret)
    assert (user.id, kind) == (people.member.id, Kind.MENTION)
    assert preferences.channels(session, people.member.id)[Kind.MENTION] == Channel.IN_APP
    assert preferences.channels(session, people.member.id)[Kind.COMMENT_REPLY] == Channel.EMAIL
    assert mailing.prepare_mail(session, today=TODAY).immediate == 0
    assert outbox(session) == []
    # The notification itself stays in the centre.
    assert [n.kind for n in notifications_of(session, people.member)] == ["mention"]


def test_a_forged_unsubscribe_token_names_nobody(session, people) -> None:
    from core.errors import NotFound

    token = preferences.unsubscribe_token(people.member.id, Kind.MENTION, secret_key="another key")
    with pytest.raises(NotFound):
        preferences.unsubscribe(session, token, secret_key=current_app.config["SECRET_KEY"])


def test_send_mail_builds_digests_and_delivers_the_outbox(app, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert re.search(r"1 sent, 0 failed", result.output)
    [mail] = outbox(session, people.member.email)
    assert mail.status == "sent"
    # A second round sends nothing again.
    again = app.test_cli_runner().invoke(args=["send-mail"])
    assert "0 sent" in again.output


def test_each_mail_is_composed_in_its_readers_language(session, people) -> None:
    agreement = agreement_with_versions(session, people)
    people.member.locale, people.observer.locale = "de", "en"
    session.commit()
    for reader in (people.member, people.observer):
        follow(session, reader, "agreement", agreement.id)
    open_consultation(session, people, agreement, ends_in_days=2)
    ends_on = agreement.consultation_ends_on
    mailing.prepare_mail(session, today=ends_on)
    german = outbox(session, people.member.email)[0].body
    english = outbox(session, people.observer.email)[0].body
    months_de = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                 "Oktober", "November", "Dezember"]  # fmt: skip
    assert f"{ends_on.day}. {months_de[ends_on.month - 1]} {ends_on.year}" in german
    assert f"{ends_on.strftime('%B')} {ends_on.day}, {ends_on.year}" in english
    assert "Die Beteiligungsphase zu „" in german and "The consultation on “" in english


def test_personal_data_lists_follows_choices_and_notifications(session, people) -> None:
    from notifications.services.personal_data import personal_data

    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    preferences.set_channels(session, people.member, {"mention": "off"})
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    data = personal_data(session, people.member.id)
    assert data["follows"][0]["type"] == "agreement" and data["follows"][0]["id"] == agreement.id
    assert data["channels"] == {"mention": "off"}
    assert [n["kind"] for n in data["notifications"]] == ["version_published"]

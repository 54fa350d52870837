"""Which audit entries give which notifications, to whom, and how they are grouped in a digest."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.domain import (
    Channel,
    Event,
    Kind,
    channel_for,
    ending_soon,
    events_for,
    group_for_digest,
    recipients,
)


def test_opening_a_consultation_tells_the_followers_of_the_agreement() -> None:
    [event] = events_for("agreement.open_consultation", "7", {"from": "draft", "to": "consultation"})
    assert event == Event(Kind.CONSULTATION_OPENED, 7, to_followers=True)


def test_negotiation_after_a_consultation_closes_it_but_not_after_a_draft() -> None:
    assert [e.kind for e in events_for("agreement.start_negotiation", "7", {"from": "consultation"})] == [
        Kind.CONSULTATION_CLOSED
    ]
    assert events_for("agreement.start_negotiation", "7", {"from": "draft"}) == []


def test_a_new_version_of_an_agreement_carries_its_number_but_a_framework_gives_nothing() -> None:
    [event] = events_for("agreement.version_published", "3", {"number": 4})
    assert (event.kind, event.document_id, event.params["number"]) == (Kind.VERSION_PUBLISHED, 3, 4)
    assert events_for("framework.version_published", "3", {"number": 4}) == []


def test_amendments_and_statements_name_their_agreement() -> None:
    [amendment] = events_for("amendment.proposed", "11", {"document_id": 3, "author_id": 5, "number": 2})
    assert (amendment.kind, amendment.document_id, amendment.amendment_id) == (Kind.NEW_AMENDMENT, 3, 11)
    [statement] = events_for(
        "statement.published",
        "4",
        {"document_id": 3, "amendment_id": 11, "organisation_id": 2, "space_id": 1},
    )
    assert (statement.kind, statement.document_id, statement.amendment_id) == (Kind.NEW_STATEMENT, 3, 11)


def test_a_reply_that_also_mentions_the_parent_author_notifies_them_once_as_a_reply() -> None:
    events = events_for(
        "comment.created",
        "9",
        {"document_id": 3, "parent_author_id": 5, "mentioned_user_ids": [5, 6, 6, "x"]},
    )
    assert [(e.kind, e.direct) for e in events] == [(Kind.COMMENT_REPLY, (5,)), (Kind.MENTION, (6,))]
    assert all(not e.to_followers for e in events)


@pytest.mark.parametrize("outcome", ["accepted", "rejected", "merged"])
def test_a_decision_on_an_amendment_goes_to_its_author_and_its_followers(outcome: str) -> None:
    [event] = events_for(f"amendment.{outcome}", "11", {"document_id": 3, "author_id": 5})
    assert (event.kind, event.direct, event.params["outcome"]) == (Kind.AMENDMENT_DECIDED, (5,), outcome)
    assert event.to_followers
    assert events_for("amendment.withdrawn", "11", {"document_id": 3, "author_id": 5}) == []


def test_unrelated_actions_and_garbage_details_give_nothing_and_never_fail() -> None:
    assert events_for("account.registered", "1", {}) == []
    assert events_for("comment.created", "x", {"parent_author_id": True, "mentioned_user_ids": "5"}) == []


def test_recipients_are_direct_first_then_followers_each_once_never_the_actor() -> None:
    event = Event(Kind.AMENDMENT_DECIDED, 1, to_followers=True, direct=(5,))
    assert recipients(event, followers=[7, 5, 8, 7], actor_id=8) == [5, 7]
    assert recipients(event, followers=[7, 9], actor_id=None, may_see=[5, 9]) == [5, 9]
    direct_only = Event(Kind.MENTION, 1, direct=(5,))
    assert recipients(direct_only, followers=[7], actor_id=None) == [5]


def test_channels_default_by_kind_and_follow_a_valid_choice() -> None:
    assert channel_for(Kind.MENTION, {}) == Channel.EMAIL
    assert channel_for(Kind.VERSION_PUBLISHED, {}) == Channel.DIGEST
    assert channel_for(Kind.VERSION_PUBLISHED, {"version_published": "off"}) == Channel.OFF
    assert channel_for(Kind.VERSION_PUBLISHED, {"version_published": "nonsense"}) == Channel.DIGEST


def test_a_consultation_ends_soon_from_two_days_before_its_last_day() -> None:
    today = date(2026, 5, 10)
    assert [ending_soon(date(2026, 5, day), today) for day in (9, 10, 12, 13)] == [False, True, True, False]
    assert not ending_soon(None, today)


def test_digest_groups_keep_a_fixed_order_of_kinds_and_the_order_within_a_kind() -> None:
    items = [("mention", "m1"), ("version_published", "v1"), ("mention", "m2"), ("unknown", "u")]
    assert group_for_digest(items) == [(Kind.VERSION_PUBLISHED, ["v1"]), (Kind.MENTION, ["m1", "m2"])]

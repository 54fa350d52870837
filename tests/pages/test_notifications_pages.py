"""The notification centre, the unread count in the header, follow buttons, notification settings
and the unsubscribe link: without JavaScript (post/redirect/get) and with htmx fragments."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from agreements.services import versions
from notifications.domain import Channel, Kind
from notifications.models import Follow, Notification, NotificationPreference
from notifications.services import preferences
from tests.notify_data import agreement_with_versions, follow, make_people, notifications_of
from tests.pages.agreement_helpers import text, without_tags
from tests.querycount import counted_queries

pytestmark = pytest.mark.usefixtures("english")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(session, make_user, space_by_code):
    return make_people(session, make_user, space_by_code)


def give_notifications(session, user, agreement, count: int) -> None:
    for number in range(1, count + 1):
        notification = Notification(
            user_id=user.id, kind="version_published", document_id=agreement.id,
            params={"number": number, "title": agreement.title},
            link=f"/agreements/{agreement.id}/versions/{number}",
        )  # fmt: skip
        session.add(notification)
    session.commit()


def test_the_header_shows_the_unread_count_to_signed_in_people_only(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    give_notifications(session, people.member, agreement, 3)
    anonymous = without_tags(text(client.get("/")))
    assert "Notifications" not in anonymous
    login(people.member)
    page = without_tags(text(client.get("/")))
    assert "Notifications 3 unread" in page


def test_the_centre_lists_newest_first_in_pages(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    give_notifications(session, people.member, agreement, 25)
    login(people.member)
    first = without_tags(text(client.get("/notifications")))
    assert first.index("Version 25 of") < first.index("Version 24 of")
    assert "Version 5 of" not in first and "Older notifications" in first
    second = without_tags(text(client.get("/notifications?page=2")))
    assert "Version 5 of" in second and "Version 1 of" in second and "Newer notifications" in second
    assert client.get("/notifications?page=garbage").status_code == 200


def test_someone_elses_notifications_stay_theirs(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    give_notifications(session, people.member, agreement, 1)
    [notification] = notifications_of(session, people.member)
    login(people.observer)
    assert "Version 1 of" not in text(client.get("/notifications"))
    assert client.post(f"/notifications/{notification.id}/read").status_code == 404


def test_the_centre_needs_the_same_queries_for_few_and_many_notifications(
    client, login, session, people
) -> None:
    agreement = agreement_with_versions(session, people)
    login(people.member)
    give_notifications(session, people.member, agreement, 2)
    client.get("/notifications")
    session.expire_all()
    with counted_queries() as few:
        assert client.get("/notifications").status_code == 200
    give_notifications(session, people.member, agreement, 40)
    session.expire_all()
    with counted_queries() as many:
        assert client.get("/notifications").status_code == 200
    assert len(many) == len(few) == 3  # the user, the page of notifications, the unread count


def test_mark_one_read_without_javascript_and_with_htmx(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    give_notifications(session, people.member, agreement, 2)
    first, second = notifications_of(session, people.member)
    login(people.member)
    response = client.post(f"/notifications/{first.id}/read", data={"next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert "Marked as read." in text(client.get("/notifications"))
    fragment = client.post(f"/notifications/{second.id}/read", headers=HTMX)
    body = text(fragment)
    assert body.lstrip().startswith(f'<li class="panel notification-item" id="notification-{second.id}"')
    assert 'id="unread-count" hx-swap-oob="true"' in body
    assert all(n.read_at is not None for n in notifications_of(session, people.member))


def test_mark_all_read(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    give_notifications(session, people.member, agreement, 3)
    login(people.member)
    fragment = text(client.post("/notifications/read-all", headers=HTMX))
    assert 'id="notification-list"' in fragment and "All notifications are marked as read." in fragment
    assert "3 unread" not in without_tags(text(client.get("/notifications")))
    assert client.post("/notifications/read-all").status_code == 302


@pytest.mark.parametrize("where", ["agreement", "space"])
def test_follow_and_unfollow_from_the_page_without_javascript(client, login, session, people, where) -> None:
    agreement = agreement_with_versions(session, people)
    target_id = agreement.id if where == "agreement" else people.space.id
    page_url = f"/agreements/{agreement.id}" if where == "agreement" else f"/spaces/{people.space.id}"
    login(people.member)
    label = "Follow this agreement" if where == "agreement" else "Follow this social space"
    assert label in text(client.get(page_url))
    response = client.post(f"/follows/{where}/{target_id}", data={"next": page_url})
    assert response.status_code == 302 and response.headers["Location"] == page_url
    page = text(client.get(page_url))
    assert "Stop following" in page and "You follow this" in page
    assert client.post(f"/follows/{where}/{target_id}/delete", data={"next": page_url}).status_code == 302
    assert session.scalar(select(Follow.id)) is None


def test_follow_with_htmx_swaps_the_fragment(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    login(people.member)
    fragment = text(client.post(f"/follows/agreement/{agreement.id}", headers=HTMX))
    assert fragment.lstrip().startswith(f'<div class="follow" id="follow-agreement-{agreement.id}">')
    assert "Stop following" in fragment and "You follow this agreement" in fragment


def test_anonymous_visitors_are_asked_to_sign_in_and_cannot_follow_what_they_may_not_read(
    client, login, session, people
) -> None:
    agreement = agreement_with_versions(session, people)  # a draft: members only
    assert "Sign in to follow" in text(client.get(f"/spaces/{people.space.id}"))
    assert client.post(f"/follows/space/{people.space.id}").status_code == 302  # to the login page
    login(people.outsider)
    assert client.post(f"/follows/agreement/{agreement.id}").status_code in (403, 404)
    assert client.post("/follows/space/999999").status_code == 404


def test_a_followed_agreement_notifies_through_to_the_centre(client, login, session, people) -> None:
    agreement = agreement_with_versions(session, people)
    follow(session, people.member, "agreement", agreement.id)
    versions.publish_version(session, people.facilitator, agreement.id, change_summary="Fassung 2")
    login(people.member)
    page = without_tags(text(client.get("/notifications")))
    assert "Version 2 of “Teilhabe im Quartier” is published." in page
    assert "Notifications 1 unread" in page


def test_settings_show_and_save_a_channel_per_kind(client, login, session, people) -> None:
    login(people.member)
    assert "Notification settings" in text(client.get("/settings"))
    page = text(client.get("/settings/notifications"))
    assert "A reply to my comment" in page and "In a daily e-mail" in page
    data = {f"kind_{kind.value}": channel.value for kind, channel in preferences.channels(session, 0).items()}
    data["kind_mention"] = "off"
    response = client.post("/settings/notifications", data=data)
    assert response.status_code == 302
    assert preferences.channels(session, people.member.id)[Kind.MENTION] == Channel.OFF
    data["kind_mention"] = "loud"
    bad = client.post("/settings/notifications", data=data)
    assert bad.status_code == 422 and "There is a problem" in text(bad)


def test_unsubscribe_link_confirms_and_works_without_sign_in_or_form_token(
    client, session, people, csrf_enabled
) -> None:
    token = preferences.unsubscribe_token(
        people.member.id, Kind.VERSION_PUBLISHED, secret_key=current_app.config["SECRET_KEY"]
    )
    page = text(client.get(f"/notifications/unsubscribe/{token}"))
    assert "Do you want to stop e-mails about “A new version is published”?" in without_tags(page)
    assert f'action="/notifications/unsubscribe/{token}"' in page
    # RFC 8058 one-click: the mail program posts directly.
    response = client.post(f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    row = session.scalar(
        select(NotificationPreference).where(NotificationPreference.user_id == people.member.id)
    )
    assert (row.kind, row.channel) == ("version_published", "in_app")
    assert client.get("/notifications/unsubscribe/not-a-token").status_code == 404

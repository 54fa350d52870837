"""Forgotten password, in the browser: ask for a link, follow it, choose a new password."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from core.mail import OutboxMessage

SENT_PAGE = "If an account exists for this address, we have sent a link to it."


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


def mailed_link(session, recipient: str) -> str:
    body = session.scalar(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    )
    match = re.search(r"https?://[^/\s]+(/reset-password/\S+)", body or "")
    assert match, "no reset link was mailed"
    return match.group(1)


def test_someone_resets_a_forgotten_password_and_is_signed_in(client, session, make_user) -> None:
    make_user("anna", locale="en")  # signing in switches to the account's language
    assert b"Reset your password" in client.get("/forgot-password").data

    answer = client.post("/forgot-password", data={"email": "anna@test.example"}, follow_redirects=True)
    assert answer.status_code == 200 and SENT_PAGE in answer.text

    link = mailed_link(session, "anna@test.example")
    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.text
    assert form.headers["Cache-Control"] == "no-store"

    mismatch = client.post(
        link, data={"password": "a brand new password", "password_confirm": "something else"}
    )
    assert mismatch.status_code == 422 and "The two passwords are not the same" in mismatch.text
    assert "a brand new password" not in mismatch.text  # passwords are never sent back

    done = client.post(
        link, data={"password": "a brand new password", "password_confirm": "a brand new password"},
        follow_redirects=True,
    )  # fmt: skip
    assert done.status_code == 200 and "Your new password is saved. You are signed in." in done.text
    assert client.get("/settings").status_code == 200

    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.text and 'href="/forgot-password"' in again.text


def test_known_and_unknown_addresses_get_the_same_answer(client, session, make_user) -> None:
    make_user("anna")
    known = client.post("/forgot-password", data={"email": "anna@test.example"})
    unknown = client.post("/forgot-password", data={"email": "nobody@test.example"})
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert session.scalars(select(OutboxMessage.recipient)).all() == ["anna@test.example"]


def test_an_address_in_the_wrong_format_is_shown_again(client) -> None:
    answer = client.post("/forgot-password", data={"email": "anna-at-example"})
    assert answer.status_code == 422
    assert "Enter an e-mail address in the right format" in answer.text
    assert 'value="anna-at-example"' in answer.text


def test_a_garbled_link_says_what_to_do(client) -> None:
    answer = client.get("/reset-password/not-a-real-token")
    assert answer.status_code == 400
    assert "copy the whole link" in answer.text and 'href="/forgot-password"' in answer.text
    assert client.post("/reset-password/not-a-real-token", data={}).status_code == 400


def test_an_expired_link_says_so(client, session, make_user, monkeypatch) -> None:
    make_user("anna")
    client.post("/forgot-password", data={"email": "anna@test.example"})
    link = mailed_link(session, "anna@test.example")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 3601)
    answer = client.post(
        link, data={"password": "a brand new password", "password_confirm": "a brand new password"}
    )
    assert answer.status_code == 410
    assert "This link has expired" in answer.text and "60 minutes" in answer.text


def test_the_forms_need_a_csrf_token(client, csrf_enabled, session, make_user) -> None:
    make_user("anna")
    assert client.post("/forgot-password", data={"email": "anna@test.example"}).status_code == 400
    assert session.scalar(select(OutboxMessage.id)) is None


def test_asking_for_links_again_and_again_is_slowed_down(rate_limited_client) -> None:
    statuses = [
        rate_limited_client.post("/forgot-password", data={"email": f"person{n}@test.example"}).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert (
        "Too many attempts"
        in rate_limited_client.post("/forgot-password", data={"email": "x@test.example"}).text
    )


def test_one_mailbox_cannot_be_flooded_from_many_places(rate_limited_client) -> None:
    statuses = [
        rate_limited_client.post(
            "/forgot-password",
            data={"email": "Anna@test.example"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        ).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_trying_reset_links_again_and_again_is_slowed_down(rate_limited_client) -> None:
    statuses = [rate_limited_client.post(f"/reset-password/guess{n}", data={}).status_code for n in range(11)]
    assert statuses == [400] * 10 + [429]

"""Forgotten password: a single-use, expiring link by mail, and no hint whether an address exists."""

from __future__ import annotations

import time

import pytest
from flask_babel import get_locale
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput
from core.mail import OutboxMessage
from governance.services import accounts

SECRET = "test-secret-key"
MAX_AGE = 3600


def ask_for_link(session, email: str) -> list[str]:
    """Ask for a reset link; return the tokens of the links that were mailed."""
    links: list[str] = []

    def reset_url(token: str) -> str:
        links.append(token)
        return f"https://raumrat.test/reset-password/{token}"

    before = set(session.scalars(select(OutboxMessage.id)))
    accounts.request_password_reset(
        session, email=email, secret_key=SECRET, max_age=MAX_AGE, reset_url=reset_url
    )
    mailed = [m for m in session.scalars(select(OutboxMessage)) if m.id not in before]
    return [token for token in links if any(token in message.body for message in mailed)]


def reset(session, token: str, password: str = "a brand new password"):
    return accounts.reset_password(
        session, token=token, new_password=password, secret_key=SECRET, max_age=MAX_AGE
    )


def test_a_person_who_forgot_their_password_gets_a_link_and_chooses_a_new_one(session, make_user) -> None:
    user = make_user("anna")
    [token] = ask_for_link(session, "  Anna@Test.Example ")
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "anna@test.example"))
    assert f"https://raumrat.test/reset-password/{token}" in message.body
    assert "60" in message.body  # how long the link works

    version = user.session_version
    assert reset(session, token).id == user.id
    assert user.session_version == version + 1
    assert accounts.authenticate(session, email="anna@test.example", password="a brand new password")
    assert accounts.authenticate(session, email="anna@test.example", password="correct horse battery") is None
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["account.password_reset_requested", "account.password_reset"]


def test_an_unknown_address_gets_no_mail_and_no_error(session, make_user) -> None:
    make_user("anna")
    assert ask_for_link(session, "nobody@test.example") == []
    assert session.scalar(select(OutboxMessage.id)) is None
    assert "account.password_reset_requested" not in session.scalars(select(AuditEntry.action)).all()


def test_a_deactivated_account_gets_no_link(session, make_user) -> None:
    user = make_user("anna")
    user.active = False
    session.commit()
    assert ask_for_link(session, "anna@test.example") == []


def test_a_link_works_only_once(session, make_user) -> None:
    make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    reset(session, token)
    with pytest.raises(accounts.ResetLinkInvalid) as error:
        reset(session, token, "yet another password")
    assert error.value.reason == "used" and error.value.status == 410
    assert accounts.authenticate(session, email="anna@test.example", password="a brand new password")


def test_changing_the_password_makes_older_links_useless(session, make_user) -> None:
    user = make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    accounts.change_password(
        session, user, current_password="correct horse battery", new_password="changed in settings"
    )
    with pytest.raises(accounts.ResetLinkInvalid) as error:
        reset(session, token)
    assert error.value.reason == "used"


def test_a_link_expires(session, make_user, monkeypatch) -> None:
    make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + MAX_AGE + 1)
    with pytest.raises(accounts.ResetLinkInvalid) as error:
        reset(session, token)
    assert error.value.reason == "expired" and error.value.status == 410
    assert accounts.authenticate(session, email="anna@test.example", password="correct horse battery")


def test_a_link_is_still_good_just_before_it_expires(session, make_user, monkeypatch) -> None:
    make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + MAX_AGE - 5)
    reset(session, token)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user, good: "not-a-token",
        lambda user, good: "",
        lambda user, good: good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        lambda user, good: good + "x" * 400,
        lambda user, good: URLSafeTimedSerializer("another key", salt="password-reset").dumps(
            {"user": user.id, "version": user.session_version}
        ),
        # A token made for another purpose with the same key is not a reset link.
        lambda user, good: URLSafeTimedSerializer(SECRET, salt="other").dumps(
            {"user": user.id, "version": user.session_version}
        ),
        lambda user, good: URLSafeTimedSerializer(SECRET, salt="password-reset").dumps(["nonsense"]),
    ],
    ids=["garbage", "empty", "tampered", "overlong", "other-key", "other-salt", "wrong-shape"],
)
def test_garbled_links_are_refused(session, make_user, make_token) -> None:
    user = make_user("anna")
    [good] = ask_for_link(session, "anna@test.example")
    with pytest.raises(accounts.ResetLinkInvalid) as error:
        reset(session, make_token(user, good))
    assert error.value.reason == "invalid" and error.value.status == 400


def test_a_deleted_account_cannot_be_reset_with_an_old_link(session, make_user) -> None:
    user = make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    accounts.delete_account(session, user, password="correct horse battery")
    with pytest.raises(accounts.ResetLinkInvalid) as error:
        reset(session, token)
    assert error.value.reason == "used"


def test_the_new_password_must_be_long_enough(session, make_user) -> None:
    make_user("anna")
    [token] = ask_for_link(session, "anna@test.example")
    with pytest.raises(InvalidInput) as error:
        reset(session, token, "short")
    assert error.value.field_errors == {"password": ["too_short"]}
    reset(session, token)  # the refused attempt did not use the link up


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_mail_is_written_in_the_users_language(session, make_user, monkeypatch, locale) -> None:
    make_user("anna", locale=locale)
    languages: list[str] = []
    translate = accounts._

    def recording_gettext(text: str, **values) -> str:
        languages.append(str(get_locale()))
        return translate(text, **values)

    monkeypatch.setattr(accounts, "_", recording_gettext)
    ask_for_link(session, "anna@test.example")
    assert languages and set(languages) == {locale}

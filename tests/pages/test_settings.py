"""The personal settings page: small forms, each a plain POST with its own message."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from core.mail import OutboxMessage
from governance.models import ApiToken, SpaceMembership, User
from governance.services import accounts, tokens

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("english")  # the English msgids, whatever the account's language


@pytest.fixture
def anna(make_user):
    return make_user("anna")


@pytest.fixture
def signed_in(login, anna):
    return login(anna)


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for url in ("/settings", "/settings/data.json", "/settings/delete"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.location.startswith("/login?next=")
    assert client.post("/settings/names", data={"display_name": "X"}).status_code == 302


def test_the_page_has_one_heading_and_a_section_for_each_setting(signed_in) -> None:
    page = signed_in.get("/settings")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    for section in ("names", "email", "password", "language", "tokens", "your-data", "delete"):
        assert f'id="{section}"' in page.text
    assert "health" in page.text  # why a pseudonym helps


def test_changing_name_and_pseudonym(signed_in, anna, session) -> None:
    answer = signed_in.post(
        "/settings/names",
        data={"display_name": "Anna Schmidt", "pseudonym": "Sonnenblume"},
        follow_redirects=True,
    )
    assert answer.status_code == 200 and "Your name and pseudonym are saved." in answer.text
    assert 'value="Sonnenblume"' in answer.text
    session.refresh(anna)
    assert anna.public_name == "Sonnenblume"


def test_a_taken_pseudonym_is_shown_again_with_what_was_typed(signed_in, make_user) -> None:
    make_user("bert", pseudonym="Sonnenblume")
    answer = signed_in.post("/settings/names", data={"display_name": "Anna S.", "pseudonym": "sonnenblume"})
    assert answer.status_code == 422
    assert "This pseudonym is already taken" in answer.text
    assert 'value="Anna S."' in answer.text and 'value="sonnenblume"' in answer.text
    assert "<title>Error:" in answer.text and 'href="#pseudonym"' in answer.text


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/settings/names", {"display_name": "x" * 121, "pseudonym": ""}, "120 characters or fewer"),
        ("/settings/names", {"display_name": "Anna", "pseudonym": "p" * 61}, "between 3 and 60 characters"),
        ("/settings/names", {"display_name": "", "pseudonym": ""}, "Enter your name"),
        ("/settings/email", {"new_email": "a" * 320 + "@x.example", "email_password": PASSWORD}, "320"),
        ("/settings/email", {"new_email": "not an address", "email_password": PASSWORD}, "right format"),
        ("/settings/tokens", {"token_name": "t" * 101}, "100 characters or fewer"),
        ("/settings/tokens", {"token_name": ""}, "Enter a name for the token"),
        ("/settings/language", {"locale": "fr"}, "Choose a language from the list"),
    ],
)
def test_bad_input_is_shown_again_with_a_reason(signed_in, url, data, message) -> None:
    answer = signed_in.post(url, data=data)
    assert answer.status_code == 422
    assert message in answer.text
    assert 'class="error-summary"' in answer.text
    for name, value in data.items():
        if value and name not in ("email_password", "locale"):
            assert f'value="{value}"' in answer.text


def test_changing_the_email_address_needs_the_current_password(signed_in, anna, session) -> None:
    wrong = signed_in.post(
        "/settings/email", data={"new_email": "anna@new.example", "email_password": "nope"}
    )
    assert wrong.status_code == 422 and "The password is not right" in wrong.text
    assert 'value="anna@new.example"' in wrong.text and 'value="nope"' not in wrong.text
    done = signed_in.post(
        "/settings/email",
        data={"new_email": "anna@new.example", "email_password": PASSWORD},
        follow_redirects=True,
    )
    assert "Your e-mail address is changed." in done.text and "anna@new.example" in done.text
    session.refresh(anna)
    assert anna.email == "anna@new.example"
    assert session.scalar(select(OutboxMessage.recipient)) == "anna@test.example"


def test_an_email_address_of_another_account_is_refused(signed_in, make_user) -> None:
    make_user("bert")
    answer = signed_in.post(
        "/settings/email", data={"new_email": "bert@test.example", "email_password": PASSWORD}
    )
    assert answer.status_code == 422 and "There is already an account with this e-mail address" in answer.text


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, signed_in, anna) -> None:
    other_device = app.test_client()
    with other_device.session_transaction() as flask_session:
        flask_session["_user_id"] = anna.get_id()
    assert other_device.get("/settings").status_code == 200

    wrong = signed_in.post(
        "/settings/password",
        data={
            "current_password": "nope",
            "new_password": "a much better one",
            "new_password_confirm": "a much better one",
        },
    )
    assert wrong.status_code == 422 and "The password is not right" in wrong.text
    assert "a much better one" not in wrong.text

    done = signed_in.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a much better one",
            "new_password_confirm": "a much better one",
        },
        follow_redirects=True,
    )
    assert done.status_code == 200 and "Your new password is saved." in done.text
    assert signed_in.get("/settings").status_code == 200
    assert other_device.get("/settings").status_code == 302


def test_a_new_password_must_be_repeated_exactly(signed_in) -> None:
    answer = signed_in.post(
        "/settings/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a much better one",
            "new_password_confirm": "other",
        },
    )
    assert answer.status_code == 422 and "The two passwords are not the same" in answer.text


@pytest.mark.parametrize("language", ["de", "en"])
def test_choosing_the_language(signed_in, anna, session, language) -> None:
    with signed_in.session_transaction() as flask_session:
        flask_session["lang"] = "de" if language == "en" else "en"
    answer = signed_in.post("/settings/language", data={"locale": language}, follow_redirects=True)
    assert answer.status_code == 200 and f'<html lang="{language}">' in answer.text
    with signed_in.session_transaction() as flask_session:
        assert flask_session["lang"] == language
    session.refresh(anna)
    assert anna.locale == language


def test_a_token_is_shown_once_then_only_its_beginning(signed_in, anna, session) -> None:
    created = signed_in.post("/settings/tokens", data={"token_name": "Nightly export"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(rr_[^"]+)"', created.text).group(1)
    assert "Copy the token now" in created.text

    page = signed_in.get("/settings")
    assert secret not in page.text
    assert "Nightly export" in page.text and secret[:10] in page.text

    token = session.scalar(select(ApiToken).where(ApiToken.user_id == anna.id))
    revoked = signed_in.post(f"/settings/tokens/{token.id}/revoke", follow_redirects=True)
    assert "The token is revoked." in revoked.text and "Nightly export" not in revoked.text
    session.refresh(token)
    assert token.revoked_at is not None


def test_a_token_cannot_manage_the_account(app, anna, session) -> None:
    _, secret = tokens.create_token(session, anna, name="script")
    script = app.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert script.get("/settings", headers=bearer).status_code == 403
    assert script.get("/settings/data.json", headers=bearer).status_code == 403
    assert script.post("/settings/tokens", data={"token_name": "another"}, headers=bearer).status_code == 403
    assert session.scalar(select(func.count(ApiToken.id))) == 1


def test_someone_elses_token_cannot_be_revoked(signed_in, make_user, session) -> None:
    bert = make_user("bert")
    token, _ = tokens.create_token(session, bert, name="bert's")
    assert signed_in.post(f"/settings/tokens/{token.id}/revoke").status_code == 404
    assert signed_in.post("/settings/tokens/999999/revoke").status_code == 404
    session.refresh(token)
    assert token.revoked_at is None


def test_downloading_ones_data(signed_in, anna) -> None:
    answer = signed_in.get("/settings/data.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="raumrat-data-')
    data = json.loads(answer.data)
    assert data["account"]["email"] == "anna@test.example"
    assert anna.password_hash not in answer.text and "password_hash" not in answer.text


def test_deleting_the_account(signed_in, anna, session, space_by_code) -> None:
    session.add(
        SpaceMembership(
            space=space_by_code("04011440"), user_id=anna.id, party="beneficiary", status="active"
        )
    )
    session.commit()
    page = signed_in.get("/settings/delete")
    assert page.status_code == 200 and page.text.count("<h1") == 1

    unticked = signed_in.post("/settings/delete", data={"password": PASSWORD})
    assert unticked.status_code == 422 and "Confirm that you want to delete your account" in unticked.text
    wrong = signed_in.post("/settings/delete", data={"password": "nope", "confirm": "y"})
    assert wrong.status_code == 422 and "The password is not right" in wrong.text

    done = signed_in.post(
        "/settings/delete", data={"password": PASSWORD, "confirm": "y"}, follow_redirects=True
    )
    assert done.status_code == 200 and "Your account is deleted." in done.text
    assert signed_in.get("/settings").status_code == 302
    session.expire_all()
    user = session.get(User, anna.id)
    assert user.email is None and user.pseudonym.startswith("Ehemaliges Mitglied")
    assert session.scalar(select(SpaceMembership.status)) == "left"
    signed_out = signed_in.post("/login", data={"email": "anna@test.example", "password": PASSWORD})
    assert signed_out.status_code == 422


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/settings/names", {"display_name": "Mallory", "pseudonym": ""}),
        ("/settings/email", {"new_email": "mallory@evil.example", "email_password": PASSWORD}),
        (
            "/settings/password",
            {"current_password": PASSWORD, "new_password": "x" * 12, "new_password_confirm": "x" * 12},
        ),
        ("/settings/language", {"locale": "en"}),
        ("/settings/tokens", {"token_name": "stolen"}),
        ("/settings/delete", {"password": PASSWORD, "confirm": "y"}),
    ],
)
def test_settings_forms_refuse_requests_without_csrf_token(
    csrf_enabled, signed_in, anna, session, url, data
) -> None:
    answer = signed_in.post(url, data=data)
    assert answer.status_code == 400
    session.refresh(anna)
    assert (anna.display_name, anna.email, anna.locale, anna.deleted_at) == (
        "Anna",
        "anna@test.example",
        "de",
        None,
    )
    assert accounts.authenticate(session, email="anna@test.example", password=PASSWORD) is not None
    assert session.scalar(select(ApiToken.id)) is None


def test_revoking_a_token_needs_a_csrf_token(csrf_enabled, signed_in, anna, session) -> None:
    token, _ = tokens.create_token(session, anna, name="script")
    assert signed_in.post(f"/settings/tokens/{token.id}/revoke").status_code == 400
    session.refresh(token)
    assert token.revoked_at is None


def test_a_settings_form_with_its_csrf_token_is_accepted(csrf_enabled, signed_in, anna, session) -> None:
    page = signed_in.get("/settings")
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = signed_in.post(
        "/settings/names", data={"display_name": "Anna S.", "pseudonym": "", "csrf_token": csrf_token}
    )
    assert answer.status_code == 302
    session.refresh(anna)
    assert anna.display_name == "Anna S."

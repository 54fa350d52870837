"""Who calls the API: personal access tokens, the browser session, and what that means for caching."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.timeutil import utcnow
from governance.models import ApiToken
from governance.services.tokens import create_token, revoke_token

ALL_URLS = [
    "/api/v1/openapi.json",
    "/api/v1/spaces",
    "/api/v1/spaces/1",
    "/api/v1/organisations",
    "/api/v1/me",
]


def _assert_token_refused(response, error: str = "invalid_token") -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == f'Bearer realm="Raumrat", error="{error}"'
    assert response.get_json()["status"] == 401


def test_a_script_with_a_token_acts_as_its_owner(client, session, make_user) -> None:
    owner = make_user("sina", display_name="Sina Script", pseudonym="Leuchtturm", locale="en")
    token, secret = create_token(session, owner, name="statistics export")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json() == {
        "id": owner.id,
        "public_name": "Leuchtturm",
        "locale": "en",
        "is_admin": False,
    }
    assert session.get(ApiToken, token.id).last_used_at is not None


def test_an_administrators_token_says_so(client, make_user, bearer) -> None:
    assert client.get("/api/v1/me", headers=bearer(make_user(admin=True))).get_json()["is_admin"] is True


@pytest.mark.parametrize("url", ALL_URLS)
def test_a_revoked_token_is_refused_even_for_public_data(client, session, make_user, url: str) -> None:
    owner = make_user()
    token, secret = create_token(session, owner, name="old laptop")
    revoke_token(session, owner, token.id)
    _assert_token_refused(client.get(url, headers={"Authorization": f"Bearer {secret}"}))


@pytest.mark.parametrize("url", ALL_URLS)
def test_the_token_of_a_deactivated_account_is_refused(client, session, make_user, bearer, url: str) -> None:
    owner = make_user()
    headers = bearer(owner)
    owner.active = False
    session.commit()
    _assert_token_refused(client.get(url, headers=headers))


def test_the_token_of_a_deleted_account_is_refused(client, session, make_user, bearer) -> None:
    owner = make_user()
    headers = bearer(owner)
    owner.deleted_at = utcnow()
    session.commit()
    _assert_token_refused(client.get("/api/v1/spaces", headers=headers))


@pytest.mark.parametrize(
    "header",
    ["Bearer rr_made-up", "Bearer ", "Bearer", "bearer rr_made-up", "Bearer rr_a rr_b"],
)
def test_a_made_up_token_is_an_error_not_anonymous(client, header: str) -> None:
    response = client.get("/api/v1/spaces", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Raumrat", error=')


def test_other_authorization_schemes_are_refused(client) -> None:
    response = client.get("/api/v1/spaces", headers={"Authorization": "Basic c2luYTpzZWNyZXQ="})
    _assert_token_refused(response, error="invalid_request")
    assert "Bearer" in response.get_json()["detail"]


def test_a_token_is_never_stored_in_clear(client, session, make_user) -> None:
    _, secret = create_token(session, make_user(), name="cron")
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored and all(secret not in value for value in stored)


def test_a_signed_in_browser_uses_its_session(client, login, make_user) -> None:
    user = make_user("bea")
    login(user)
    assert client.get("/api/v1/me").get_json()["id"] == user.id


def test_the_token_decides_even_beside_a_session_cookie(client, login, make_user, bearer) -> None:
    login(make_user("browser"))
    script_owner = make_user("script")
    assert client.get("/api/v1/me", headers=bearer(script_owner)).get_json()["id"] == script_owner.id
    _assert_token_refused(client.get("/api/v1/me", headers={"Authorization": "Bearer rr_made-up"}))


def test_without_credentials_me_asks_for_them(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Raumrat"'


def test_anonymous_public_data_may_be_cached_by_anyone(client) -> None:
    response = client.get("/api/v1/spaces/1")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers
    assert {"Authorization", "Cookie", "Accept-Language"} <= set(response.vary)


def test_answers_to_credentials_are_never_stored(client, login, make_user, bearer) -> None:
    with_token = client.get("/api/v1/spaces/1", headers=bearer(make_user()))
    assert with_token.headers["Cache-Control"] == "private, no-store"
    login(make_user())
    with_cookie = client.get("/api/v1/spaces/1")
    assert with_cookie.headers["Cache-Control"] == "private, no-store"
    for response in (with_token, with_cookie):
        assert {"Authorization", "Cookie", "Accept-Language"} <= set(response.vary)


@pytest.mark.parametrize("url", ["/api/v1/spaces/2147483647", "/api/v1/spaces?limit=0", "/api/v1/nowhere"])
def test_errors_are_not_cached_and_vary_like_answers(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code >= 400
    assert response.headers["Cache-Control"] == "no-store"
    assert {"Authorization", "Cookie", "Accept-Language"} <= set(response.vary)


@pytest.mark.parametrize("language", ["de", "en"])
def test_answers_in_the_language_the_caller_asks_for(client, language: str) -> None:
    for url in ("/api/v1/spaces/1", "/api/v1/spaces?level=planet", "/api/v1/nowhere", "/api/v1/me"):
        response = client.get(url, headers={"Accept-Language": f"{language}, fr;q=0.5"})
        assert response.headers["Content-Language"] == language


def test_a_token_answers_in_its_owners_language(client, make_user, bearer) -> None:
    response = client.get("/api/v1/spaces/1", headers=bearer(make_user(locale="en")))
    assert response.headers["Content-Language"] == "en"


def test_without_a_preference_the_answer_is_german(client) -> None:
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")  # the test client asks for English by default
    assert client.get("/api/v1/spaces/1").headers["Content-Language"] == "de"


@pytest.mark.usefixtures("csrf_enabled")
def test_a_post_is_a_405_problem_even_with_csrf_protection_on(client) -> None:
    response = client.post("/api/v1/spaces", data={"q": "x"})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"

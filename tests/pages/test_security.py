"""Security properties every page shares: headers, cookies, CSRF, rate limits, redirects, configuration."""

from __future__ import annotations

import pytest

from core.config import ConfigurationError


@pytest.mark.parametrize("url", ["/", "/spaces", "/login", "/healthz", "/api/v1/spaces", "/does-not-exist"])
def test_every_answer_carries_the_security_headers(client, url: str) -> None:
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client) -> None:
    html = client.get("/spaces").text
    assert "<script>" not in html and " on" + "click=" not in html
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in html


def test_the_session_cookie_is_http_only_and_same_site(client, make_user) -> None:
    make_user("ann", password="correct horse battery")
    response = client.post("/login", data={"email": "ann@test.example", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_without_a_csrf_token_are_refused(client, make_user, csrf_enabled) -> None:
    make_user("ann", password="correct horse battery")
    response = client.post(
        "/login",
        data={"email": "ann@test.example", "password": "correct horse battery"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "The form had expired" in response.text


def test_htmx_requests_send_the_token_as_a_header(client, make_user, login, csrf_enabled) -> None:
    login(make_user())
    page = client.get("/settings").text
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    refused = client.post("/logout")
    accepted = client.post("/logout", headers={"X-CSRFToken": token})
    assert refused.status_code == 400 and accepted.status_code == 302


def test_a_wrong_password_and_an_unknown_address_look_the_same(client, make_user) -> None:
    make_user("ann", password="correct horse battery")
    wrong_password = client.post("/login", data={"email": "ann@test.example", "password": "wrong password!"})
    unknown = client.post("/login", data={"email": "nobody@test.example", "password": "wrong password!"})
    assert wrong_password.status_code == unknown.status_code == 422
    strip = lambda html: html.replace("ann@test.example", "").replace("nobody@test.example", "")  # noqa: E731
    assert strip(wrong_password.text) == strip(unknown.text)


def test_a_deactivated_account_cannot_sign_in_and_is_told_nothing_more(client, session, make_user) -> None:
    user = make_user("ann", password="correct horse battery")
    user.active = False
    session.commit()
    response = client.post("/login", data={"email": "ann@test.example", "password": "correct horse battery"})
    assert response.status_code == 422


def test_sign_in_is_rate_limited(rate_limited_client) -> None:
    statuses = [
        rate_limited_client.post("/login", data={"email": "x@test.example", "password": "guess"}).status_code
        for _ in range(11)
    ]
    assert statuses == [422] * 10 + [429]


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/spaces", "/spaces"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_only_local_next_addresses_are_followed(client, make_user, next_url: str, expected: str) -> None:
    make_user("ann", password="correct horse battery")
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": "ann@test.example", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_production_refuses_to_start_without_a_secret_key(monkeypatch) -> None:
    from app import create_app

    monkeypatch.setenv("RAUMRAT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_refuses_to_start_while_demo_accounts_exist(app, session, monkeypatch) -> None:
    from app import create_app
    from governance.demo import seed_demo

    seed_demo(session)
    monkeypatch.setenv("RAUMRAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    with pytest.raises(ConfigurationError, match="Demo accounts"):
        create_app()


def test_seed_demo_is_refused_in_production(app, monkeypatch) -> None:
    from app import create_app

    monkeypatch.setenv("RAUMRAT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    production = create_app()
    result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "never loaded in a production" in result.output

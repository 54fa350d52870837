"""Never a 500: a sweep over every rule of the URL map with unknown ids, wrong methods and garbage bodies,
in every role; bad tokens; error pages in the reader's language; stored XSS in every text field."""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import Rule

from tests.robustness_helpers import (
    BIG_INTEGER,
    CONTROL,
    GENERIC_FIELDS,
    GENERIC_QUERY,
    HTTP_METHODS,
    HUGE_INTEGER,
    IMPOSSIBLE_DATE,
    ODD_DIGITS,
    ROLES,
    WRITE_METHODS,
    XSS,
    XSS_MEDIUM,
    XSS_SHORT,
    PageForm,
    World,
    active_content,
    allowed_methods,
    build_path,
    catching_errors,
    discover_forms,
    discover_query_names,
    form_bodies,
    json_bodies,
    new_client,
    openapi_path,
    page_paths,
    query_names,
    request_schemas,
    rules_of,
    seed_world,
    still_literal,
    unknown_values,
    xss,
)

REFUSALS = (401, 403, 404)
# Secrets in links (invitations, password resets) may say "this link is not valid" or "gone".
BAD_LINK = (400, 404, 410)


@pytest.fixture
def world(session, make_user, client) -> World:
    # ``client`` sets the test client class that new_client() relies on.
    return seed_world(session, make_user)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _answers_problem_json_under_api(path: str, response) -> bool:
    return not path.startswith("/api/") or response.mimetype == "application/problem+json"


# --- unknown ids ---------------------------------------------------------------------------------


def test_unknown_ids_answer_404_or_a_refusal_never_500(app, world: World) -> None:
    failures: list[str] = []
    for role in ROLES:
        client = new_client(app, world.users[role])
        # Numbers beyond the database's integers for the roles that get furthest into the views.
        edges = role in ("facilitator", "admin")
        with catching_errors() as errors:
            for rule in rules_of(app):
                for name in rule.arguments:
                    if name in ("collection", "code"):
                        continue  # another value names another page, not an unknown object
                    for unknown in unknown_values(rule, name, edges=edges):
                        path = build_path(rule, {**world.values_for(rule), name: unknown})
                        for method in sorted(allowed_methods(rule)):
                            errors.last = ""
                            response = client.open(path, method=method)
                            fine = _unknown_answer_is_fine(client, world, rule, name, method, response)
                            if not (fine and _answers_problem_json_under_api(path, response)):
                                failures.append(
                                    f"{role} {method} {path[:100]} -> {response.status_code} {errors.last}"
                                )
    assert not failures, "\n".join(failures)


def _unknown_answer_is_fine(
    client: FlaskClient, world: World, rule: Rule, name: str, method: str, response
) -> bool:
    status = response.status_code
    if status in REFUSALS or _is_login_redirect(response):
        return True
    if name == "token" and status in BAD_LINK:
        return True
    if status == 400:
        # The request lacks what it needs whichever object it names (a view may check that first).
        return client.open(build_path(rule, world.values_for(rule)), method=method).status_code == 400
    return False


# --- methods a rule does not allow ---------------------------------------------------------------


def _expected_titles(app, status: int) -> dict[str, str]:
    """The error page's title in each language, from the real catalogues."""
    from flask_babel import force_locale

    from core.errorpages import _titles

    titles = {}
    with app.test_request_context():
        for language in ("de", "en"):
            with force_locale(language):
                titles[language] = _titles()[status]
    assert titles["de"] != titles["en"], "the German catalogue lacks the error titles"
    return titles


def test_methods_a_rule_does_not_allow_answer_405_in_the_readers_language(app, world: World) -> None:
    adapter = app.url_map.bind("raumrat.test")
    failures: list[str] = []
    checked = 0
    for language in ("en", "de"):
        client = new_client(app, language=language)
        title = _expected_titles(app, 405)[language]
        with catching_errors() as errors:
            for rule in rules_of(app):
                path = build_path(rule, world.values_for(rule))
                for method in sorted(set(HTTP_METHODS) - allowed_methods(rule)):
                    try:
                        adapter.match(path, method=method)
                    except MethodNotAllowed:
                        pass
                    else:
                        continue  # another rule answers this method at the same address
                    checked += 1
                    errors.last = ""
                    response = client.open(path, method=method)
                    problem = _method_answer_problem(path, response, title, rule)
                    if problem:
                        failures.append(f"{language} {method} {path}: {problem} {errors.last}")
    assert checked > 400, checked
    assert not failures, "\n".join(failures)


def _method_answer_problem(path: str, response, title: str, rule: Rule) -> str:
    if response.status_code != 405:
        return f"answered {response.status_code}"
    allowed = {method.strip() for method in response.headers.get("Allow", "").split(",")}
    if not allowed_methods(rule) <= allowed:
        return f"Allow header {response.headers.get('Allow')!r}"
    if path.startswith("/api/"):
        if response.mimetype != "application/problem+json":
            return f"not problem+json but {response.mimetype}"
        body = response.get_json()
        return "" if body["status"] == 405 and body["title"] == title else f"problem {body}"
    if response.mimetype != "text/html":
        return f"not an HTML page but {response.mimetype}"
    page = response.get_data(as_text=True)
    return "" if f"<h1>{html.escape(title)}</h1>" in page else "page not in the reader's language"


# --- garbage bodies ----------------------------------------------------------------------------

# Actions that end the signed-in person's session or change their membership go last, so the rest runs in
# their role (accepting an invitation gives anyone who holds the link the invitation's role).
GOES_LAST = (
    "accounts.logout", "settings.delete_account", "memberships.leave", "organisations.leave",
    "memberships.accept_invitation", "memberships.decline_invitation",
)  # fmt: skip


def _write_requests(app, world: World, forms: dict[str, list[PageForm]], document: dict):
    """(endpoint, method, path, what, request keyword arguments, form or None) for every write rule."""
    schemas = request_schemas(document)
    rules = sorted(
        (rule for rule in rules_of(app) if allowed_methods(rule) & set(WRITE_METHODS)),
        key=lambda rule: (rule.endpoint in GOES_LAST, rule.rule),
    )
    for rule in rules:
        for values in world.all_values_for(rule):
            path = build_path(rule, values)
            for method in sorted(allowed_methods(rule) & set(WRITE_METHODS)):
                if path.startswith("/api/"):
                    schema = schemas[(method, openapi_path(rule))]
                    for what, body in json_bodies(document, schema):
                        yield rule.endpoint, method, path, what, body, None
                    continue
                page_forms = forms.get(path, [])
                fields = [field for form in page_forms for field in form.fields] or GENERIC_FIELDS
                for what, body in form_bodies(fields):
                    yield rule.endpoint, method, path, what, body, None
                for form in (form for form in page_forms if form.text_fields()):
                    typed = form.typed_submission()
                    yield rule.endpoint, method, path, "typed text", {"data": typed}, form
                    if form.htmx:  # the fragment htmx gets back must keep what was typed too
                        htmx = {"data": typed, "headers": {"HX-Request": "true"}}
                        yield rule.endpoint, method, path, "typed text, by htmx", htmx, form


ACCEPTED_REFUSALS = (400, 401, 403, 404, 409, 410, 413, 422)


@pytest.mark.parametrize("role", ROLES)
def test_garbage_bodies_answer_a_4xx_never_500(app, world: World, role: str) -> None:
    user = world.users[role]
    client = new_client(app, user)
    signed_in = client.get_cookie("session", domain="raumrat.test")
    assert (signed_in is None) == (user is None)
    forms = discover_forms(client, app, world)
    document = client.get("/api/v1/openapi.json").get_json()
    failures: list[str] = []
    echoed = 0
    with catching_errors() as errors:
        for endpoint, method, path, what, body, form in _write_requests(app, world, forms, document):
            if signed_in is not None:
                # Whatever the last request did to the session (signed out, flashed messages).
                client.set_cookie("session", signed_in.value, domain="raumrat.test")
            errors.last = ""
            response = client.open(path, method=method, **body)
            problem = _garbage_answer_problem(role, endpoint, response)
            if not problem and form is not None and response.status_code == 422:
                problem = _lost_values(form, body["data"], response.get_data(as_text=True))
                echoed += not problem
            if problem:
                failures.append(f"{role} {method} {path} ({what}): {problem} {errors.last}")
    if role in ("facilitator", "admin"):
        assert echoed >= 5, "too few re-shown forms were checked for the values typed"
    assert not failures, "\n".join(failures)


def _garbage_answer_problem(role: str, endpoint: str, response) -> str:
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    refused = status in ACCEPTED_REFUSALS or _is_login_redirect(response)
    if role == "anonymous" and endpoint != "accounts.logout" and not refused:
        return f"anonymous got {status}"
    if status == 200 and response.mimetype == "text/html" and 'id="error-summary"' in response.text:
        return "a re-shown form with errors answered 200, not 422"
    return ""


def _lost_values(form: PageForm, sent: dict[str, str], page: str) -> str:
    """Typed values (other than passwords) a re-shown form must show again."""
    lost = [f.name for f in form.text_fields() if html.escape(sent[f.name]) not in page]
    return f"typed values lost: {lost}" if lost else ""


def test_a_failed_database_statement_still_gets_the_500_page_in_the_readers_language(
    app, session, make_user, client, monkeypatch
) -> None:
    from governance.models import SpaceMembership
    from governance.services import spaces

    def failing_flush(db_session):
        db_session.add(SpaceMembership())  # no space, no user: the database refuses the row
        db_session.flush()

    monkeypatch.setattr(spaces, "space_tree", failing_flush)
    # The page needs the user's language, so the session must work again after the failed statement.
    response = new_client(app, make_user("greta", locale="de"), language="en").get("/spaces")
    assert response.status_code == 500
    assert f"<h1>{html.escape(_expected_titles(app, 500)['de'])}</h1>" in response.text


# --- garbage in query strings --------------------------------------------------------------------

QUERY_GARBAGE = {
    "control characters": CONTROL,
    "huge integers": HUGE_INTEGER,
    "big integers": BIG_INTEGER,
    "odd digits": ODD_DIGITS,
    "negative numbers": "-1",
    "impossible dates": IMPOSSIBLE_DATE,
    "overlong": "x" * 5_000,
}
# Slow to make and without query parameters.
NO_QUERY = {"static", "exports.version_pdf"}


def test_garbage_in_query_strings_never_answers_500(app, world: World) -> None:
    """The administrator sees the most pages and gets every garbage value in every parameter a page
    is known to read; anonymous visitors (whose pages may come from the cache) a sample of them."""
    failures: list[str] = []
    checked: set[str] = set()
    for role, thorough in (("admin", True), ("anonymous", False)):
        client = new_client(app, world.users[role])
        known = discover_query_names(client, app, world)
        api_queries = query_names(client.get("/api/v1/openapi.json").get_json())
        with catching_errors() as errors:
            for rule in rules_of(app):
                if rule.endpoint in NO_QUERY:
                    continue
                for values in world.all_values_for(rule):
                    path = build_path(rule, values)
                    # Page links appear only when there is more than one page: "page" is always tried.
                    names = known.get(path, set()) | api_queries.get(openapi_path(rule), set()) | {"page"}
                    api = path.startswith("/api/")
                    for method in sorted(allowed_methods(rule) & ({"GET", "DELETE"} if api else {"GET"})):
                        for what, query in _garbage_queries(names, thorough):
                            errors.last = ""
                            response = client.open(path, method=method, query_string=query)
                            if response.status_code >= 500:
                                status = response.status_code
                                failures.append(f"{role} {method} {path} ({what}): {status} {errors.last}")
                        checked.update(names)
    assert {"q", "page", "from", "to", "limit", "offset"} <= checked, checked
    assert not failures, "\n".join(failures)


def _garbage_queries(names: set[str], thorough: bool):
    """Every garbage value in every parameter the page reads, or one request with a different garbage
    value in each (also in parameters no page reads)."""
    for what, value in QUERY_GARBAGE.items() if thorough else ():
        yield what, dict.fromkeys(names, value)
    values = list(QUERY_GARBAGE.values())
    every_name = dict.fromkeys([*sorted(names), *GENERIC_QUERY])
    yield "assorted", {name: values[i % len(values)] for i, name in enumerate(every_name)}


# --- bad tokens --------------------------------------------------------------------------------

CSRF_MESSAGE = (
    "The form had expired or did not come from this site. Please go back, reload the page and send it again."
)


def _translated(app, message: str, language: str) -> str:
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(language):
        return gettext(message)


def _german_user(session, world: World):
    from governance.models import User

    # A demo account that reads German (Accept-Language says English: the account's choice wins).
    return session.query(User).filter_by(email="beneficiary@example.org").one()


def test_garbage_csrf_tokens_answer_400_in_the_readers_language(
    app, session, world: World, csrf_enabled
) -> None:
    assert _translated(app, CSRF_MESSAGE, "de") != CSRF_MESSAGE
    other_session_token = _token_of_another_session(app)
    readers = [
        ("anonymous, English", None, "en", "en"),
        ("anonymous, German", None, "de", "de"),
        ("facilitator (English)", world.users["facilitator"], "de", "en"),
        ("member (German)", _german_user(session, world), "en", "de"),
    ]
    attempts = [
        ("garbage form token", {"data": {"csrf_token": "garbage"}}),
        ("another session's token", {"data": {"csrf_token": other_session_token}}),
        ("garbage header token", {"data": {}, "headers": {"X-CSRFToken": "x" * 5000}}),
    ]
    failures: list[str] = []
    for (reader, user, accept, language), (what, request) in itertools.product(readers, attempts):
        client = new_client(app, user, language=accept)
        message = _translated(app, CSRF_MESSAGE, language)
        for rule in rules_of(app):
            for method in sorted(allowed_methods(rule) & set(WRITE_METHODS)):
                path = build_path(rule, world.values_for(rule))
                response = client.open(path, method=method, **request)
                if response.status_code != 400:
                    failures.append(f"{reader}, {what}: {method} {path} answered {response.status_code}")
                elif path.startswith("/api/"):
                    body = response.get_json()
                    if response.mimetype != "application/problem+json" or body["detail"] != message:
                        failures.append(f"{reader}, {what}: {method} {path} problem {body}")
                elif html.escape(message) not in response.text or f'lang="{language}"' not in response.text:
                    failures.append(f"{reader}, {what}: {method} {path} not the message in {language}")
    assert not failures, "\n".join(failures)


def _token_of_another_session(app) -> str:
    page = new_client(app).get("/login").text
    return page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]


def test_garbage_bearer_tokens_answer_401_problem_json_on_every_api_address(
    app, session, world: World
) -> None:
    from governance.services import tokens

    revoked = world.users["user"]
    revoked_token, revoked_secret = tokens.create_token(session, revoked, name="Alt")
    tokens.revoke_token(session, revoked, revoked_token.id)
    headers = {
        "garbage": "Bearer garbage",
        "right prefix, wrong secret": "Bearer rr_" + "x" * 40,
        "overlong": "Bearer " + "x" * 10_000,
        "non-ASCII": "Bearer rr_äöü",
        "control characters": "Bearer rr_\x01\x7f",
        "empty": "Bearer ",
        "revoked": f"Bearer {revoked_secret}",
        "another scheme": "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
    }
    failures: list[str] = []
    titles = _expected_titles(app, 401)
    # A session cookie beside the header changes nothing: the header decides alone.
    callers = [(new_client(app, language="de"), "de"), (new_client(app, world.users["admin"]), "en")]
    api_rules = [rule for rule in rules_of(app) if rule.rule.startswith("/api/")]
    for rule, (client, language) in itertools.product(api_rules, callers):
        path = build_path(rule, world.values_for(rule))
        title = titles[language]
        for (what, header), method in itertools.product(headers.items(), sorted(allowed_methods(rule))):
            response = client.open(path, method=method, headers={"Authorization": header}, json={})
            body = response.get_json(silent=True) or {}
            if (
                response.status_code != 401
                or response.mimetype != "application/problem+json"
                or not response.headers.get("WWW-Authenticate", "").startswith("Bearer")
                or body.get("title") != title
            ):
                failures.append(f"{what}: {method} {path} answered {response.status_code} {body}")
    assert not failures, "\n".join(failures)


def _h1(page: str) -> str:
    return html.unescape(page.split("<h1>", 1)[1].split("</h1>", 1)[0]).strip() if "<h1>" in page else ""


def test_garbage_password_reset_links_answer_400_or_410_in_the_readers_language(
    app, session, world: World, monkeypatch
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from governance.services.accounts import make_reset_token

    user = world.users["user"]
    secret = app.config["SECRET_KEY"]
    links = {
        "garbage": "garbage",
        "overlong": "x" * 301,
        "control characters": "a\x01b",
        "signed with another key": URLSafeTimedSerializer("another key", salt="x").dumps({"user": user.id}),
        "tampered": make_reset_token(user.id, user.session_version, secret_key=secret)[:-2] + "xx",
        "used": make_reset_token(user.id, user.session_version + 1, secret_key=secret),
        "expired": make_reset_token(user.id, user.session_version, secret_key=secret),
    }
    monkeypatch.setitem(app.config, "PASSWORD_RESET_SECONDS", -1)  # every link is too old now
    failures = []
    for language in ("de", "en"):
        client = new_client(app, language=language)
        title = _translated(app, "This link does not work", language)
        for (what, token), method in itertools.product(links.items(), ("GET", "POST")):
            path = f"/reset-password/{quote(token, safe='')}"
            data = {"password": "a new long password", "confirm": "a new long password"}
            response = client.open(path, method=method, data=data)
            # 410 for links that worked once (expired, used), 400 for links that never did.
            if response.status_code not in (400, 410) or _h1(response.text) != title:
                failures.append(f"{language} {what} {method}: {response.status_code} {_h1(response.text)!r}")
    assert _translated(app, "This link does not work", "de") != "This link does not work"
    assert not failures, "\n".join(failures)


def test_garbage_invitation_links_answer_404_or_410_in_the_readers_language(
    app, session, world: World
) -> None:
    from datetime import timedelta

    from core.timeutil import utcnow
    from governance.models import Invitation
    from governance.services import memberships

    def invitation(email: str, **changes) -> str:
        found, token = memberships.invite(
            session, world.users["facilitator"], world.ids["space_id"], email=email, role="observer"
        )
        for name, value in changes.items():
            setattr(session.get(Invitation, found.id), name, value)
        session.commit()
        return token

    now = utcnow()
    links = {
        "garbage": ("garbage", "Page not found"),
        "overlong": ("x" * 5_000, "Page not found"),
        "control characters": ("a\x01b", "Page not found"),
        "revoked": (invitation("r@test.example", revoked_at=now), "This invitation is no longer valid"),
        "expired": (
            invitation("e@test.example", expires_at=now - timedelta(days=1)),
            "This invitation has expired",
        ),
        "used": (invitation("u@test.example", accepted_at=now), "This invitation has already been used"),
    }
    failures = []
    for language, user in itertools.product(("de", "en"), (None, world.users["user"])):
        client = new_client(app, user, language=language)
        if user is not None:
            user.locale = language
            session.commit()
        for what, (token, title) in links.items():
            expected = _translated(app, title, language)
            for method, action in (("GET", ""), ("POST", "/accept"), ("POST", "/decline")):
                response = client.open(f"/invitations/{quote(token, safe='')}{action}", method=method)
                if response.status_code not in (404, 410) or _h1(response.text) != expected:
                    failures.append(
                        f"{language} {what} {method}{action} signed in={user is not None}: "
                        f"{response.status_code} {_h1(response.text)!r}"
                    )
    assert not failures, "\n".join(failures)


# --- error pages in the reader's language ------------------------------------------------------


def _error_requests(world: World) -> list[tuple[str, int, object, str, dict]]:
    """(what, status, who, path, request keyword arguments) of a sample of error pages."""
    space, draft = world.ids["space_id"], world.ids["draft"]["agreement_id"]
    return [
        ("unknown page", 404, None, "/no-such-page", {}),
        ("unknown space", 404, "user", "/spaces/999999", {}),
        ("unknown API object", 404, None, "/api/v1/spaces/999999", {}),
        ("members page for strangers", 401, None, f"/spaces/{space}/members/manage", {}),
        ("site administration", 403, "user", "/admin", {}),
        ("API as a stranger", 403, "user", f"/api/v1/agreements/{draft}/draft", {}),
        ("wrong method", 405, None, "/logout", {"method": "GET"}),
        ("wrong method in the API", 405, None, "/api/v1/spaces", {"method": "POST"}),
        ("too large", 413, None, "/login", {"method": "POST", "data": {"email": "x" * 3_000_000}}),
    ]


def test_error_pages_speak_the_readers_language(app, session, world: World) -> None:
    failures = []
    samples = itertools.product(_error_requests(world), ("de", "en"))
    for (what, status, who, path, request), language in samples:
        user = world.users[who] if who else None
        if user is not None:
            user.locale = language  # a signed-in reader's own choice decides
            session.commit()
        client = new_client(app, user, language="en" if user is not None else language)
        response = client.open(path, **{"method": "GET", **request})
        title = _expected_titles(app, status)[language]
        if path.startswith("/api/"):
            shown = (response.get_json(silent=True) or {}).get("title")
        else:
            shown = _h1(response.text) if f'lang="{language}"' in response.text else "(another language)"
        if response.status_code != status or shown != title:
            answer = f"{response.status_code} {shown!r}"
            failures.append(f"{what} ({language}): {answer}, expected {status} {title!r}")
    assert not failures, "\n".join(failures)


def test_a_refused_form_and_too_many_attempts_speak_the_readers_language(app, rate_limited_client) -> None:
    wrong = {"email": "nobody@test.example", "password": "wrong password!"}

    def sign_in_attempt(language: str):
        with rate_limited_client.session_transaction() as flask_session:
            flask_session["lang"] = language
        return rate_limited_client.post("/login", data=wrong)

    for language in ("de", "en"):
        refused = sign_in_attempt(language)
        assert refused.status_code == 422
        assert _translated(app, "There is a problem", language) in refused.text
    statuses = [sign_in_attempt("en").status_code for _ in range(9)]
    assert statuses[-1] == 429
    for language in ("de", "en"):
        too_many = sign_in_attempt(language)
        assert too_many.status_code == 429
        assert _h1(too_many.text) == _expected_titles(app, 429)[language]


# --- stored XSS ----------------------------------------------------------------------------------


def _store_xss_everywhere(app, session, world: World) -> tuple[dict[str, str], dict[str, str], dict]:
    """Payloads in every text field people fill in, through the real forms (and services for the
    sections and status steps). Returns marker -> field, extra pages that show them, and the clients
    that stored them (their next page shows the flashed confirmations, which name what was stored)."""
    from sqlalchemy import select

    from agreements.services import drafts, lifecycle, versions
    from agreements.services.snapshots import BUDGET_FIELDS, INDICATOR_FIELDS, SectionContent
    from governance.models import Organisation, Space, SpaceMembership, User

    fields: dict[str, str] = {}

    def payload(field: str, text: str = XSS) -> str:
        marker = f"xss{len(fields):02d}"
        fields[marker] = field
        return xss(marker, text)

    facilitator, admin = world.users["facilitator"], world.users["admin"]
    space = world.ids["space_id"]
    person = session.scalar(select(User).where(User.email == "requester@test.example"))
    as_person, as_admin = new_client(app, person), new_client(app, admin)
    as_facilitator = new_client(app, facilitator)

    def sent(response) -> None:
        problems = re.findall(r'class="error-message"[^>]*>(.*?)</p>', response.text, re.S)
        assert response.status_code in (302, 303), (response.status_code, problems)

    sent(as_person.post("/settings/names", data={
        "display_name": payload("display name", XSS_MEDIUM), "pseudonym": payload("pseudonym", XSS_SHORT),
    }))  # fmt: skip
    session.query(SpaceMembership).filter_by(user_id=person.id).delete()  # the world's request is decided
    session.commit()
    sent(as_person.post(f"/spaces/{space}/join", data={
        "party": "beneficiary", "message": payload("join message"),
    }))  # fmt: skip
    refused = as_admin.post("/organisations/new", data={
        "name": "Skript", "kind": "provider", "website": "javascript:alert(1)",
    })  # fmt: skip
    assert refused.status_code == 422, "a javascript: address is no website"
    sent(as_admin.post("/organisations/new", data={
        "name": payload("organisation name"), "kind": "provider",
        "description": payload("organisation description"),
        "website": f"https://example.org/{fields and 'xss'}\"><svg/onload=alert(1)>",
    }))  # fmt: skip
    organisation = session.scalar(select(Organisation).order_by(Organisation.id.desc()))
    units = session.scalars(select(Space.id).where(Space.code.in_(("04011440", "04011430")))).all()
    sent(as_admin.post("/spaces/new-group", data={
        "name": payload("space group name"), "description": payload("space group description"),
        "units": units,
    }))  # fmt: skip
    group = session.scalar(select(Space).where(Space.code.is_(None)).order_by(Space.id.desc()))
    framework = as_admin.post("/frameworks/new", data={
        "title": payload("framework title"), "preamble": payload("framework preamble"),
    })  # fmt: skip
    sent(framework)
    framework_id = int(framework.headers["Location"].split("/frameworks/", 1)[1].split("/", 1)[0])
    drafts.add_section(session, admin, framework_id, SectionContent(
        kind="goal", title=payload("framework section title"), body=payload("framework section body"),
    ))  # fmt: skip
    versions.publish_version(session, admin, framework_id, change_summary=payload("framework change summary"))
    created = as_facilitator.post(f"/spaces/{space}/agreements/new", data={
        "title": payload("agreement title"), "preamble": payload("agreement preamble"),
    })  # fmt: skip
    sent(created)
    agreement_id = int(created.headers["Location"].split("/agreements/", 1)[1].split("/", 1)[0])
    standard = SectionContent(
        kind="quality_standard", title=payload("section title"), body=payload("section body"),
        plain_language=payload("plain language"),
        indicators=[{name: payload(f"indicator {name}") for name in INDICATOR_FIELDS}],
    )  # fmt: skip
    financing = SectionContent(
        kind="financing", title="Budget", body="",
        budget_lines=[{
            name: 1000 if name == "amount_euros" else payload(f"budget line {name}") for name in BUDGET_FIELDS
        }],
    )  # fmt: skip
    section = drafts.add_section(session, facilitator, agreement_id, standard)
    drafts.add_section(session, facilitator, agreement_id, financing)
    drafts.set_parties(session, facilitator, agreement_id, [(organisation.id, "provider")])
    versions.publish_version(session, facilitator, agreement_id, change_summary=payload("change summary"))
    changed = dataclasses.replace(standard, body=standard.body + "\n\n" + payload("changed section body"))
    drafts.update_section(
        session, facilitator, agreement_id, section.key,
        base_revision=section.revision, base=standard, mine=changed,
    )  # fmt: skip
    versions.publish_version(session, facilitator, agreement_id, change_summary="Zweite Fassung")
    note = payload("status note")
    lifecycle.change_status(session, facilitator, agreement_id, "start_negotiation", note=note)
    # The world's pages now name these objects.
    request = session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == person.id))
    world.ids.update(document_id=agreement_id, agreement_id=agreement_id, organisation_id=organisation.id)
    world.ids["draft"] = {"document_id": agreement_id, "agreement_id": agreement_id, "key": section.key}
    world.overrides["memberships.request_detail"] = {"membership_id": request.id}
    extra = {
        "group": f"/spaces/{group.id}",
        "framework": f"/frameworks/{framework_id}",
        "framework version": f"/frameworks/{framework_id}/versions/1",
        "framework draft": f"/frameworks/{framework_id}/draft",
        "comparison": f"/agreements/{agreement_id}/compare?from=1&to=2",
        "side by side": f"/agreements/{agreement_id}/compare?from=1&to=2&view=side",
        "portal search": "/portal?q=xss",
        "space search": "/spaces?q=xss",
        "organisation search": "/organisations?q=xss",
        "user search": "/admin/users?q=xss",
    }
    clients = {"facilitator": as_facilitator, "admin": as_admin, "requester": as_person}
    return fields, extra, clients


def test_stored_scripts_come_out_escaped_on_every_page(app, session, world: World) -> None:
    fields, extra, clients = _store_xss_everywhere(app, session, world)
    readers = {"anonymous": new_client(app), **clients}
    pages = [*page_paths(app, world), *extra.values()]
    failures: list[str] = []
    shown: set[str] = set()
    for reader, client in readers.items():
        for path in pages:
            response = client.get(path)
            if response.mimetype not in ("text/html", "application/atom+xml"):
                assert "html" not in response.mimetype, (path, response.mimetype)
                continue
            page = response.get_data(as_text=True)
            for found in sorted(set(active_content(page))):
                failures.append(f"{reader} {path}: {found}")
            for marker in fields:
                if marker in page:
                    shown.add(marker)
                    if not still_literal(marker, page):
                        failures.append(f"{reader} {path}: {fields[marker]} was evaluated or mangled")
    never_shown = sorted(fields[marker] for marker in set(fields) - shown)
    assert not never_shown, f"these fields were shown on no page, so nothing was checked: {never_shown}"
    assert not failures, "\n".join(failures)

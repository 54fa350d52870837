"""Never a 500: a sweep over every rule of the URL map with unknown ids, wrong methods and garbage bodies,
in every role; bad tokens; error pages in the reader's language; stored XSS in every text field."""

from __future__ import annotations

import html
import itertools

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
    PageForm,
    World,
    allowed_methods,
    build_path,
    catching_errors,
    discover_forms,
    discover_query_forms,
    form_bodies,
    json_bodies,
    new_client,
    openapi_path,
    query_names,
    request_schemas,
    rules_of,
    seed_world,
    sign_in,
    unknown_values,
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


def test_unknown_ids_answer_404_or_a_refusal_never_500(app, world: World) -> None:
    failures: list[str] = []
    for role in ROLES:
        client = new_client(app, world.users[role])
        with catching_errors() as errors:
            for rule in rules_of(app):
                for name in rule.arguments:
                    if name in ("collection", "code"):
                        continue  # another value names another page, not an unknown object
                    for unknown in unknown_values(rule, name):
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


# --- (b) methods a rule does not allow ---------------------------------------------------------------


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


# --- (c) garbage bodies ----------------------------------------------------------------------------

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
                    typed = {"data": form.typed_submission()}
                    yield rule.endpoint, method, path, "typed text", typed, form


ACCEPTED_REFUSALS = (400, 401, 403, 404, 409, 410, 413, 422)


@pytest.mark.parametrize("role", ROLES)
def test_garbage_bodies_answer_a_4xx_never_500(app, world: World, role: str) -> None:
    user = world.users[role]
    client = new_client(app, user)
    login_id = user.get_id() if user else None
    forms = discover_forms(client, app, world)
    document = client.get("/api/v1/openapi.json").get_json()
    failures: list[str] = []
    echoed = 0
    with catching_errors() as errors:
        for endpoint, method, path, what, body, form in _write_requests(app, world, forms, document):
            if login_id:
                sign_in(client, login_id)  # whatever the last request did to the session
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


# --- (c') garbage in query strings -----------------------------------------------------------------

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


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_garbage_in_query_strings_never_answers_500(app, world: World, role: str) -> None:
    client = new_client(app, world.users[role])
    search_forms = discover_query_forms(client, app, world)
    api_queries = query_names(client.get("/api/v1/openapi.json").get_json())
    failures: list[str] = []
    with catching_errors() as errors:
        for rule in rules_of(app):
            if rule.endpoint in NO_QUERY:
                continue
            for values in world.all_values_for(rule):
                path = build_path(rule, values)
                names = search_forms.get(path, set()) | api_queries.get(openapi_path(rule), set())
                names |= set(GENERIC_QUERY)
                methods = allowed_methods(rule) & ({"GET", "DELETE"} if path.startswith("/api/") else {"GET"})
                for method, (what, value) in itertools.product(sorted(methods), QUERY_GARBAGE.items()):
                    errors.last = ""
                    response = client.open(path, method=method, query_string=dict.fromkeys(names, value))
                    if response.status_code >= 500:
                        status = response.status_code
                        failures.append(f"{role} {method} {path} ({what}): {status} {errors.last}")
    assert not failures, "\n".join(failures)

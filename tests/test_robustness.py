"""Never a 500: a sweep over every rule of the URL map with unknown ids, wrong methods and garbage bodies,
in every role; bad tokens; error pages in the reader's language; stored XSS in every text field."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.robustness_helpers import (
    ROLES,
    World,
    allowed_methods,
    build_path,
    catching_errors,
    new_client,
    rules_of,
    seed_world,
    unknown_values,
)

REFUSALS = (401, 403, 404)
# Secrets in links (invitations, password resets) may say "this link is not valid" or "gone".
BAD_LINK = (400, 404, 410)


@pytest.fixture
def world(session, make_user) -> World:
    return seed_world(session, make_user)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _answers_problem_json_under_api(path: str, response) -> bool:
    return not path.startswith("/api/") or response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", ROLES)
def test_unknown_ids_answer_404_or_a_refusal_never_500(app, world: World, role: str) -> None:
    client = new_client(app, world.users[role])
    failures: list[str] = []
    with catching_errors() as errors:
        for rule in rules_of(app):
            for name in rule.arguments:
                if name in ("collection", "code"):
                    continue  # a different value names another page, not an unknown object
                for unknown in unknown_values(rule, name):
                    path = build_path(rule, {**world.values_for(rule), name: unknown})
                    for method in sorted(allowed_methods(rule)):
                        errors.last = ""
                        response = client.open(path, method=method)
                        if _unknown_answer_is_fine(client, world, rule, name, method, response):
                            if _answers_problem_json_under_api(path, response):
                                continue
                        failures.append(f"{role} {method} {path[:100]} -> {response.status_code} {errors.last}")
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

"""Shared pieces of the robustness sweep: a seeded world with real ids, URLs built from the URL map,
form discovery by parsing pages, and a log catcher that tells why a request answered 500."""

from __future__ import annotations

import html as html_module
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

ROLES = ("anonymous", "user", "facilitator", "admin")
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")


# --- a world with real ids -------------------------------------------------------------------------


@dataclass
class World:
    """Demo data plus the objects the demo leaves out (a pending request, an invitation, a token)."""

    users: dict[str, Any]
    ids: dict[str, Any]
    # Per endpoint, arguments that must name a particular object (e.g. a pending request to approve).
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    bearer: str = ""

    def values_for(self, rule: Rule, collection: str = "agreements") -> dict[str, Any]:
        """Real values for the rule's arguments: the demo agreement, or the framework."""
        values: dict[str, Any] = {}
        for name in rule.arguments:
            values[name] = collection if name == "collection" else self.ids[name]
        if values.get("collection") == "frameworks" or "framework_id" in values:
            values.update({k: v for k, v in self.ids["framework"].items() if k in values})
        elif "/draft" in rule.rule:
            # The demo agreement is in force; its draft is edited only in review. This one is a draft.
            values.update({k: v for k, v in self.ids["draft"].items() if k in values})
        values.update({k: v for k, v in self.overrides.get(rule.endpoint, {}).items() if k in values})
        return values

    def all_values_for(self, rule: Rule) -> list[dict[str, Any]]:
        converter = rule._converters.get("collection")
        if isinstance(converter, AnyConverter):
            return [self.values_for(rule, collection) for collection in sorted(converter.items)]
        return [self.values_for(rule)]


AMENDMENT_ENDPOINTS = [
    f"amendments.{name}"
    for name in ("index", "new", "show", "withdraw", "put_to_vote", "reject", "accept", "resolve")
]


def _negotiated_agreement_with_amendment(session, facilitator, space_id: int) -> int:
    """An agreement in negotiation with amendment A 1, so the sweep reaches the amendment forms."""
    from agreements.services import drafts, lifecycle, versions
    from agreements.services.snapshots import SectionContent
    from amendments.services import amendments

    agreement = drafts.create_agreement(session, facilitator, space_id=space_id, title="Verhandlung Quartier")
    section = drafts.add_section(
        session, facilitator, agreement.id, SectionContent(kind="rule", title="Treffen", body="Monatlich.")
    )
    versions.publish_version(session, facilitator, agreement.id, change_summary="Erste Fassung")
    lifecycle.change_status(session, facilitator, agreement.id, "start_negotiation")
    amendments.propose(
        session, facilitator, agreement.id, kind="change", section_key=section.key, title="Treffen",
        body="Wöchentlich.", rationale="Öfter.",
    )  # fmt: skip
    return agreement.id


def seed_world(session, make_user) -> World:
    from agreements.demo import seed_agreements
    from agreements.models import Document, DraftSection
    from agreements.services import drafts
    from agreements.services.snapshots import SectionContent
    from governance.demo import seed_demo
    from governance.models import OrganisationMember, Space, SpaceMembership, User
    from governance.services import memberships, tokens
    from tests.decisions_data import decisions_world
    from tests.notify_data import robustness_ids

    seed_demo(session)
    seed_agreements(session)
    by_email = {user.email: user for user in session.scalars(select(User))}
    space = session.scalar(select(Space).where(Space.code == "04011440"))
    facilitator = by_email["facilitator@example.org"]
    admin = by_email["admin@example.org"]
    # Demo accounts read German; the sweep reads the English msgids unless a test asks otherwise.
    for user in (facilitator, admin):
        user.locale = "en"
    ordinary, victim, requester, second_facilitator = (
        make_user(name, locale="en") for name in ("ordinary", "victim", "requester", "fiona")
    )
    session.add(SpaceMembership(space=space, user=second_facilitator, role="facilitator", status="active"))
    session.commit()
    pending = memberships.request_to_join(
        session, requester, space.id, party="civil_society", message="Hallo"
    )
    invitation, invitation_token = memberships.invite(
        session, facilitator, space.id, email="invited@test.example", role="member", party="beneficiary"
    )
    api_token, bearer = tokens.create_token(session, ordinary, name="Skript")
    draft = drafts.create_agreement(session, facilitator, space_id=space.id, title="Entwurf Quartier")
    drafts.add_section(session, facilitator, draft.id, SectionContent(
        kind="quality_standard", title="Beratung", body="Schnell.",
        indicators=[{"name": "Wartezeit", "unit": "Tage", "baseline": "15", "target": "10"}],
    ))  # fmt: skip
    drafts.add_section(session, facilitator, draft.id, SectionContent(
        kind="financing", title="Budget", budget_lines=[{"label": "Treff", "amount_euros": 1000}],
    ))  # fmt: skip
    agreement = session.scalar(
        select(Document).where(Document.kind == "agreement", Document.id != draft.id).order_by(Document.id)
    )
    framework = session.scalar(select(Document).where(Document.kind == "framework"))

    def first_key(document: Document) -> str:
        return session.scalar(
            select(DraftSection.key)
            .where(DraftSection.document_id == document.id)
            .order_by(DraftSection.position)
        )

    observer_membership = session.scalar(
        select(SpaceMembership).where(SpaceMembership.user_id == by_email["observer@example.org"].id)
    )
    facilitator_membership = session.scalar(
        select(SpaceMembership).where(SpaceMembership.user_id == second_facilitator.id)
    )
    org_member = session.scalar(
        select(OrganisationMember).where(OrganisationMember.user_id == by_email["advocate@example.org"].id)
    )
    negotiated = _negotiated_agreement_with_amendment(session, facilitator, space.id)
    framework_ids = {
        "document_id": framework.id,
        "framework_id": framework.id,
        "key": first_key(framework),
        "number": 1,
    }
    draft_ids = {"document_id": draft.id, "agreement_id": draft.id, "key": first_key(draft)}
    ids = {
        "draft": draft_ids,
        "space_id": space.id,
        "document_id": agreement.id,
        "agreement_id": agreement.id,
        "framework_id": framework.id,
        "number": 1,
        "key": first_key(agreement),
        "membership_id": observer_membership.id,
        "invitation_id": invitation.id,
        "token": invitation_token,
        "token_id": api_token.id,
        "user_id": victim.id,
        "organisation_id": org_member.organisation_id,
        "member_id": org_member.id,
        "code": "en",
        "filename": "css/raumrat.css",
        "framework": framework_ids,
        "motion_id": decisions_world(session, facilitator, space),
    }
    ids |= robustness_ids(session, space=space, agreement=agreement, author=victim, moderator=facilitator)
    overrides = {
        "memberships.approve": {"membership_id": pending.id},
        "memberships.decline": {"membership_id": pending.id},
        "memberships.request_detail": {"membership_id": pending.id},
        "memberships.remove_facilitator": {"membership_id": facilitator_membership.id},
        **{endpoint: {"document_id": negotiated} for endpoint in AMENDMENT_ENDPOINTS},
    }
    users = {"anonymous": None, "user": ordinary, "facilitator": facilitator, "admin": admin}
    from tests.participation_data import robustness_ids

    for name, value in robustness_ids(session, agreement, by_email["beneficiary@example.org"]).items():
        ids.setdefault(name, value)
    return World(users=users, ids=ids, overrides=overrides, bearer=bearer)


# --- URLs from the URL map -------------------------------------------------------------------------


def rules_of(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def build_path(rule: Rule, values: dict[str, Any]) -> str:
    built = rule.build(values, append_unknown=False)
    assert built is not None, (rule.rule, values)
    return built[1]


def unknown_values(rule: Rule, name: str, *, edges: bool = True) -> list[Any]:
    """Values naming nothing: ids that do not exist, and (with ``edges``) ids out of range or negative
    and overlong strings."""
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        values: list[Any] = [999_999]
        if edges:
            values += [0, 2**63, *([-1] if converter.signed else [])]
        return values
    if name == "filename":
        return ["does-not-exist.css"]
    return ["does-not-exist", *(["x" * 300] if edges else [])]


def openapi_path(rule: Rule) -> str:
    """/api/v1/spaces/<int:space_id>/agreements -> /spaces/{space_id}/agreements"""
    return re.sub(r"<(?:[^>]*:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))


def allowed_methods(rule: Rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


# --- signing in --------------------------------------------------------------------------------------


def new_client(app: Flask, user: Any = None, *, language: str = "en") -> FlaskClient:
    """A client of its own, signed in as ``user``. The ``client`` fixture must have run: it sets the
    client class that forgets the user and language Flask caches in ``g`` between requests."""
    assert app.test_client_class is not None and app.test_client_class.__name__ == "_FreshUserClient"
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    if user is not None:
        sign_in(client, user)
    return client


def sign_in(client: FlaskClient, user: Any) -> None:
    """Sign in a user (or the user of a login id) on this client, whatever happened to its session."""
    with client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session["_user_id"] = user if isinstance(user, str) else user.get_id()
        flask_session["_fresh"] = True


# --- forms on pages ----------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea", "select" or "submit"
    value: str = ""
    checked: bool = False  # checked radios and checkboxes, selected options
    options: list[str] = field(default_factory=list)


TYPED_KINDS = {"text", "email", "url", "search", "tel", "textarea", "number", "date"}


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)
    htmx: bool = False  # sent by htmx (hx-post) when JavaScript runs

    def text_fields(self) -> list[FormField]:
        """Fields a person types into (what they typed must come back on a re-shown form)."""
        return [f for f in self.fields if f.kind in TYPED_KINDS]

    def typed_submission(self) -> dict[str, Any]:
        """What a person sends who types a marker into every text field and leaves the rest as shown."""
        data: dict[str, Any] = {}
        markers = iter(range(1000))
        for f in self.fields:
            if f.kind in TYPED_KINDS:
                data[f.name] = IMPOSSIBLE_DATE if f.kind == "date" else typed_marker(next(markers))
            elif f.kind == "select":
                data.setdefault(f.name, f.value if f.value else next(iter(f.options), ""))
            elif f.kind in ("radio", "checkbox"):
                if f.checked or (f.kind == "radio" and f.name not in data):
                    data[f.name] = f.value
            elif f.kind != "password" and f.name not in data:
                data[f.name] = f.value  # hidden fields, and the first of several submit buttons
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None
        # Query parameters of links (pagination, filters), by the path they lead to.
        self.link_queries: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and "?" in attributes.get("href", ""):
            link = urlsplit(attributes["href"])
            names = parse_qs(link.query, keep_blank_values=True)
            self.link_queries.setdefault(link.path or self.page_path, set()).update(names)
        if tag == "form":
            action = urlsplit(attributes.get("action") or self.page_path).path or self.page_path
            method = (attributes.get("method") or "get").upper()
            htmx = any(name.startswith("hx-") for name in attributes)
            self._form = PageForm(action=action, method=method, htmx=htmx)
            self.forms.append(self._form)
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.value = attributes.get("value", "")
        if self._form is None or "name" not in attributes:
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                kind = "submit"  # a submit button's name and value still tell the view what was chosen
            checked = "checked" in attributes
            self._form.fields.append(FormField(name, kind, attributes.get("value", ""), checked))
        elif tag == "textarea":
            self._textarea = FormField(name, "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(name, "select")
            self._form.fields.append(self._select)
        elif tag == "button":
            self._form.fields.append(FormField(name, "submit", attributes.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page_path: str, html: str, method: str = "POST") -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return [form for form in parser.forms if form.method == method]


# --- why a request failed ----------------------------------------------------------------------------


class _LastError(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.last: str = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.last = f"{type(error).__name__}: {str(error)[:160]}"


@contextmanager
def catching_errors() -> Iterator[_LastError]:
    """The app logs every unhandled exception before answering 500; keep the last one to report it."""
    handler = _LastError()
    logger = logging.getLogger("raumrat.errors")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def discover_forms(client: FlaskClient, app: Flask, world: World) -> dict[str, list[PageForm]]:
    """POST forms on every page this client can GET, by the path they post to."""
    found: dict[str, list[PageForm]] = {}
    for path in page_paths(app, world):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in forms_on(path, response.get_data(as_text=True)):
            found.setdefault(form.action, []).append(form)
    return found


# Pages that are not HTML, or slow to make (the PDF), have no forms.
NO_FORMS = {
    "static", "exports.version_pdf", "exports.version_json", "exports.version_markdown", "healthz", "readyz",
    "portal.space_feed", "portal.versions_feed", "pages.set_language", "settings.download_data",
}  # fmt: skip


def page_paths(app: Flask, world: World) -> list[str]:
    paths = []
    for rule in rules_of(app):
        if "GET" not in allowed_methods(rule) or rule.endpoint in NO_FORMS or rule.rule.startswith("/api/"):
            continue
        for values in world.all_values_for(rule):
            paths.append(build_path(rule, values))
    return list(dict.fromkeys(paths))


# --- garbage ---------------------------------------------------------------------------------------

OVERLONG = "x" * 100_000
# Below MAX_CONTENT_LENGTH (2 MB), so the fields' own checks answer, not the size limit.
OVERLONG_FIELDS_PER_REQUEST = 15
CONTROL = "a\x00b\x01c\x08d\x1b[31me\x7ff\u2028g\ufeff"
WRONG_TYPE = "abc"
# Beyond every database's integers, and beyond the 4300 digits int() converts at all.
HUGE_INTEGER = "9" * 4_500
# int() converts it, no database column holds it.
BIG_INTEGER = str(2**63)
IMPOSSIBLE_DATE = "2026-13-45"
# int() refuses superscript digits although str.isdigit() accepts them.
ODD_DIGITS = "²³"
GENERIC_FIELDS = [
    FormField(name, "text")
    for name in ("name", "title", "email", "password", "description", "message", "party", "role",
                 "organisation", "space", "transition", "direction", "base_revision", "next", "locale")
]  # fmt: skip


def typed_marker(index: int) -> str:
    """A typed value of its own for each field, so a re-shown form can be checked for every one."""
    return f"{WRONG_TYPE}{index:03d}"


def form_bodies(fields: list[FormField]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what, request keyword arguments) for each kind of garbage, form-encoded."""
    names = list(dict.fromkeys(f.name for f in fields if f.name != "csrf_token"))
    dates = {f.name for f in fields if f.kind == "date" or f.name.endswith(("_on", "_date", "_from"))}
    yield "empty body", {}
    for start in range(0, len(names), OVERLONG_FIELDS_PER_REQUEST):
        batch = names[start : start + OVERLONG_FIELDS_PER_REQUEST]
        yield f"overlong {batch[0]}…", {"data": dict.fromkeys(batch, OVERLONG)}
    yield "control characters", {"data": dict.fromkeys(names, CONTROL)}
    wrong_types = {name: typed_marker(i) for i, name in enumerate(names)}
    yield "wrong types", {"data": wrong_types}
    # htmx requests get fragments: their error paths are answered by other templates.
    yield "wrong types, by htmx", {"data": wrong_types, "headers": {"HX-Request": "true"}}
    yield (
        "huge integers, impossible dates",
        {"data": {name: IMPOSSIBLE_DATE if name in dates else HUGE_INTEGER for name in names}},
    )
    odd = (ODD_DIGITS, "-1", BIG_INTEGER)
    yield (
        "odd digits, negative and big numbers",
        {"data": {name: "-1" if name in dates else odd[i % len(odd)] for i, name in enumerate(names)}},
    )
    yield "JSON instead of a form", {"json": dict.fromkeys(names, WRONG_TYPE)}


# --- JSON bodies from the OpenAPI document -----------------------------------------------------------


def request_schemas(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path template) -> the resolved request body schema of each API operation."""
    schemas = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method.upper() not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            schemas[(method.upper(), path)] = resolve(document, content.get("schema", {}))
    return schemas


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        _, _, section, name = schema["$ref"].split("/")  # "#/components/<section>/<name>"
        schema = document["components"][section][name]
    return schema


def fill(document: dict[str, Any], schema: dict[str, Any], leaf: Any, depth: int = 0) -> Any:
    """A body of the schema's shape with every scalar replaced by ``leaf``."""
    schema = resolve(document, schema)
    if "properties" in schema and depth < 3:
        return {name: fill(document, sub, leaf, depth + 1) for name, sub in schema["properties"].items()}
    if schema.get("type") == "array" and depth < 3:
        return [fill(document, schema.get("items", {}), leaf, depth + 1)]
    return leaf


def json_bodies(document: dict[str, Any], schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "empty body", {}
    yield "empty JSON content", {"data": "", "content_type": "application/json"}
    yield "broken JSON", {"data": '{"title": "', "content_type": "application/json"}
    yield "a form instead of JSON", {"data": dict.fromkeys(schema.get("properties", {}) or ["title"], "abc")}
    for what, value in [("list", []), ("string", "text"), ("number", 42), ("null", None)]:
        yield f"JSON {what} instead of an object", {"json": value}
    # Every member overlong, a few at a time so a body stays below the size limit.
    batch: dict[str, Any] = {}
    for name, member in schema.get("properties", {}).items():
        batch[name] = fill(document, member, OVERLONG)
        if len(json.dumps(batch)) > OVERLONG_FIELDS_PER_REQUEST * len(OVERLONG) * 0.7:
            yield f"overlong {', '.join(batch)}", {"json": {**fill(document, schema, "ok"), **batch}}
            batch = {}
    if batch:
        yield f"overlong {', '.join(batch)}", {"json": {**fill(document, schema, "ok"), **batch}}
    leaves: list[tuple[str, Any]] = [
        ("control characters", CONTROL), ("wrong types", WRONG_TYPE), ("negative numbers", -1),
        ("huge integers", 10**40), ("big integers", 2**63), ("huge integers as text", HUGE_INTEGER),
        ("odd digits", ODD_DIGITS), ("impossible dates", IMPOSSIBLE_DATE), ("floats", 1e308),
        ("booleans", True), ("objects", {"a": 1}), ("lists", [1]),
    ]  # fmt: skip
    for what, leaf in leaves:
        yield what, {"json": fill(document, schema, leaf)}


GENERIC_QUERY = (
    "q", "page", "from", "to", "view", "next", "after", "party", "kind", "level", "parent", "space", "status",
    "limit", "offset", "sort",
)  # fmt: skip


def query_names(document: dict[str, Any]) -> dict[str, set[str]]:
    """API path template -> the names of its query parameters, from the OpenAPI document."""
    names: dict[str, set[str]] = {}
    for path, item in document["paths"].items():
        operations = [operation for operation in item.values() if isinstance(operation, dict)]
        shared = item.get("parameters", [])
        for parameter in [*shared, *(p for operation in operations for p in operation.get("parameters", []))]:
            parameter = resolve(document, parameter)
            if parameter.get("in") == "query":
                names.setdefault(path, set()).add(parameter["name"])
    return names


def discover_query_names(client: FlaskClient, app: Flask, world: World) -> dict[str, set[str]]:
    """Path -> the query parameters that GET forms (filters, searches) and links (pages) send there."""
    found: dict[str, set[str]] = {}
    for path in page_paths(app, world):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _FormParser(path)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form.method == "GET":
                found.setdefault(form.action, set()).update(f.name for f in form.fields)
        for target, names in parser.link_queries.items():
            found.setdefault(target, set()).update(names)
    return found


# --- stored XSS --------------------------------------------------------------------------------------

XSS = (
    '{{7*7}} <script>alert(1)</script> "><img src=x onerror=alert(1)> <svg onload=alert(1)> '
    '[link](javascript:alert(1)) <a href="javascript:alert(1)">a</a>'
)
XSS_MEDIUM = '{{7*7}} <script>alert(1)</script> "><img src=x onerror=alert(1)>'  # at most 120 characters
XSS_SHORT = '{{7*7}}"><svg onload=alert(1)>'  # for fields of at most 60 characters


def xss(marker: str, payload: str = XSS) -> str:
    """A payload that starts with a marker naming the field, so pages can be searched for it."""
    return f"{marker} {payload}"


def still_literal(marker: str, page: str) -> bool:
    """The template expression after the marker is shown as typed: nothing evaluated it to 49.
    (Comparisons may put their own markup between the marker and the expression.)"""
    text = html_module.unescape(re.sub(r"<[^>]+>", " ", page))
    return "{{7*7}}" in text and not re.search(rf"{marker}[^{{]{{0,40}}?\b49\b", text)


ADDRESS_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class _ActiveContent(HTMLParser):
    """Collects everything in a page that could run script: script tags other than our own files,
    event handler attributes, javascript: addresses, and embedded SVG, frames or objects."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key.lower(): value or "" for key, value in attrs}
        if tag == "script" and not attributes.get("src", "").startswith("/static/"):
            self.found.append("<script> of its own")
        ours = tag == "svg" and "data-raumrat-chart" in attributes  # the results' bar charts
        if (tag in ("svg", "iframe", "object", "embed") and not ours) or (
            tag == "img" and attributes.get("src") == "x"
        ):
            self.found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            # The parser has decoded entities already; browsers also skip blanks and control characters.
            address = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in ADDRESS_ATTRIBUTES and address.startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")

    handle_startendtag = handle_starttag


def active_content(page: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found

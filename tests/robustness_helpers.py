"""Shared pieces of the robustness sweep: a seeded world with real ids, URLs built from the URL map,
form discovery by parsing pages, and a log catcher that tells why a request answered 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

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

    def values_for(self, rule: Rule) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            if name == "collection" and isinstance(converter, AnyConverter):
                values[name] = "agreements"
            else:
                values[name] = self.ids[name]
        if values.get("collection") == "frameworks" or "framework_id" in values:
            values.update({k: v for k, v in self.ids["framework"].items() if k in values})
        values.update({k: v for k, v in self.overrides.get(rule.endpoint, {}).items() if k in values})
        return values


def seed_world(session, make_user) -> World:
    from agreements.demo import seed_agreements
    from agreements.models import Document, DraftSection
    from governance.demo import seed_demo
    from governance.models import OrganisationMember, Space, SpaceMembership, User
    from governance.services import memberships, tokens

    seed_demo(session)
    seed_agreements(session)
    by_email = {user.email: user for user in session.scalars(select(User))}
    space = session.scalar(select(Space).where(Space.code == "04011440"))
    facilitator = by_email["facilitator@example.org"]
    admin = by_email["admin@example.org"]
    # Demo accounts read German; the sweep reads the English msgids unless a test asks otherwise.
    for user in (facilitator, admin):
        user.locale = "en"
    ordinary = make_user("ordinary")
    victim = make_user("victim")
    requester = make_user("requester")
    second_facilitator = make_user("fiona")
    session.add(SpaceMembership(space=space, user=second_facilitator, role="facilitator", status="active"))
    session.commit()
    pending = memberships.request_to_join(session, requester, space.id, party="civil_society", message="Hallo")
    invitation, invitation_token = memberships.invite(
        session, facilitator, space.id, email="invited@test.example", role="member", party="beneficiary"
    )
    api_token, bearer = tokens.create_token(session, ordinary, name="Skript")
    agreement = session.scalar(select(Document).where(Document.kind == "agreement"))
    framework = session.scalar(select(Document).where(Document.kind == "framework"))

    def first_key(document: Document) -> str:
        return session.scalar(
            select(DraftSection.key).where(DraftSection.document_id == document.id).order_by(
                DraftSection.position
            )
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
    framework_ids = {
        "document_id": framework.id,
        "framework_id": framework.id,
        "key": first_key(framework),
        "number": 1,
    }
    ids = {
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
    }
    overrides = {
        "memberships.approve": {"membership_id": pending.id},
        "memberships.decline": {"membership_id": pending.id},
        "memberships.request_detail": {"membership_id": pending.id},
        "memberships.remove_facilitator": {"membership_id": facilitator_membership.id},
    }
    users = {"anonymous": None, "user": ordinary, "facilitator": facilitator, "admin": admin}
    return World(users=users, ids=ids, overrides=overrides, bearer=bearer)


# --- URLs from the URL map -------------------------------------------------------------------------


def rules_of(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def build_path(rule: Rule, values: dict[str, Any]) -> str:
    built = rule.build(values, append_unknown=False)
    assert built is not None, (rule.rule, values)
    return built[1]


def unknown_values(rule: Rule, name: str) -> list[Any]:
    """Values naming nothing: ids that do not exist, out of range or negative, strings that match nothing."""
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        values: list[Any] = [999_999, 0, 2**63]
        if converter.signed:
            values.append(-1)
        return values
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if name == "filename":
        return ["does-not-exist.css"]
    return ["does-not-exist", "x" * 300]


def allowed_methods(rule: Rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


# --- signing in --------------------------------------------------------------------------------------


def new_client(app: Flask, user: Any = None, *, language: str = "en") -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    if user is not None:
        sign_in(client, user)
    return client


def sign_in(client: FlaskClient, user: Any) -> None:
    with client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session["_user_id"] = user.get_id()
        flask_session["_fresh"] = True


# --- forms on pages ----------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.name != "csrf_token"))

    def text_fields(self) -> list[FormField]:
        """Fields a person types into (their values must come back on a re-shown form)."""
        typed = {"text", "email", "url", "search", "tel", "textarea", "number", "date"}
        return [f for f in self.fields if f.kind in typed]


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urlsplit(attributes.get("action") or self.page_path).path or self.page_path
            self._form = PageForm(action=action, method=(attributes.get("method") or "get").upper())
            self.forms.append(self._form)
        if self._form is None or "name" not in attributes:
            if tag == "option" and self._select is not None:
                self._select.options.append(attributes.get("value", ""))
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                # A submit button's name still tells the view which action was chosen.
                kind = "submit"
            self._form.fields.append(FormField(name, kind, attributes.get("value", "")))
        elif tag == "textarea":
            self._textarea = FormField(name, "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = FormField(name, "select")
            self._form.fields.append(self._select)
        elif tag == "button" and attributes.get("value") is not None:
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


def forms_on(page_path: str, html: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return [form for form in parser.forms if form.method == "POST"]


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

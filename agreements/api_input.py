"""Strict reading of the JSON bodies the agreements API accepts.

A body that is not a JSON object is a 400; members of the wrong type, unknown members and text
that no database can store (NUL, lone surrogates) are collected as error codes per member name
and refused together as a 422, so a script learns everything that is wrong at once. Nothing here
decides what is allowed: the services do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _

from agreements.domain.sections import SectionKind
from agreements.services.snapshots import BUDGET_FIELDS, INDICATOR_FIELDS, SectionContent
from core.errors import InvalidInput
from governance.api import ApiProblem
from governance.services.spaces import MAX_ID

MAX_EUROS = 999_999_999_999
SECTION_FIELDS = ("kind", "title", "body", "plain_language", "indicators", "budget_lines", "review_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object, or a 400 problem that says what is wrong with it."""
    if not request.is_json:
        raise ApiProblem(400, _("Send the body as JSON, with the header “Content-Type: application/json”."))
    try:
        body = json.loads(request.get_data(), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # RecursionError: absurdly deep nesting; ValueError also covers bytes that are not UTF-8.
        raise ApiProblem(400, _("The body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise ApiProblem(400, _("Send a JSON object (“{…}”) as the body."))
    return body


class Fields:
    """Typed access to the members of one JSON object; problems are collected as codes by name."""

    def __init__(
        self,
        data: dict[str, Any],
        allowed: Iterable[str],
        *,
        prefix: str = "",
        errors: dict[str, list[str]] | None = None,
    ):
        self.data = data
        self.prefix = prefix
        self.errors: dict[str, list[str]] = {} if errors is None else errors
        known = set(allowed)
        for name in data:
            if name not in known:
                self.fail(name, "unknown_field")

    def fail(self, name: str, code: str) -> None:
        self.errors.setdefault(self.prefix + name, []).append(code)

    def text(self, name: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required")
            return default
        if not isinstance(value, str):
            self.fail(name, "not_a_string")
            return default
        if "\x00" in value or not _encodable(value):
            self.fail(name, "invalid_characters")
            return default
        return value

    def choice(self, name: str) -> str | None:
        """A text that names one of several options (checked by the service), or None."""
        return self.text(name) if self.data.get(name) is not None else None

    def integer(
        self, name: str, *, required: bool = False, minimum: int = 1, maximum: int = MAX_ID
    ) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required")
            return None
        # bool is an int in Python, but true is not a number in JSON.
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(name, "not_an_integer")
            return None
        if not minimum <= value <= maximum:
            self.fail(name, "out_of_range")
            return None
        return value

    def boolean(self, name: str) -> bool:
        value = self.data.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(name, "not_a_boolean")
            return False
        return value

    def choices(self, name: str, allowed: Iterable[str]) -> list[str]:
        """A list of names, each one of ``allowed``."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "not_a_list")
            return []
        known = set(allowed)
        chosen = [item for item in value if isinstance(item, str) and item in known]
        if len(chosen) != len(value):
            self.fail(name, "invalid")
        return chosen

    def date(self, name: str) -> date | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.fail(name, "not_a_date")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, "not_a_date")
            return None

    def nested(self, name: str, allowed: Iterable[str], *, required: bool = False) -> Fields | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "required")
            return None
        if not isinstance(value, dict):
            self.fail(name, "not_an_object")
            return None
        return Fields(value, allowed, prefix=f"{self.prefix}{name}.", errors=self.errors)

    def list_of_objects(self, name: str, allowed: Iterable[str]) -> list[Fields]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "not_a_list")
            return []
        allowed = tuple(allowed)
        rows: list[Fields] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                prefix = f"{self.prefix}{name}[{index}]."
                rows.append(Fields(item, allowed, prefix=prefix, errors=self.errors))
            else:
                self.fail(f"{name}[{index}]", "not_an_object")
        return rows

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise InvalidInput("invalid body", field_errors=self.errors)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def section_content(fields: Fields) -> SectionContent:
    """A section as the API receives it; absent optional members are empty."""
    indicators = [
        {name: row.text(name) for name in INDICATOR_FIELDS}
        for row in fields.list_of_objects("indicators", INDICATOR_FIELDS)
    ]
    budget_lines = [
        {
            "label": row.text("label"),
            "amount_euros": row.integer("amount_euros", minimum=0, maximum=MAX_EUROS) or 0,
            "funded_by": row.text("funded_by"),
        }
        for row in fields.list_of_objects("budget_lines", BUDGET_FIELDS)
    ]
    return SectionContent(
        kind=fields.text("kind", required=True),
        title=fields.text("title", required=True),
        body=fields.text("body"),
        plain_language=fields.text("plain_language"),
        indicators=indicators,
        budget_lines=budget_lines,
        review_date=fields.date("review_date"),
    )


def error_messages() -> dict[str, str]:
    """Messages for the error codes of this module and of the agreement services."""
    return {
        "unknown_field": _("This member is not known here; check its spelling."),
        "not_a_string": _("Use a string."),
        "not_an_integer": _("Use a whole number."),
        "out_of_range": _("This number is too small or too large."),
        "not_a_date": _("Use a date like 2025-03-31."),
        "not_a_boolean": _("Use true or false."),
        "not_an_object": _("Use an object (“{…}”)."),
        "not_a_list": _("Use a list (“[…]”)."),
        "invalid_characters": _("This text contains characters that cannot be stored, such as NUL."),
        "required": _("This is required."),
        "too_long": _("This text is too long."),
        "unknown_kind": _(
            "Use one of the section kinds: %(values)s.", values=", ".join(kind.value for kind in SectionKind)
        ),
        "invalid_indicator": _("Every indicator needs a name."),
        "invalid_budget_line": _("Every budget line needs a label."),
        "unknown_framework_version": _("This framework has no published version with this number."),
        "before_start": _("The consultation must end on or after the day it starts."),
        "invalid": _("This value is not one of the allowed ones."),
        "unknown": _("There is no step with this name."),
        "no_published_version": _("Publish a version of the text first: this step needs a published text."),
        "framework_requirements_not_met": _(
            "The text does not meet the requirements of its framework yet; the agreement's compliance "
            "list says what is missing."
        ),
        "not_from_this_status": _("This step is not possible in the agreement's current status."),
        "no_sections": _("Add at least one section before you publish a version."),
    }

"""What a proposed amendment must hold, checked against the sections of its base version (pure)."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from agreements.domain.sections import SectionKind

MAX_TITLE = 300
MAX_TEXT = 100_000
MAX_RATIONALE = 20_000


class AmendmentKind(StrEnum):
    CHANGE = "change"  # new title and text of one section
    ADD = "add"  # a new section after another one (or at the start)
    REMOVE = "remove"  # removal of one section


def proposal_errors(
    *,
    kind: str,
    section_key: str | None,
    title: str,
    body: str,
    rationale: str,
    section_kind: str | None,
    after_section_key: str | None,
    base_keys: Collection[str],
    base_title: str | None = None,
    base_body: str | None = None,
) -> dict[str, list[str]]:
    """Field errors of a proposal (codes as in the agreements services); empty when it is fine."""
    errors: dict[str, list[str]] = {}
    if kind not in {k.value for k in AmendmentKind}:
        return {"kind": ["invalid"]}
    if not rationale.strip():
        errors["rationale"] = ["required"]
    elif len(rationale) > MAX_RATIONALE:
        errors["rationale"] = ["too_long"]
    if kind in (AmendmentKind.CHANGE, AmendmentKind.REMOVE) and section_key not in base_keys:
        errors["section_key"] = ["unknown_section"]
    if kind in (AmendmentKind.CHANGE, AmendmentKind.ADD):
        if not title.strip():
            errors["title"] = ["required"]
        elif len(title) > MAX_TITLE:
            errors["title"] = ["too_long"]
        if len(body) > MAX_TEXT:
            errors["body"] = ["too_long"]
    if kind == AmendmentKind.ADD:
        if section_kind not in {k.value for k in SectionKind}:
            errors["section_kind"] = ["unknown_kind"]
        if after_section_key and after_section_key not in base_keys:
            errors["after_section_key"] = ["unknown_section"]
        if not body.strip():
            errors["body"] = ["required"]
    if (
        kind == AmendmentKind.CHANGE
        and not errors
        and title.strip() == (base_title or "").strip()
        and body.strip() == (base_body or "").strip()
    ):
        errors["body"] = ["unchanged"]
    return errors

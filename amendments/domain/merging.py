"""How an accepted amendment goes into the working draft (pure).

A change is applied directly when the draft section still reads as the amendment's base; when the
draft moved on, each field (title, text) is merged three ways: base = the base version's section,
mine = the amendment, theirs = the draft now. Conflicts keep both readings until a person chooses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agreements.domain.merge import MergeResult, merge_texts

FIELDS = ("title", "body")


@dataclass(frozen=True)
class FieldMerge:
    name: str
    base: str
    mine: str
    theirs: str
    merge: MergeResult

    @property
    def draft_moved(self) -> bool:
        return self.theirs != self.base


@dataclass(frozen=True)
class ChangePlan:
    fields: tuple[FieldMerge, ...]

    @property
    def draft_moved(self) -> bool:
        return any(field.draft_moved for field in self.fields)

    @property
    def is_clean(self) -> bool:
        return all(field.merge.is_clean for field in self.fields)

    @property
    def conflicting(self) -> list[FieldMerge]:
        return [field for field in self.fields if not field.merge.is_clean]

    def merged(self) -> dict[str, str]:
        """The new title and text; only when there is no conflict."""
        return {field.name: field.merge.text() for field in self.fields}

    def resolve(self, choices: dict[str, list[str]]) -> dict[str, str]:
        """The new title and text with each conflict replaced by the chosen words, field by field."""
        return {
            field.name: field.merge.resolve(choices.get(field.name, [])) if not field.merge.is_clean
            else field.merge.text()
            for field in self.fields
        }  # fmt: skip


def plan_change(base: dict[str, str], mine: dict[str, str], theirs: dict[str, str]) -> ChangePlan:
    """Merge plan of a changed section; each argument maps "title" and "body" to text."""
    return ChangePlan(
        tuple(
            FieldMerge(
                name, base[name], mine[name], theirs[name], merge_texts(base[name], mine[name], theirs[name])
            )
            for name in FIELDS
        )
    )


@dataclass(frozen=True)
class Placement:
    index: int  # position of the new section in the draft
    anchor_missing: bool  # the section it should follow is no longer in the draft: put at the end


def place_new_section(draft_keys: Sequence[str], after_key: str | None) -> Placement:
    if after_key is None:
        return Placement(0, False)
    if after_key in draft_keys:
        return Placement(list(draft_keys).index(after_key) + 1, False)
    return Placement(len(draft_keys), True)

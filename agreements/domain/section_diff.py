"""Differences between two versions of a text, section by section.

Sections are matched by their stable key. A section present in both is *changed* when its title,
kind or content differ, and *moved* when it left the order that the other common sections keep
(found with a longest common subsequence of keys). Both can be true at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from agreements.domain.sections import Section
from agreements.domain.text_diff import Hunk, diff_words

Change = Literal["added", "removed", "changed", "unchanged"]


@dataclass(frozen=True)
class SectionChange:
    change: Change
    moved: bool
    old: Section | None
    new: Section | None
    title_hunks: tuple[Hunk, ...]
    body_hunks: tuple[Hunk, ...]
    plain_language_hunks: tuple[Hunk, ...]

    @property
    def key(self) -> str:
        section = self.new or self.old
        assert section is not None
        return section.key


@dataclass(frozen=True)
class VersionDiff:
    sections: tuple[SectionChange, ...]

    def count(self, change: Change) -> int:
        return sum(1 for section in self.sections if section.change == change)

    @property
    def moved(self) -> int:
        return sum(1 for section in self.sections if section.moved)

    @property
    def is_empty(self) -> bool:
        return all(section.change == "unchanged" and not section.moved for section in self.sections)


def _stable_keys(old_keys: list[str], new_keys: list[str]) -> set[str]:
    """Keys of common sections that keep their relative order (the rest moved)."""
    common = set(old_keys) & set(new_keys)
    old_common = [key for key in old_keys if key in common]
    new_common = [key for key in new_keys if key in common]
    matcher = SequenceMatcher(None, old_common, new_common, autojunk=False)
    stable: set[str] = set()
    for block in matcher.get_matching_blocks():
        stable.update(old_common[block.a : block.a + block.size])
    return stable


def diff_versions(old: list[Section], new: list[Section]) -> VersionDiff:
    """Section-level and word-level differences, in the new version's order; removed sections
    appear where they stood in the old version."""
    old_by_key = {section.key: section for section in old}
    new_by_key = {section.key: section for section in new}
    stable = _stable_keys([s.key for s in old], [s.key for s in new])
    changes: list[SectionChange] = []

    def compare(before: Section | None, after: Section | None) -> SectionChange:
        if before is None:
            assert after is not None
            return SectionChange(
                "added", False, None, after,
                tuple(diff_words("", after.title)), tuple(diff_words("", after.comparable_text())),
                tuple(diff_words("", after.plain_language)),
            )  # fmt: skip
        if after is None:
            return SectionChange(
                "removed", False, before, None,
                tuple(diff_words(before.title, "")), tuple(diff_words(before.comparable_text(), "")),
                tuple(diff_words(before.plain_language, "")),
            )  # fmt: skip
        same = before == after
        return SectionChange(
            "unchanged" if same else "changed",
            before.key not in stable,
            before,
            after,
            tuple(diff_words(before.title, after.title)),
            tuple(diff_words(before.comparable_text(), after.comparable_text())),
            tuple(diff_words(before.plain_language, after.plain_language)),
        )

    # Walk the new order; removed sections are placed after the last section that preceded them.
    removed_after: dict[str | None, list[Section]] = {}
    previous_key: str | None = None
    for section in old:
        if section.key not in new_by_key:
            removed_after.setdefault(previous_key, []).append(section)
        else:
            previous_key = section.key
    for removed in removed_after.get(None, []):
        changes.append(compare(removed, None))
    for section in new:
        changes.append(compare(old_by_key.get(section.key), section))
        for removed in removed_after.get(section.key, []):
            changes.append(compare(removed, None))
    return VersionDiff(tuple(changes))

"""Word-level differences between two texts.

Texts are split into tokens (words, punctuation, whitespace) such that joining the tokens gives the
text back exactly; the diff is a list of hunks over those tokens. Applying the hunks to the old
text yields the new text, which the property tests check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

Tag = Literal["equal", "insert", "delete", "replace"]


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Hunk:
    tag: Tag
    old: str
    new: str


def diff_words(old: str, new: str) -> list[Hunk]:
    """Hunks turning ``old`` into ``new``; equal runs are kept so the diff can be shown in full."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    hunks = [
        Hunk(tag, "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2]))  # type: ignore[arg-type]
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    return _absorb_whitespace_islands(hunks)


def _absorb_whitespace_islands(hunks: list[Hunk]) -> list[Hunk]:
    """Join changes separated only by a single space, so readers see "old words" → "new words"."""
    merged: list[Hunk] = []
    index = 0
    while index < len(hunks):
        hunk = hunks[index]
        if (
            hunk.tag == "equal"
            and hunk.old.isspace()
            and merged
            and merged[-1].tag != "equal"
            and index + 1 < len(hunks)
            and hunks[index + 1].tag != "equal"
        ):
            following = hunks[index + 1]
            previous = merged.pop()
            merged.append(
                Hunk(
                    "replace",
                    previous.old + hunk.old + following.old,
                    previous.new + hunk.new + following.new,
                )
            )
            index += 2
            continue
        if merged and merged[-1].tag == "replace" and hunk.tag != "equal":
            previous = merged.pop()
            merged.append(Hunk("replace", previous.old + hunk.old, previous.new + hunk.new))
        else:
            merged.append(hunk)
        index += 1
    return merged


def old_text(hunks: list[Hunk]) -> str:
    return "".join(hunk.old for hunk in hunks)


def new_text(hunks: list[Hunk]) -> str:
    return "".join(hunk.new for hunk in hunks)


def apply(old: str, hunks: list[Hunk]) -> str:
    """Apply a diff to the text it was made from; refuses a text the diff does not fit."""
    if old_text(hunks) != old:
        raise ValueError("the diff was made from a different text")
    return new_text(hunks)


def changed_word_count(hunks: list[Hunk]) -> tuple[int, int]:
    """Words removed and added, for summaries like '12 words removed, 30 added'."""
    removed = sum(len(re.findall(r"\w+", hunk.old)) for hunk in hunks if hunk.tag != "equal")
    added = sum(len(re.findall(r"\w+", hunk.new)) for hunk in hunks if hunk.tag != "equal")
    return removed, added

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
    if old == new:
        return [Hunk("equal", old, new)] if old else []
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    # Most edits touch a small part of a long text: match the common start and end directly and
    # give only the middle to SequenceMatcher, which is close to quadratic in what it is given.
    start = 0
    limit = min(len(old_tokens), len(new_tokens))
    while start < limit and old_tokens[start] == new_tokens[start]:
        start += 1
    end = 0
    while end < limit - start and old_tokens[-1 - end] == new_tokens[-1 - end]:
        end += 1
    old_middle = old_tokens[start : len(old_tokens) - end]
    new_middle = new_tokens[start : len(new_tokens) - end]
    matcher = SequenceMatcher(None, old_middle, new_middle, autojunk=False)
    hunks = [Hunk("equal", "".join(old_tokens[:start]), "".join(new_tokens[:start]))]
    hunks += [
        Hunk(tag, "".join(old_middle[i1:i2]), "".join(new_middle[j1:j2]))  # type: ignore[arg-type]
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    hunks.append(
        Hunk(
            "equal",
            "".join(old_tokens[len(old_tokens) - end :]),
            "".join(new_tokens[len(new_tokens) - end :]),
        )
    )
    return _absorb_whitespace_islands(_join_equal_runs(hunks))


def _join_equal_runs(hunks: list[Hunk]) -> list[Hunk]:
    """Drop empty hunks and join neighbouring equal ones (the trimmed ends meet the middle's)."""
    joined: list[Hunk] = []
    for hunk in hunks:
        if not hunk.old and not hunk.new:
            continue
        if joined and hunk.tag == "equal" and joined[-1].tag == "equal":
            joined[-1] = Hunk("equal", joined[-1].old + hunk.old, joined[-1].new + hunk.new)
        else:
            joined.append(hunk)
    return joined


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

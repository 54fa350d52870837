"""Three-way merge of texts at word level (for concurrent edits and amendments).

``merge_texts(base, mine, theirs)`` applies both sides' changes to the common base. Where both
sides changed the same words differently, the result holds a :class:`Conflict` with all three
readings, so nobody's text is ever lost; a person resolves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from agreements.domain.text_diff import tokenize


@dataclass(frozen=True)
class Conflict:
    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    parts: tuple[str | Conflict, ...]

    @property
    def conflicts(self) -> list[Conflict]:
        return [part for part in self.parts if isinstance(part, Conflict)]

    @property
    def is_clean(self) -> bool:
        return not self.conflicts

    def text(self) -> str:
        """The merged text; only defined when there is no conflict."""
        if not self.is_clean:
            raise ValueError("the merge has conflicts")
        return "".join(part for part in self.parts if isinstance(part, str))

    def resolve(self, choices: list[str]) -> str:
        """Merged text with each conflict replaced by the reader's choice, in order."""
        if len(choices) != len(self.conflicts):
            raise ValueError("one choice per conflict is needed")
        remaining = iter(choices)
        return "".join(part if isinstance(part, str) else next(remaining) for part in self.parts)


@dataclass(frozen=True)
class _Edit:
    start: int  # range of base tokens replaced
    end: int
    tokens: tuple[str, ...]


def _edits(base: list[str], other: list[str]) -> list[_Edit]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Edit(i1, i2, tuple(other[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _overlaps(first: _Edit, second: _Edit) -> bool:
    # Edits that overlap or touch belong together: with no unchanged base token between them, the
    # two sides' words cannot be told apart safely (as in diff3, only text both sides kept is stable).
    return first.start <= second.end and second.start <= first.end


def _apply(base: list[str], start: int, end: int, edits: list[_Edit]) -> str:
    out: list[str] = []
    position = start
    for edit in edits:
        out.extend(base[position : edit.start])
        out.extend(edit.tokens)
        position = edit.end
    out.extend(base[position:end])
    return "".join(out)


def merge_texts(base: str, mine: str, theirs: str) -> MergeResult:
    base_tokens = tokenize(base)
    mine_edits = [(edit, "mine") for edit in _edits(base_tokens, tokenize(mine))]
    their_edits = [(edit, "theirs") for edit in _edits(base_tokens, tokenize(theirs))]
    edits = sorted(mine_edits + their_edits, key=lambda pair: (pair[0].start, pair[0].end))

    parts: list[str | Conflict] = []
    position = 0
    index = 0
    while index < len(edits):
        # Collect a group of edits that overlap one another, transitively.
        group = [edits[index]]
        start, end = edits[index][0].start, edits[index][0].end
        index += 1
        while index < len(edits) and any(_overlaps(edits[index][0], member) for member, _ in group):
            group.append(edits[index])
            end = max(end, edits[index][0].end)
            index += 1
        parts.append("".join(base_tokens[position:start]))
        mine_group = [edit for edit, side in group if side == "mine"]
        their_group = [edit for edit, side in group if side == "theirs"]
        mine_text = _apply(base_tokens, start, end, mine_group)
        their_text = _apply(base_tokens, start, end, their_group)
        if not their_group or mine_text == their_text:
            parts.append(mine_text)
        elif not mine_group:
            parts.append(their_text)
        else:
            parts.append(Conflict("".join(base_tokens[start:end]), mine_text, their_text))
        position = end
    parts.append("".join(base_tokens[position:]))
    result = MergeResult(tuple(part for part in parts if part != ""))
    if not result.is_clean and _choices_coincide(result) and mine != theirs:
        # Choosing mine everywhere and theirs everywhere would give the same text, so one side's words
        # would be lost whatever the reader chooses: offer the whole changed stretch as one conflict.
        return _single_conflict(base_tokens, edits)
    return result


def _choices_coincide(result: MergeResult) -> bool:
    return result.resolve([c.mine for c in result.conflicts]) == result.resolve(
        [c.theirs for c in result.conflicts]
    )


def _single_conflict(base_tokens: list[str], edits: list[tuple[_Edit, str]]) -> MergeResult:
    start = min(edit.start for edit, _ in edits)
    end = max(edit.end for edit, _ in edits)
    mine_text = _apply(base_tokens, start, end, [edit for edit, side in edits if side == "mine"])
    their_text = _apply(base_tokens, start, end, [edit for edit, side in edits if side == "theirs"])
    parts = (
        "".join(base_tokens[:start]),
        Conflict("".join(base_tokens[start:end]), mine_text, their_text),
        "".join(base_tokens[end:]),
    )
    return MergeResult(tuple(part for part in parts if part != ""))

"""@mentions in comment texts. Pure: no Flask, no SQLAlchemy.

``@Name`` names a person whose public name is one word (letters, digits, ``_``; dots and hyphens
inside, as in ``@Anna-Lena``); ``@[Name with spaces]`` names anyone. Mentions inside code
(``inline`` or fenced) and the ``@`` of e-mail addresses (a word character before it) name nobody.
The services resolve the names against the active members of the space.
"""

from __future__ import annotations

import re

MAX_NAME = 120
MAX_MENTIONS = 20

_FENCED = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_MENTION = re.compile(
    r"(?<![\w@\[/])@(?:\[(?P<bracketed>[^\[\]\n]{1," + str(MAX_NAME) + r"})\]|(?P<word>\w+(?:[.\-]\w+)*))"
)


def _without_code(text: str) -> str:
    text = _FENCED.sub(" ", text)
    return _INLINE_CODE.sub(" ", text)


def normalise(name: str) -> str:
    """How names are compared: spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


def mentioned_names(text: str) -> list[str]:
    """The names mentioned in ``text``, each once, in order of first mention (at most MAX_MENTIONS)."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _MENTION.finditer(_without_code(text or "")):
        name = " ".join((match.group("bracketed") or match.group("word") or "").split())
        key = normalise(name)
        if not key or key in seen:
            continue
        seen.add(key)
        found.append(name)
        if len(found) == MAX_MENTIONS:
            break
    return found


def resolve(names: list[str], people: dict[int, str]) -> list[int]:
    """The ids of ``people`` (id -> public name) whose name is mentioned, in order of mention.

    A name that fits more than one person names none of them (nobody is notified by mistake)."""
    by_name: dict[str, list[int]] = {}
    for person_id, public_name in people.items():
        by_name.setdefault(normalise(public_name), []).append(person_id)
    ids: list[int] = []
    for name in names:
        matches = by_name.get(normalise(name), [])
        if len(matches) == 1 and matches[0] not in ids:
            ids.append(matches[0])
    return ids

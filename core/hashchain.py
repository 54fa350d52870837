"""Tamper evidence for the audit log: each entry's hash covers its content and the previous hash.

Pure Python (no Flask, no SQLAlchemy), so anyone can recompute the chain from an export.
Changing, removing or reordering an entry breaks the link to the entry after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainedEntry:
    """What the chain covers of one audit entry."""

    entry_id: int
    created_at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    previous_hash: str
    entry_hash: str


def canonical_time(moment: datetime) -> str:
    # Databases hand back naive UTC with microseconds; an aware value is compared as the same instant.
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")


def entry_hash(
    *,
    previous_hash: str,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
) -> str:
    content = json.dumps(
        {
            "previous": previous_hash,
            "created_at": canonical_time(created_at),
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "details": details,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(entries: Iterable[ChainedEntry], *, start_hash: str = GENESIS_HASH) -> ChainReport:
    """Walk entries in id order; report the first entry whose link or content does not match."""
    expected_previous = start_hash
    checked = 0
    for entry in entries:
        if entry.previous_hash != expected_previous:
            return ChainReport(
                checked, expected_previous,
                BrokenLink(entry.entry_id, "previous hash does not match the entry before it"),
            )  # fmt: skip
        recomputed = entry_hash(
            previous_hash=entry.previous_hash,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
        )
        if recomputed != entry.entry_hash:
            return ChainReport(
                checked, expected_previous, BrokenLink(entry.entry_id, "content does not match its hash")
            )
        expected_previous = entry.entry_hash
        checked += 1
    return ChainReport(checked, expected_previous, None)

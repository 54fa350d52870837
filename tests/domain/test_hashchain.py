"""The audit log's hash chain, recomputed without an app."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from core.hashchain import GENESIS_HASH, ChainedEntry, entry_hash, verify


def build_chain(actions: list[str]) -> list[ChainedEntry]:
    chain, previous = [], GENESIS_HASH
    for number, action in enumerate(actions, start=1):
        fields = {
            "created_at": datetime(2026, 11, 26, 10, 0, number % 60, number),
            "actor_id": number % 3 or None,
            "action": action,
            "object_type": "ballot",
            "object_id": str(number),
            "details": {"choice": action, "weights": [1, 2], "note": "Änderung"},
        }
        digest = entry_hash(previous_hash=previous, **fields)
        chain.append(ChainedEntry(entry_id=number, previous_hash=previous, entry_hash=digest, **fields))
        previous = digest
    return chain


def test_an_untouched_chain_verifies() -> None:
    chain = build_chain(["motion.opened", "ballot.cast", "ballot.cast", "motion.closed"])
    report = verify(chain)
    assert report.intact and report.checked == 4 and report.last_hash == chain[-1].entry_hash


def test_the_hash_does_not_depend_on_key_order_or_time_zone_awareness() -> None:
    from datetime import UTC

    moment = datetime(2026, 1, 1, 12, 0, 0, 5)
    one = entry_hash(previous_hash=GENESIS_HASH, created_at=moment, actor_id=1, action="a",
                     object_type="b", object_id="1", details={"x": 1, "y": 2})  # fmt: skip
    two = entry_hash(previous_hash=GENESIS_HASH, created_at=moment.replace(tzinfo=UTC), actor_id=1,
                     action="a", object_type="b", object_id="1", details={"y": 2, "x": 1})  # fmt: skip
    assert one == two


def test_a_changed_entry_is_the_first_broken_link() -> None:
    chain = build_chain(["a", "b", "c", "d"])
    chain[2] = replace(chain[2], details={"choice": "forged"})
    report = verify(chain)
    assert report.broken is not None and report.broken.entry_id == 3 and report.checked == 2


def test_a_removed_entry_breaks_the_link_of_the_one_after_it() -> None:
    chain = build_chain(["a", "b", "c", "d"])
    del chain[1]
    report = verify(chain)
    assert report.broken is not None and report.broken.entry_id == 3
    assert "previous hash" in report.broken.reason


@given(st.lists(st.sampled_from(["cast", "changed", "opened", "closed"]), min_size=2, max_size=12),
       st.data())  # fmt: skip
@settings(max_examples=60)
def test_swapping_two_entries_is_always_detected(actions: list[str], data: st.DataObject) -> None:
    chain = build_chain(actions)
    first = data.draw(st.integers(0, len(chain) - 2))
    chain[first], chain[first + 1] = chain[first + 1], chain[first]
    assert not verify(chain).intact

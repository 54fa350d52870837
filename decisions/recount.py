"""Recount a motion from its published ballots: ``python -m decisions.recount export.json``.

Pure (uses decisions.domain only), so anyone can check a published result without the platform.
The platform stores exactly ``recount(export)`` of the export it publishes as the motion's result.

The export names the electorate by its size per party; ballots name their voter by an opaque key
(a user id or pseudonym for open ballots, the receipt hash for secret ones). Voters who did not vote
are filled in as ``absent-<party>-<n>`` keys, so quorum and per-party shares count everyone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from decisions.domain import Ballot, Electorate, Result, tally
from governance.parties import Party

FORMAT = "raumrat-ballots/1"
NO_PARTY = "none"


def party_key(party: str | None) -> str:
    return NO_PARTY if party is None else str(party)


def party_of(key: str) -> Party | None:
    return None if key == NO_PARTY else Party(key)


def electorate_and_ballots(export: Mapping[str, Any]) -> tuple[Electorate, list[Ballot]]:
    """The tally's input as the export describes it."""
    sizes: Counter[str] = Counter({str(key): int(value) for key, value in export["electorate"].items()})
    voters: dict[Any, Party | None] = {}
    proxies: dict[Any, Any] = {}
    ballots: list[Ballot] = []
    for entry in export["ballots"]:
        party = party_key(entry.get("party"))
        voters[entry["voter"]] = party_of(party)
        sizes[party] -= 1
        cast_by = entry.get("cast_by")
        if cast_by is not None:
            proxies[entry["voter"]] = cast_by
        ballots.append(Ballot(entry["voter"], choice_of(entry["choice"]), cast_by, entry.get("reason") or ""))
    for voter, holder in proxies.items():
        if holder not in voters:  # a proxy holder who did not vote for themselves
            party = party_key(voters[voter])
            voters[holder] = voters[voter]
            sizes[party] -= 1
    for party, missing in sizes.items():
        for number in range(max(missing, 0)):
            voters[f"absent-{party}-{number}"] = party_of(party)
    return Electorate(voters, proxies), ballots


def choice_of(choice: Any) -> Any:
    # Rankings and approvals arrive as JSON lists; ties inside a ranking as nested lists.
    if isinstance(choice, list):
        return tuple(tuple(item) if isinstance(item, list) else item for item in choice)
    return choice


def recount(export: Mapping[str, Any]) -> Result:
    motion = export["motion"]
    electorate, ballots = electorate_and_ballots(export)
    return tally(motion["method"], motion["parameters"], electorate, ballots)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ballots_digest(ballots: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of the (sorted) anonymised ballots, as sealed in the audit log."""
    return hashlib.sha256(canonical_json(list(ballots)).encode("utf-8")).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m decisions.recount <export.json>", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        export = json.load(handle)
    result = recount(export)
    print(f"outcome: {result.outcome.value}")
    print(f"ballots: {result.turnout.cast} of {result.turnout.electorate}")
    if export.get("ballots_digest"):
        digest = ballots_digest(export["ballots"])
        print(f"ballots digest: {digest} ({'matches' if digest == export['ballots_digest'] else 'DIFFERS'})")
    stored = export.get("result")
    if stored is not None:
        same = canonical_json(stored) == canonical_json(result.to_dict())
        print("matches the published result" if same else "DIFFERS from the published result")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Consent: agree, stand aside or object. One objection, with its reason, stops the motion."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from decisions.domain.counting import Counted
from decisions.domain.electorate import Electorate
from decisions.domain.errors import Problem
from decisions.domain.methods import ConsentChoice
from decisions.domain.parameters import MotionParameters
from decisions.domain.results import JsonMixin, Outcome
from governance.parties import Party

CHOICES = frozenset(ConsentChoice)
PARTY_ORDER = {party: position for position, party in enumerate(Party)}


@dataclass(frozen=True)
class ConsentCounts(JsonMixin):
    agree: int = 0
    stand_aside: int = 0
    object: int = 0


@dataclass(frozen=True)
class PartyConsent(JsonMixin):
    party: Party
    counts: ConsentCounts


@dataclass(frozen=True)
class Objection(JsonMixin):
    """An objection as published: the party and the reason, never the person."""

    party: Party | None
    reason: str
    by_proxy: bool


@dataclass(frozen=True)
class ConsentDetail(JsonMixin):
    counts: ConsentCounts
    parties: tuple[PartyConsent, ...]
    objections: tuple[Objection, ...]  # ordered by party, then reason, so ballot order never shows


def consent(
    parameters: MotionParameters, electorate: Electorate, counted: Counted
) -> tuple[Outcome, ConsentDetail]:
    """Blocked by any objection; accepted without objections when at least one person agrees;
    rejected when everyone who voted stood aside."""
    problems = counted.choice_problems("unknown_choice", lambda choice: not _is_consent_choice(choice))
    objections, reason_problems = _objections(electorate, counted)
    counted.raise_problems([*problems, *reason_problems])
    per_party: dict[Party | None, dict[str, int]] = {}
    for (party, choice), number in counted.counts.items():
        per_party.setdefault(party, {})[ConsentChoice(choice).value] = number
    by_party = {party: ConsentCounts(**numbers) for party, numbers in per_party.items()}
    overall = ConsentCounts(*(sum(getattr(c, name) for c in by_party.values()) for name in CHOICE_FIELDS))
    parties = tuple(
        PartyConsent(party, by_party.get(party, ConsentCounts())) for party in electorate.size_by_party
    )
    return _outcome(overall), ConsentDetail(overall, parties, objections)


def _outcome(counts: ConsentCounts) -> Outcome:
    if counts.object:
        return Outcome.BLOCKED
    return Outcome.ACCEPTED if counts.agree else Outcome.REJECTED


CHOICE_FIELDS = ("agree", "stand_aside", "object")


def _is_consent_choice(choice: Hashable) -> bool:
    return isinstance(choice, str) and choice in CHOICES


def _objections(electorate: Electorate, counted: Counted) -> tuple[tuple[Objection, ...], list[Problem]]:
    """Each objection with its reason; a problem for each objection without one."""
    objections: list[Objection] = []
    problems: list[Problem] = []
    if not counted.by_choice.get(ConsentChoice.OBJECT):
        return (), problems
    for index, choice in enumerate(counted.choices):
        if choice != ConsentChoice.OBJECT:
            continue
        ballot = counted.ballots[index]
        reason = ballot[3] if len(ballot) > 3 else ""
        reason = reason.strip() if isinstance(reason, str) else ""
        voter = counted.voters[index]
        if not reason:
            problems.append(Problem("objection_without_reason", voter=voter, index=index))
            continue
        party = electorate.voters.get(voter)
        objections.append(
            Objection(None if party is None else Party(party), reason, index in counted.proxied)
        )
    objections.sort(key=lambda o: (PARTY_ORDER.get(o.party, len(PARTY_ORDER)), o.reason, o.by_proxy))
    return tuple(objections), problems

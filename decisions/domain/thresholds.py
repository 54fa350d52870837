"""When do yes votes carry a motion? Simple majority, or a share (a Fraction) of a base."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any


class Base(StrEnum):
    """What a required share is counted of."""

    VALID_VOTES = "valid_votes"  # yes + no; abstentions are not valid votes
    ELECTORATE = "electorate"  # everyone who may vote (for a party: that party's voters)


@dataclass(frozen=True)
class Threshold:
    """``fraction=None`` is a simple majority: more yes than no votes (a tie is rejected).

    With a fraction, yes votes must reach at least that share of the base (more than the share when
    ``strictly_more``), and in any case outnumber the no votes, so no motion passes against a
    majority or without a single yes vote.
    """

    fraction: Fraction | None = None
    base: Base = Base.VALID_VOTES
    strictly_more: bool = False

    @property
    def is_simple_majority(self) -> bool:
        return self.fraction is None

    def passes(self, yes: int, no: int, electorate: int) -> bool:
        """Do ``yes`` and ``no`` votes carry the motion, given the size of the electorate?"""
        if yes <= no:
            return False
        if self.fraction is None:
            return True
        base = yes + no if self.base == Base.VALID_VOTES else electorate
        # Integer arithmetic: yes / base >= p / q  <=>  yes * q >= p * base.
        have, need = yes * self.fraction.denominator, self.fraction.numerator * base
        return have > need if self.strictly_more else have >= need

    def to_dict(self) -> dict[str, Any]:
        return {
            "fraction": None if self.fraction is None else str(self.fraction),
            "base": self.base.value,
            "strictly_more": self.strictly_more,
        }


SIMPLE_MAJORITY = Threshold()

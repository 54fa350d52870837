"""The voting methods, the choices on their ballots, and what each method means in plain words.

The descriptions are English msgids marked with ``N_`` (extracted by pybabel); the UI translates
them with ``gettext(description.summary)``. This module stays pure, so it cannot translate itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it here (gettext_noop)."""
    return message


class Method(StrEnum):
    SIMPLE_MAJORITY = "simple_majority"
    QUALIFIED_MAJORITY = "qualified_majority"
    CONSENT = "consent"
    EVERY_PARTY = "every_party"  # approval by every party ("all sides")
    RANKED_CHOICE = "ranked_choice"  # Schulze method
    APPROVAL_VOTING = "approval_voting"


class Vote(StrEnum):
    """A ballot's choice in simple majority, qualified majority and approval by every party."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class ConsentChoice(StrEnum):
    """A ballot's choice in a consent decision; an objection comes with a reason."""

    AGREE = "agree"
    STAND_ASIDE = "stand_aside"
    OBJECT = "object"


# Methods that choose among alternatives (options) rather than accept or reject one motion.
ALTERNATIVE_METHODS = frozenset({Method.RANKED_CHOICE, Method.APPROVAL_VOTING})


@dataclass(frozen=True)
class MethodDescription:
    """A method's name and a short explanation in plain words, both English msgids."""

    name: str
    summary: str


METHOD_DESCRIPTIONS: dict[Method, MethodDescription] = {
    Method.SIMPLE_MAJORITY: MethodDescription(
        N_("Simple majority"),
        N_(
            "Everyone votes yes, no or abstain. The motion is accepted when there are more yes votes "
            "than no votes. Abstentions do not count against it. A tie means the motion is rejected."
        ),
    ),
    Method.QUALIFIED_MAJORITY: MethodDescription(
        N_("Qualified majority"),
        N_(
            "Everyone votes yes, no or abstain. The motion needs a set share of yes votes, for example "
            "two thirds. The share is counted either of the yes and no votes, or of everyone who may "
            "vote. Abstentions are not yes votes. There must also be more yes votes than no votes."
        ),
    ),
    Method.CONSENT: MethodDescription(
        N_("Consent"),
        N_(
            "Everyone agrees, stands aside or objects. Whoever objects must say why. A single "
            "objection stops the motion, and everyone can read the reasons. Without objections the "
            "motion is accepted if at least one person agrees."
        ),
    ),
    Method.EVERY_PARTY: MethodDescription(
        N_("Approval by every party"),
        N_(
            "Each party named in the motion counts its own votes. The motion is accepted only when every "
            "one of these parties approves it with its own majority. If one party does not approve, the "
            "motion is rejected, however many votes it has overall. The result shows each party's votes."
        ),
    ),
    Method.RANKED_CHOICE: MethodDescription(
        N_("Ranked choice (Schulze method)"),
        N_(
            "Everyone puts the options in order, best first. You may leave options out: they count as "
            "your least favoured. Every option is compared with every other: how many people prefer one "
            "to the other. The winner is the option that does best in these comparisons, also through "
            "chains of comparisons. The result shows all comparisons."
        ),
    ),
    Method.APPROVAL_VOTING: MethodDescription(
        N_("Approval voting"),
        N_(
            "Everyone ticks every option they can accept, as many as they like. The option with the "
            "most ticks wins."
        ),
    ),
}

QUORUM_DESCRIPTION = N_(
    "A quorum is the share of people who must take part for the vote to count. Abstaining counts as "
    "taking part. If too few take part, the motion is not decided."
)
TIE_DESCRIPTION = N_(
    "When options are tied, the result says so and lists them in the order of the motion. The vote "
    "itself does not choose between them."
)

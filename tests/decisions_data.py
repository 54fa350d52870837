"""Shared set-up for the decisions tests: a space with members of several parties, and motions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decisions.services import motions
from decisions.services.motions import MotionInput, OptionInput
from governance.models import SpaceMembership

SPACE_CODE = "04011440"


@dataclass
class Voters:
    space: Any
    admin: Any
    facilitator: Any
    observer: Any
    outsider: Any
    by_party: dict[str, list[Any]] = field(default_factory=dict)

    def of(self, party: str, number: int = 0) -> Any:
        return self.by_party[party][number]

    @property
    def members(self) -> list[Any]:
        return [user for users in self.by_party.values() for user in users]

    def role(self, name: str) -> Any:
        if name == "anonymous":
            return None
        if name == "member":
            return self.of("beneficiary")
        return getattr(self, name)


def make_voters(session, make_user, space_by_code, **sizes: int) -> Voters:
    """A space with a facilitator (no party), an observer, an outsider, an administrator and members:
    ``make_voters(..., beneficiary=3, carrier=2)``."""
    space = space_by_code(SPACE_CODE)
    sizes = sizes or {"beneficiary": 3, "carrier": 2}
    voters = Voters(
        space=space,
        admin=make_user("admin", admin=True),
        facilitator=make_user("fritz"),
        observer=make_user("olga"),
        outsider=make_user("otto"),
    )
    session.add(SpaceMembership(space=space, user=voters.facilitator, role="facilitator", status="active"))
    session.add(SpaceMembership(space=space, user=voters.observer, role="observer", status="active"))
    for party, size in sizes.items():
        voters.by_party[party] = []
        for number in range(size):
            user = make_user(f"{party[:4]}{number}")
            session.add(SpaceMembership(space=space, user=user, role="member", party=party, status="active"))
            voters.by_party[party].append(user)
    session.commit()
    return voters


def motion_input(**values: Any) -> MotionInput:
    options = values.pop("options", None)
    values.setdefault("title", "Mehr Bänke im Park")
    values.setdefault("text", "Sollen im Bürgerpark zehn neue Bänke stehen?")
    if options is not None:
        values["options"] = [o if isinstance(o, OptionInput) else OptionInput(o) for o in options]
    return MotionInput(**values)


def open_motion(session, voters: Voters, **values: Any):
    motion = motions.create_motion(
        session, voters.facilitator, space_id=voters.space.id, values=motion_input(**values)
    )
    return motions.open_motion(session, voters.facilitator, motion.id)


def decisions_world(session, facilitator, space) -> int:
    """For the robustness sweep: an open consent motion of the demo space; returns its id."""
    motion = motions.create_motion(
        session, facilitator, space_id=space.id, values=motion_input(method="consent", interim_results=True)
    )
    motions.open_motion(session, facilitator, motion.id)
    return motion.id

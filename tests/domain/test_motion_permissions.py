"""Role × action × state grid for motions and ballots, without an app: who may open, vote, see interim
results, see who voted and what, in each state of a motion."""

from __future__ import annotations

import pytest

from decisions.permissions import (
    MotionContext,
    MotionNotAllowed,
    MotionPermission,
    MotionState,
    is_allowed,
    require,
)
from governance.parties import SpaceRole
from governance.permissions import ANONYMOUS, Actor

ROLES = {
    "anonymous": ANONYMOUS,
    "user": Actor(user_id=1),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "voter": Actor(user_id=1, space_role=SpaceRole.MEMBER),  # a member in the motion's electorate
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR),
    "admin": Actor(user_id=1, is_admin=True),
}
P = MotionPermission
S = MotionState
EVERYONE = set(ROLES)
INSIDERS = {"member", "voter", "observer", "facilitator", "admin"}
FACILITATION = {"facilitator", "admin"}


def expected(permission: MotionPermission, state: MotionState, *, secret: bool, interim: bool) -> set[str]:
    running = state in (S.OPEN, S.CLOSED)
    interim_shown = state == S.OPEN and interim and not secret
    return {
        P.VIEW: INSIDERS if state == S.DRAFT else EVERYONE,
        P.CREATE: FACILITATION,
        P.EDIT: FACILITATION if state == S.DRAFT else set(),
        P.OPEN: FACILITATION if state == S.DRAFT else set(),
        P.CLOSE: FACILITATION if state == S.OPEN else set(),
        P.CANCEL: FACILITATION if state in (S.DRAFT, S.OPEN) else set(),
        P.GRANT_PROXY: {"member", "voter", "facilitator"} if state == S.DRAFT else set(),
        P.VOTE: {"voter"} if state == S.OPEN else set(),
        P.VIEW_RESULTS: EVERYONE if state == S.CLOSED else (INSIDERS if interim_shown else set()),
        P.VIEW_PARTICIPANTS: INSIDERS if running else set(),
        P.VIEW_CHOICES: set() if secret else (INSIDERS if state == S.CLOSED or interim_shown else set()),
        P.EXPORT_BALLOTS: EVERYONE if state == S.CLOSED else set(),
    }[permission]


def allowed_roles(
    permission: MotionPermission, state: MotionState, *, secret: bool, interim: bool
) -> set[str]:
    allowed = set()
    for name, actor in ROLES.items():
        context = MotionContext(state, secret=secret, interim_results=interim, in_electorate=name == "voter")
        if is_allowed(actor, permission, context):
            allowed.add(name)
    return allowed


@pytest.mark.parametrize("secret", [False, True], ids=["open-ballot", "secret-ballot"])
@pytest.mark.parametrize("interim", [False, True], ids=["final-only", "interim"])
@pytest.mark.parametrize("state", list(MotionState))
@pytest.mark.parametrize("permission", list(MotionPermission))
def test_grid(permission: MotionPermission, state: MotionState, secret: bool, interim: bool) -> None:
    assert allowed_roles(permission, state, secret=secret, interim=interim) == expected(
        permission, state, secret=secret, interim=interim
    )


def test_a_proxy_holder_outside_the_electorate_may_still_vote_for_their_grantor() -> None:
    context = MotionContext(MotionState.OPEN, holds_proxy=True)
    assert is_allowed(ROLES["member"], MotionPermission.VOTE, context)
    with pytest.raises(MotionNotAllowed):
        require(ROLES["member"], MotionPermission.VOTE, MotionContext(MotionState.OPEN))

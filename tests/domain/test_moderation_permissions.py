"""Who moderates comments: a role × action grid (facilitators of the comment's space and administrators)."""

from __future__ import annotations

import pytest

from governance.parties import SpaceRole
from governance.permissions import ANONYMOUS, Actor
from moderation.permissions import ModerationNotAllowed, ModerationPermission, is_allowed, require

ROLES = {
    "anonymous": ANONYMOUS,
    "user": Actor(user_id=1),
    "member": Actor(user_id=1, space_role=SpaceRole.MEMBER),
    "observer": Actor(user_id=1, space_role=SpaceRole.OBSERVER),
    "facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR),
    "deactivated facilitator": Actor(user_id=1, space_role=SpaceRole.FACILITATOR, is_active=False),
    "admin": Actor(user_id=1, is_admin=True),
}
P = ModerationPermission
MODERATORS = {"facilitator", "admin"}
GRID = {
    P.VIEW_QUEUE: MODERATORS,
    P.VIEW_ALL_QUEUES: {"admin"},
    P.HIDE_COMMENT: MODERATORS,
    P.RESTORE_COMMENT: MODERATORS,
    P.DISMISS_REPORTS: MODERATORS,
    P.BLOCK_COMMENTER: MODERATORS,
    P.LIFT_BLOCK: MODERATORS,
    P.VIEW_LOG: set(ROLES),
}


@pytest.mark.parametrize("permission", list(ModerationPermission))
def test_moderation_grid(permission: ModerationPermission) -> None:
    allowed = {role for role, actor in ROLES.items() if is_allowed(actor, permission)}
    assert allowed == GRID[permission]


def test_a_member_who_tries_to_hide_a_comment_is_refused_with_the_rule_named() -> None:
    with pytest.raises(ModerationNotAllowed) as refused:
        require(ROLES["member"], P.HIDE_COMMENT)
    assert refused.value.permission == P.HIDE_COMMENT

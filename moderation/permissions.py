"""Named moderation rules. Pure: no Flask, no SQLAlchemy.

The actor (governance.permissions.Actor) is seen from the social space of the comment (or of the
block) in question: its facilitators moderate it, and so do administrators.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from core.errors import PermissionDenied
from governance.permissions import Actor


class ModerationPermission(StrEnum):
    VIEW_QUEUE = "moderation.view_queue"
    VIEW_ALL_QUEUES = "moderation.view_all_queues"
    HIDE_COMMENT = "moderation.hide_comment"
    RESTORE_COMMENT = "moderation.restore_comment"
    DISMISS_REPORTS = "moderation.dismiss_reports"
    BLOCK_COMMENTER = "moderation.block_commenter"
    LIFT_BLOCK = "moderation.lift_block"
    VIEW_LOG = "moderation.view_log"


def _everyone(actor: Actor) -> bool:
    return True


def _moderator(actor: Actor) -> bool:
    return actor.facilitates or actor.acts_as_admin


def _admin(actor: Actor) -> bool:
    return actor.acts_as_admin


RULES: dict[ModerationPermission, Callable[[Actor], bool]] = {
    ModerationPermission.VIEW_QUEUE: _moderator,
    ModerationPermission.VIEW_ALL_QUEUES: _admin,
    ModerationPermission.HIDE_COMMENT: _moderator,
    ModerationPermission.RESTORE_COMMENT: _moderator,
    ModerationPermission.DISMISS_REPORTS: _moderator,
    ModerationPermission.BLOCK_COMMENTER: _moderator,
    ModerationPermission.LIFT_BLOCK: _moderator,
    # The log names actions and public reasons only, never who reported: anyone may read it.
    ModerationPermission.VIEW_LOG: _everyone,
}


def is_allowed(actor: Actor, permission: ModerationPermission) -> bool:
    return RULES[permission](actor)


class ModerationNotAllowed(PermissionDenied):
    def __init__(self, permission: ModerationPermission):
        super().__init__(f"{permission.value} not allowed")
        self.permission = permission


def require(actor: Actor, permission: ModerationPermission) -> None:
    if not is_allowed(actor, permission):
        raise ModerationNotAllowed(permission)

"""The moderators' side of comments: the queue of reports, hiding with a public reason, restoring,
dismissing reports, blocking a member from commenting in a space, and the public moderation log.

Each action is one function that checks a named rule (moderation.permissions) for the comment's
space, changes the rows, writes one audit entry (details: space_id, document_id, comment_id or
user_id) and commits.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from agreements.domain.workflow import PUBLIC
from agreements.models import Document
from core import audit
from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound
from core.timeutil import utcnow
from governance.models import Space, User
from governance.services.actors import actor_for
from moderation.permissions import ModerationPermission, require
from participation.models import Comment, CommentingBlock, CommentReport

MAX_REASON = 1000
LOG_ACTIONS = (
    "comment.hidden",
    "comment.restored",
    "comment_report.dismissed",
    "commenting.blocked",
    "commenting.unblocked",
)
LOG_LIMIT = 200
QUEUE_LIMIT = 200


def _space(session: Session, space_id: int) -> Space:
    space = session.get(Space, space_id)
    if space is None:
        raise NotFound("space not found")
    return space


def _require_in_space(
    session: Session, user: Any, space_id: int | None, permission: ModerationPermission
) -> None:
    require(actor_for(session, user, space_id=space_id), permission)


def _comment(session: Session, user: Any, comment_id: int, permission: ModerationPermission) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("comment not found")
    _require_in_space(session, user, comment.document.space_id, permission)
    return comment


def _reason(reason: str, *, required: bool = True) -> str:
    cleaned = (reason or "").strip()
    if required and not cleaned:
        raise InvalidInput("reason required", field_errors={"reason": ["required"]})
    if len(cleaned) > MAX_REASON:
        raise InvalidInput("reason too long", field_errors={"reason": ["too_long"]})
    return cleaned


def _details(comment: Comment, **more: Any) -> dict[str, Any]:
    return {
        "space_id": comment.document.space_id,
        "document_id": comment.document_id,
        "comment_id": comment.id,
        **more,
    }


def _open_reports(session: Session, comment_id: int) -> list[CommentReport]:
    return list(
        session.scalars(
            select(CommentReport).where(
                CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None)
            )
        )
    )


def _resolve(reports: list[CommentReport], user: User, resolution: str) -> None:
    now = utcnow()
    for report in reports:
        report.resolved_at = now
        report.resolved_by_id = user.id
        report.resolution = resolution


# --- the queue ---------------------------------------------------------------------------------


@dataclass
class QueueItem:
    comment: Comment
    reasons: list[str] = field(default_factory=list)
    first_reported_at: datetime | None = None


@dataclass
class Queue:
    space: Space | None
    items: list[QueueItem]
    hidden: list[Comment]
    blocks: list[CommentingBlock]


def queue(session: Session, user: Any, space_id: int | None) -> Queue:
    """Open reports grouped by comment (oldest first), hidden comments and active blocks, for one
    space or (administrators) for all."""
    space = None
    if space_id is None:
        _require_in_space(session, user, None, ModerationPermission.VIEW_ALL_QUEUES)
    else:
        space = _space(session, space_id)
        _require_in_space(session, user, space_id, ModerationPermission.VIEW_QUEUE)
    reports = select(CommentReport).join(Comment, CommentReport.comment_id == Comment.id)
    reports = reports.join(Document, Comment.document_id == Document.id).where(
        CommentReport.resolved_at.is_(None)
    )
    hidden = (
        select(Comment)
        .join(Document, Comment.document_id == Document.id)
        .where(Comment.hidden_at.is_not(None))
    )
    blocks = select(CommentingBlock).where(CommentingBlock.lifted_at.is_(None))
    if space_id is not None:
        reports = reports.where(Document.space_id == space_id)
        hidden = hidden.where(Document.space_id == space_id)
        blocks = blocks.where(CommentingBlock.space_id == space_id)
    items: OrderedDict[int, QueueItem] = OrderedDict()
    rows = session.scalars(
        reports.options(
            joinedload(CommentReport.comment).joinedload(Comment.author),
            joinedload(CommentReport.comment).joinedload(Comment.document).joinedload(Document.space),
        )
        .order_by(CommentReport.created_at, CommentReport.id)
        .limit(QUEUE_LIMIT)
    )
    for report in rows:
        item = items.setdefault(report.comment_id, QueueItem(report.comment, [], report.created_at))
        item.reasons.append(report.reason)
    return Queue(
        space=space,
        items=list(items.values()),
        hidden=list(
            session.scalars(
                hidden.options(joinedload(Comment.author), joinedload(Comment.document))
                .order_by(Comment.hidden_at.desc())
                .limit(QUEUE_LIMIT)
            )
        ),
        blocks=list(
            session.scalars(
                blocks.options(joinedload(CommentingBlock.user)).order_by(CommentingBlock.created_at.desc())
            )
        ),
    )


# --- actions -----------------------------------------------------------------------------------


def hide_comment(session: Session, user: User, comment_id: int, *, reason: str) -> Comment:
    comment = _comment(session, user, comment_id, ModerationPermission.HIDE_COMMENT)
    public_reason = _reason(reason)
    if comment.hidden_at is not None:
        raise Conflict("comment already hidden")
    comment.hidden_at = utcnow()
    comment.hidden_reason = public_reason
    comment.hidden_by_id = user.id
    reports = _open_reports(session, comment.id)
    _resolve(reports, user, "hidden")
    audit.record(
        session, actor_id=user.id, action="comment.hidden", object_type="comment", object_id=comment.id,
        details=_details(comment, reason=public_reason, reports=len(reports)),
    )  # fmt: skip
    session.commit()
    return comment


def restore_comment(session: Session, user: User, comment_id: int, *, reason: str = "") -> Comment:
    comment = _comment(session, user, comment_id, ModerationPermission.RESTORE_COMMENT)
    public_reason = _reason(reason, required=False)
    if comment.hidden_at is None:
        raise Conflict("comment is not hidden")
    comment.hidden_at = None
    comment.hidden_reason = ""
    comment.hidden_by_id = None
    audit.record(
        session, actor_id=user.id, action="comment.restored", object_type="comment", object_id=comment.id,
        details=_details(comment, reason=public_reason),
    )  # fmt: skip
    session.commit()
    return comment


def dismiss_reports(session: Session, user: User, comment_id: int) -> int:
    """The reported comment stays as it is: its open reports are closed."""
    comment = _comment(session, user, comment_id, ModerationPermission.DISMISS_REPORTS)
    reports = _open_reports(session, comment.id)
    if not reports:
        raise Conflict("no open reports")
    _resolve(reports, user, "dismissed")
    audit.record(
        session, actor_id=user.id, action="comment_report.dismissed", object_type="comment",
        object_id=comment.id, details=_details(comment, reports=len(reports)),
    )  # fmt: skip
    session.commit()
    return len(reports)


def active_block(session: Session, space_id: int, user_id: int) -> CommentingBlock | None:
    return session.scalar(
        select(CommentingBlock).where(
            CommentingBlock.space_id == space_id,
            CommentingBlock.user_id == user_id,
            CommentingBlock.lifted_at.is_(None),
        )
    )


def block_commenter(
    session: Session, user: User, space_id: int, *, user_id: int, reason: str, document_id: int | None = None
) -> CommentingBlock:
    _space(session, space_id)
    _require_in_space(session, user, space_id, ModerationPermission.BLOCK_COMMENTER)
    public_reason = _reason(reason)
    target = session.get(User, user_id)
    if target is None:
        raise InvalidInput("unknown user", field_errors={"user_id": ["unknown"]})
    if target.id == user.id:
        raise InvalidInput("cannot block oneself", field_errors={"user_id": ["self"]})
    if active_block(session, space_id, target.id) is not None:
        raise Conflict("already blocked")
    block = CommentingBlock(space_id=space_id, user_id=target.id, reason=public_reason, created_by_id=user.id)
    session.add(block)
    session.flush()
    audit.record(
        session, actor_id=user.id, action="commenting.blocked", object_type="commenting_block",
        object_id=block.id,
        details={
            "space_id": space_id, "document_id": document_id, "user_id": target.id, "reason": public_reason,
        },
    )  # fmt: skip
    session.commit()
    return block


def lift_block(session: Session, user: User, space_id: int, block_id: int) -> CommentingBlock:
    block = session.get(CommentingBlock, block_id)
    if block is None or block.space_id != space_id:
        raise NotFound("block not found")
    _require_in_space(session, user, space_id, ModerationPermission.LIFT_BLOCK)
    if block.lifted_at is not None:
        raise Conflict("block already lifted")
    block.lifted_at = utcnow()
    block.lifted_by_id = user.id
    audit.record(
        session, actor_id=user.id, action="commenting.unblocked", object_type="commenting_block",
        object_id=block.id, details={"space_id": space_id, "document_id": None, "user_id": block.user_id},
    )  # fmt: skip
    session.commit()
    return block


# --- the public log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    action: str
    reason: str
    document: Document | None


def moderation_log(session: Session, user: Any, space_id: int) -> tuple[Space, list[LogEntry]]:
    """What moderation did in the space, newest first: date, action, public reason, the agreement.
    Never who reported, and never who was blocked."""
    space = _space(session, space_id)
    _require_in_space(session, user, space_id, ModerationPermission.VIEW_LOG)
    rows = session.execute(
        select(AuditEntry.created_at, AuditEntry.action, AuditEntry.details)
        .where(
            AuditEntry.action.in_(LOG_ACTIONS),
            AuditEntry.details["space_id"].as_integer() == space_id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(LOG_LIMIT)
    ).all()
    document_ids = {
        row.details.get("document_id") for row in rows if isinstance(row.details.get("document_id"), int)
    }
    documents = (
        {
            doc.id: doc
            # A draft's title is not public: the log names only agreements anyone may read.
            for doc in session.scalars(
                select(Document).where(Document.id.in_(document_ids), Document.status.in_(PUBLIC))
            )
        }
        if document_ids
        else {}
    )
    entries = [
        LogEntry(
            at=row.created_at,
            action=row.action,
            reason=str(row.details.get("reason") or ""),
            document=documents.get(row.details.get("document_id")),
        )
        for row in rows
    ]
    return space, entries


def ensure_may_moderate(session: Session, user: Any, comment_id: int) -> None:
    """Refuse (403/404) before showing form errors to someone who may not moderate the comment."""
    _comment(session, user, comment_id, ModerationPermission.HIDE_COMMENT)


def ensure_may_moderate_space(session: Session, user: Any, space_id: int) -> None:
    _space(session, space_id)
    _require_in_space(session, user, space_id, ModerationPermission.BLOCK_COMMENTER)

"""Writing comments: post (on an agreement, a section of a version, an amendment; as a reply),
edit with history, delete leaving a placeholder, report to the moderators.

Each function checks the named rule of participation.permissions, changes data, writes one audit
entry (notifications are derived from them) and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from agreements.models import DocumentVersion, VersionSection
from core import audit
from core.errors import Conflict, InvalidInput, NotFound
from core.timeutil import utcnow
from governance.models import SpaceMembership, User
from governance.parties import MembershipStatus
from participation.domain import mentions
from participation.models import Comment, CommentReport, CommentRevision
from participation.permissions import ParticipationPermission as P
from participation.permissions import require
from participation.services.access import (
    MAX_COMMENT,
    MAX_REASON,
    Participation,
    amendment_of,
    author_membership,
    checked_text,
    participation,
)


@dataclass(frozen=True)
class Target:
    """What a new comment is about: the agreement, a section of a version, or an amendment."""

    version_number: int | None = None
    section_key: str | None = None
    amendment_id: int | None = None


def _section_version(session: Session, document_id: int, number: int, key: str) -> DocumentVersion:
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document_id, DocumentVersion.number == number
        )
    )
    if version is None:
        raise NotFound("version not found")
    has_section = session.scalar(
        select(VersionSection.id).where(VersionSection.version_id == version.id, VersionSection.key == key)
    )
    if has_section is None:
        raise NotFound("section not found")
    return version


def mentioned_user_ids(session: Session, space_id: int | None, body: str, author_id: int) -> list[int]:
    """Active members of the space named with @Name or @[Name with spaces], in order of mention."""
    names = mentions.mentioned_names(body)
    if not names or space_id is None:
        return []
    lowered = {name.lower() for name in names}
    rows = session.execute(
        select(User.id, User.pseudonym, User.display_name)
        .join(SpaceMembership, SpaceMembership.user_id == User.id)
        .where(
            SpaceMembership.space_id == space_id,
            SpaceMembership.status == MembershipStatus.ACTIVE,
            User.deleted_at.is_(None),
            or_(func.lower(User.pseudonym).in_(lowered), func.lower(User.display_name).in_(lowered)),
        )
    )
    people = {row.id: row.pseudonym or row.display_name for row in rows}
    return [user_id for user_id in mentions.resolve(names, people) if user_id != author_id]


def post_comment(
    session: Session,
    user: Any,
    document_id: int,
    body: str,
    *,
    target: Target | None = None,
    parent_id: int | None = None,
    as_pseudonym: bool = False,
) -> Comment:
    """A new comment, or a reply when ``parent_id`` is given (then the parent's target is used)."""
    part = participation(session, user, document_id)
    document = part.document
    parent: Comment | None = None
    target = target or Target()
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.document_id != document.id:
            raise NotFound("comment not found")
        require(part.actor, P.REPLY, part.about(is_author=False, deleted=parent.deleted_at is not None))
    else:
        require(part.actor, P.COMMENT, part.context)
    text = checked_text(body, "body", MAX_COMMENT)
    if as_pseudonym and not part.user.pseudonym:
        raise InvalidInput("no pseudonym", field_errors={"as_pseudonym": ["no_pseudonym"]})
    comment = Comment(document_id=document.id, author_id=part.user.id, body=text, as_pseudonym=as_pseudonym)
    if parent is not None:
        comment.parent_id = parent.id
        comment.thread_id = parent.thread_id or parent.id
        comment.version_id, comment.section_key = parent.version_id, parent.section_key
        comment.amendment_id = parent.amendment_id
    elif target.amendment_id is not None:
        comment.amendment_id = amendment_of(session, document, target.amendment_id).id
    elif target.section_key is not None and target.version_number is not None:
        version = _section_version(session, document.id, target.version_number, target.section_key)
        comment.version_id, comment.section_key = version.id, target.section_key
    membership = author_membership(session, part.user, document.space_id)
    if membership is not None and not as_pseudonym:
        comment.party = membership.party
        comment.organisation_id = membership.organisation_id
    elif membership is not None:
        # Under a pseudonym the organisation is not shown, but the party still counts in tallies.
        comment.party = membership.party
    session.add(comment)
    session.flush()
    if comment.thread_id is None:
        comment.thread_id = comment.id
    mentioned = mentioned_user_ids(session, document.space_id, text, part.user.id)
    audit.record(
        session,
        actor_id=part.user.id,
        action="comment.created",
        object_type="comment",
        object_id=comment.id,
        details={
            "document_id": document.id,
            "amendment_id": comment.amendment_id,
            "version_id": comment.version_id,
            "section_key": comment.section_key,
            "parent_id": comment.parent_id,
            "parent_author_id": parent.author_id if parent is not None else None,
            "mentioned_user_ids": mentioned,
            "space_id": document.space_id,
        },
    )
    session.commit()
    return comment


def _own_comment(session: Session, user: Any, comment_id: int) -> tuple[Comment, Participation]:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("comment not found")
    part = participation(session, user, comment.document_id)
    return comment, part


def _about(part: Participation, comment: Comment):
    return part.about(
        is_author=part.user is not None and comment.author_id == part.user.id,
        deleted=comment.deleted_at is not None,
        hidden=comment.hidden_at is not None,
    )


def comment_for(session: Session, user: Any, comment_id: int, permission: P) -> tuple[Comment, Participation]:
    """A comment the user may act on with ``permission`` (for the forms' pages)."""
    comment, part = _own_comment(session, user, comment_id)
    require(part.actor, permission, _about(part, comment))
    return comment, part


def edit_comment(session: Session, user: Any, comment_id: int, body: str, *, base_revision: int) -> Comment:
    comment, part = comment_for(session, user, comment_id, P.EDIT_OWN)
    text = checked_text(body, "body", MAX_COMMENT)
    if base_revision != comment.revision:
        raise Conflict("changed meanwhile", field_errors={"body": ["changed_meanwhile"]})
    if text == comment.body:
        return comment
    session.add(
        CommentRevision(
            comment_id=comment.id,
            revision=comment.revision,
            body=comment.body,
            written_at=comment.edited_at or comment.created_at,
        )
    )
    comment.body = text
    comment.revision += 1
    comment.edited_at = utcnow()
    audit.record(
        session,
        actor_id=part.user.id,
        action="comment.edited",
        object_type="comment",
        object_id=comment.id,
        details={
            "document_id": comment.document_id,
            "amendment_id": comment.amendment_id,
            "revision": comment.revision,
            "mentioned_user_ids": mentioned_user_ids(session, part.document.space_id, text, part.user.id),
            "space_id": part.document.space_id,
        },
    )
    session.commit()
    return comment


def delete_comment(session: Session, user: Any, comment_id: int) -> Comment:
    """The text and its history go; a placeholder keeps the replies in their place."""
    comment, part = comment_for(session, user, comment_id, P.DELETE_OWN)
    comment.deleted_at = utcnow()
    comment.body = ""
    for revision in session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)):
        session.delete(revision)
    audit.record(
        session,
        actor_id=part.user.id,
        action="comment.deleted",
        object_type="comment",
        object_id=comment.id,
        details={
            "document_id": comment.document_id,
            "amendment_id": comment.amendment_id,
            "space_id": part.document.space_id,
        },
    )
    session.commit()
    return comment


def report_comment(session: Session, user: Any, comment_id: int, reason: str) -> CommentReport:
    comment, part = comment_for(session, user, comment_id, P.REPORT)
    text = checked_text(reason, "reason", MAX_REASON)
    open_report = session.scalar(
        select(CommentReport.id).where(
            CommentReport.comment_id == comment.id,
            CommentReport.reporter_id == part.user.id,
            CommentReport.resolved_at.is_(None),
        )
    )
    if open_report is not None:
        raise InvalidInput("already reported", field_errors={"reason": ["already_reported"]})
    report = CommentReport(comment_id=comment.id, reporter_id=part.user.id, reason=text)
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor_id=part.user.id,
        action="comment.reported",
        object_type="comment",
        object_id=comment.id,
        details={
            "document_id": comment.document_id,
            "report_id": report.id,
            "space_id": part.document.space_id,
        },
    )
    session.commit()
    return report


def history(session: Session, user: Any, comment_id: int) -> tuple[Comment, list[CommentRevision]]:
    """A comment's earlier texts, newest first; for everyone who may read the agreement. Hidden and
    deleted comments show no history."""
    comment, _ = _own_comment(session, user, comment_id)
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return comment, []
    revisions = session.scalars(
        select(CommentRevision)
        .where(CommentRevision.comment_id == comment.id)
        .order_by(CommentRevision.revision.desc())
    )
    return comment, list(revisions)

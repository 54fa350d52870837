"""Reading comment threads: a page of threads of one target with all their replies, supports per
party and what the viewer may do, with a fixed number of queries whatever the number of comments.

Queries for a thread page: the agreement and the viewer (see access.participation), the number of
comments and threads, one page of first comments, all replies of those threads, supports per party,
the viewer's own supports, and (agreements and amendments) the statements and the organisations the
viewer speaks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from agreements.models import DocumentVersion, VersionSection
from amendments.models import Amendment
from core.errors import NotFound
from governance.models import Organisation
from participation.models import Comment, Statement
from participation.permissions import ParticipationPermission as P
from participation.permissions import is_allowed, refusal_reason
from participation.services import statements as statement_service
from participation.services.access import Participation, amendment_of, participation
from participation.services.support import counts_by_party, supported_by

THREADS_PER_PAGE = 50
# The agreement page shows the newest threads only, and links to the thread's own pages.
PANEL_THREADS = 20
MAX_PAGE = 10_000


@dataclass
class CommentView:
    comment: Comment
    depth: int
    replies: list[CommentView] = field(default_factory=list)
    supports: dict[str | None, int] = field(default_factory=dict)
    supported: bool = False
    may_reply: bool = False
    may_edit: bool = False
    may_delete: bool = False
    may_report: bool = False
    may_support: bool = False

    @property
    def support_total(self) -> int:
        return sum(self.supports.values())


@dataclass
class Thread:
    part: Participation
    kind: str  # "agreement", "section" or "amendment"
    version: DocumentVersion | None
    section: VersionSection | None
    amendment: Amendment | None
    roots: list[CommentView]
    comment_count: int
    thread_count: int
    page: int
    per_page: int
    statements: list[Statement]
    statement_organisations: list[Organisation]
    may_comment: bool
    refusal: str

    @property
    def document(self) -> Any:
        return self.part.document

    @property
    def has_more(self) -> bool:
        return self.page * self.per_page < self.thread_count

    @property
    def is_excerpt(self) -> bool:
        """Only the newest threads, on another page (the agreement page); the rest on the thread's pages."""
        return self.per_page < THREADS_PER_PAGE

    @property
    def dom_id(self) -> str:
        if self.kind == "section":
            assert self.version is not None and self.section is not None
            return f"comments-v{self.version.number}-{self.section.key}"
        if self.kind == "amendment":
            assert self.amendment is not None
            return f"comments-amendment-{self.amendment.id}"
        return "comments"

    @property
    def takes_statements(self) -> bool:
        return self.kind in ("agreement", "amendment")

    @property
    def url_values(self) -> dict[str, Any]:
        """The values of the thread's URL (participation.thread and its variants)."""
        values: dict[str, Any] = {"document_id": self.document.id}
        if self.kind == "section":
            assert self.version is not None and self.section is not None
            values.update(number=self.version.number, key=self.section.key)
        elif self.kind == "amendment":
            assert self.amendment is not None
            values.update(amendment_id=self.amendment.id)
        return values

    @property
    def endpoint(self) -> str:
        return {"agreement": "participation.thread", "section": "participation.section_thread"}.get(
            self.kind, "participation.amendment_thread"
        )


def _section(
    session: Session, document_id: int, number: int, key: str
) -> tuple[DocumentVersion, VersionSection]:
    row = session.execute(
        select(DocumentVersion, VersionSection)
        .join(VersionSection, VersionSection.version_id == DocumentVersion.id)
        .where(
            DocumentVersion.document_id == document_id,
            DocumentVersion.number == number,
            VersionSection.key == key,
        )
    ).first()
    if row is None:
        raise NotFound("section not found")
    return row[0], row[1]


def _views(part: Participation, comments: list[Comment], roots: list[Comment]) -> list[CommentView]:
    """The comments as trees under their threads' first comments, with what the viewer may do."""
    user_id = part.user.id if part.user is not None else None
    views: dict[int, CommentView] = {}
    for comment in [*roots, *comments]:
        about = part.about(
            is_author=user_id is not None and comment.author_id == user_id,
            deleted=comment.deleted_at is not None,
            hidden=comment.hidden_at is not None,
        )
        views[comment.id] = CommentView(
            comment=comment,
            depth=0,
            may_reply=is_allowed(part.actor, P.REPLY, about),
            may_edit=is_allowed(part.actor, P.EDIT_OWN, about),
            may_delete=is_allowed(part.actor, P.DELETE_OWN, about),
            may_report=is_allowed(part.actor, P.REPORT, about) and comment.hidden_at is None,
            may_support=is_allowed(part.actor, P.SUPPORT, about),
        )
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        parent = views.get(comment.parent_id) if comment.parent_id is not None else None
        if parent is not None:
            view = views[comment.id]
            parent.replies.append(view)
    # Depth for the indentation: walk down from each thread's first comment.
    stack = [views[root.id] for root in roots]
    while stack:
        view = stack.pop()
        for reply in view.replies:
            reply.depth = view.depth + 1
            stack.append(reply)
    return [views[root.id] for root in roots]


def thread(
    session: Session,
    user: Any,
    document_id: int,
    *,
    version_number: int | None = None,
    section_key: str | None = None,
    amendment_id: int | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> Thread:
    part = participation(session, user, document_id)
    document = part.document
    version = section = amendment = None
    condition = [Comment.document_id == document.id]
    if amendment_id is not None:
        amendment = amendment_of(session, document, amendment_id)
        kind = "amendment"
        condition.append(Comment.amendment_id == amendment.id)
    elif version_number is not None and section_key is not None:
        version, section = _section(session, document.id, version_number, section_key)
        kind = "section"
        condition += [Comment.version_id == version.id, Comment.section_key == section.key]
    else:
        kind = "agreement"
        condition += [Comment.version_id.is_(None), Comment.amendment_id.is_(None)]
    page = max(1, min(page, MAX_PAGE))
    per_page = per_page or THREADS_PER_PAGE
    comment_count, thread_count = session.execute(
        select(
            func.count(Comment.id),
            func.coalesce(func.sum(case((Comment.parent_id.is_(None), 1), else_=0)), 0),
        ).where(*condition)
    ).one()
    with_people = (joinedload(Comment.author), joinedload(Comment.organisation))
    roots = list(
        session.scalars(
            select(Comment)
            .where(*condition, Comment.parent_id.is_(None))
            .options(*with_people)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    root_ids = [root.id for root in roots]
    replies = (
        list(
            session.scalars(
                select(Comment)
                .where(Comment.thread_id.in_(root_ids), Comment.parent_id.is_not(None))
                .options(*with_people)
            )
        )
        if root_ids
        else []
    )
    views = _views(part, replies, roots)
    ids = root_ids + [reply.id for reply in replies]
    counts = counts_by_party(session, "comment", ids)
    mine = supported_by(session, part.user, "comment", ids)
    stack = list(views)
    while stack:
        view = stack.pop()
        view.supports = counts.get(view.comment.id, {})
        view.supported = view.comment.id in mine
        stack.extend(view.replies)
    statements: list[Statement] = []
    organisations: list[Organisation] = []
    if kind in ("agreement", "amendment"):
        statements = statement_service.statements_of(
            session, document.id, amendment.id if amendment else None
        )
        if part.user is not None:
            organisations = statement_service.may_state_for(
                part, statement_service.represented_organisations(session, part.user)
            )
    may_comment = is_allowed(part.actor, P.COMMENT, part.context)
    return Thread(
        part=part,
        kind=kind,
        version=version,
        section=section,
        amendment=amendment,
        roots=views,
        comment_count=comment_count,
        thread_count=thread_count,
        page=page,
        per_page=per_page,
        statements=statements,
        statement_organisations=organisations,
        may_comment=may_comment,
        refusal="" if may_comment else refusal_reason(part.actor, part.context),
    )


def section_counts(session: Session, version_id: int) -> dict[str, int]:
    """Comments per section key of one version (deleted ones included: their replies still count)."""
    rows = session.execute(
        select(Comment.section_key, func.count(Comment.id))
        .where(Comment.version_id == version_id)
        .group_by(Comment.section_key)
    )
    return {key: count for key, count in rows if key is not None}

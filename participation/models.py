"""Persistence of comments (the other participation tables live beside them in this package)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.models import Document
from amendments.models import Amendment
from core.extensions import db
from core.timeutil import utcnow
from governance.models import Organisation, User


class Comment(db.Model):
    """A comment on an agreement, on one section of one version, or on an amendment; threaded."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Always set, so an agreement's comments come in one query whatever they are about.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # A section comment names the version and the section's key.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"), index=True)
    section_key: Mapped[str | None] = mapped_column(String(40))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # The thread's first comment (the comment itself when it starts a thread): a page of threads
    # and all their replies come in two queries, however deep the replies go.
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The party and organisation the author spoke for when writing (from their membership).
    party: Mapped[str | None] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # Shown under the author's pseudonym only (no organisation) when they chose so.
    as_pseudonym: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on every edit (optimistic locking, and the number of entries in the history).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship()
    amendment: Mapped[Amendment | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_section_comment(self) -> bool:
        return self.section_key is not None


class CommentRevision(db.Model):
    """A comment's earlier text, kept on each edit so the history stays visible."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(DateTime)


class CommentReport(db.Model):
    """Somebody's report of a comment to the space's moderators, with a reason."""

    __tablename__ = "comment_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when a moderator dealt with it (hid the comment or found nothing wrong).
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    comment: Mapped[Comment] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class CommentingBlock(db.Model):
    """A member blocked from commenting in one space by its moderators, until lifted."""

    __tablename__ = "commenting_blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Statement(db.Model):
    """A formal statement (Stellungnahme): a position an organisation's representative publishes on
    behalf of the organisation, on an agreement or on one of its amendments."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The party the organisation speaks for: the author's party in the space, else the
    # organisation's kind (snapshot when published).
    party: Mapped[str | None] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    document: Mapped[Document] = relationship()
    amendment: Mapped[Amendment | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()


class Support(db.Model):
    """One person's support (+1) for a comment or an amendment; counted per party."""

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_supports_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The agreement the comment or amendment belongs to, so a page's supports come in one query.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # "comment" or "amendment".
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The supporter's party in the space when they gave it (NULL: registered user without one).
    party: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

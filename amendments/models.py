"""Persistence of amendments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agreements.models import Document, DocumentVersion
from core.extensions import db
from core.timeutil import utcnow
from governance.models import Organisation, User


class Amendment(db.Model):
    """A proposed change (new text), new section or removal, against one published version."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # Shown as "A 3": numbered per agreement.
    number: Mapped[int] = mapped_column(Integer)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), index=True)
    # "change", "add" or "remove".
    kind: Mapped[str] = mapped_column(String(20))
    # The section changed or removed; for "add", the key the new section gets.
    section_key: Mapped[str] = mapped_column(String(40))
    # For "add": the section after which the new one goes (NULL: at the start).
    after_section_key: Mapped[str | None] = mapped_column(String(40))
    section_kind: Mapped[str | None] = mapped_column(String(30))
    proposed_title: Mapped[str] = mapped_column(String(300), default="")
    proposed_body: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    # open, accepted, rejected, withdrawn, voting, merged (see amendments.domain).
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The party and organisation the author spoke for when proposing.
    party: Mapped[str | None] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # When the text went into the working draft, and the published version that first contains it.
    merged_at: Mapped[datetime | None] = mapped_column(DateTime)
    merged_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))

    document: Mapped[Document] = relationship()
    base_version: Mapped[DocumentVersion] = relationship(foreign_keys=[base_version_id])
    merged_version: Mapped[DocumentVersion | None] = relationship(foreign_keys=[merged_version_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    organisation: Mapped[Organisation | None] = relationship()

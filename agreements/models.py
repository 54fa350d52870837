"""Persistence of agreements and frameworks.

Both are *documents*: a working draft of ordered sections, and frozen, numbered versions. Versions
and their sections are append-only (a listener refuses updates and deletes), so a version's
permalink always shows the same text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow
from governance.models import Organisation, Space, User


class Document(db.Model):
    """An agreement of a social space (kind "agreement") or a Land-wide framework ("framework")."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    preamble: Mapped[str] = mapped_column(Text, default="")
    # Agreements belong to a space; frameworks to the whole Land (NULL).
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # The framework version an agreement adopted (NULL for frameworks or agreements without one).
    # use_alter: documents and versions refer to each other, so this key is added after both tables.
    framework_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", use_alter=True)
    )
    # Framework drafts: the requirements the next version will state (see domain.compliance).
    draft_requirements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consultation_starts_on: Mapped[date | None] = mapped_column(Date)
    consultation_ends_on: Mapped[date | None] = mapped_column(Date)
    # Who may comment during consultation: "registered" or "members".
    consultation_audience: Mapped[str] = mapped_column(String(20), default="registered")
    in_force_from: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped on every change of the draft's title or preamble (optimistic locking).
    draft_revision: Mapped[int] = mapped_column(Integer, default=1)

    space: Mapped[Space | None] = relationship()
    framework_version: Mapped[DocumentVersion | None] = relationship(foreign_keys=[framework_version_id])
    draft_sections: Mapped[list[DraftSection]] = relationship(
        back_populates="document", order_by="DraftSection.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        foreign_keys="DocumentVersion.document_id",
        order_by="DocumentVersion.number",
    )
    parties: Mapped[list[DocumentParty]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class DocumentParty(db.Model):
    """An organisation that is party to (signs) an agreement."""

    __tablename__ = "document_parties"
    __table_args__ = (UniqueConstraint("document_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The party the organisation speaks for in this agreement (beneficiary side via advocacy, …).
    party: Mapped[str] = mapped_column(String(30))

    document: Mapped[Document] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()


class SectionColumns:
    """Columns shared by draft sections and frozen version sections."""

    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    plain_language: Mapped[str] = mapped_column(Text, default="")
    # Lists of dicts: indicators (name, unit, baseline, target, data_source, responsible_party),
    # budget lines (label, amount_euros, funded_by).
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    budget_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_date: Mapped[date | None] = mapped_column(Date)


class DraftSection(SectionColumns, db.Model):
    """A section of the working draft; ``revision`` guards against lost updates."""

    __tablename__ = "draft_sections"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="draft_sections")


class DocumentVersion(db.Model):
    """A frozen, numbered state of a document (Fassung). Never changed after it is written."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    preamble: Mapped[str] = mapped_column(Text, default="")
    change_summary: Mapped[str] = mapped_column(Text, default="")
    # The document's status when this version was published (e.g. "consultation").
    status_at_publication: Mapped[str] = mapped_column(String(20))
    # Frameworks: requirements for adopting agreements. Agreements: snapshot of parties.
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parties_snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    framework_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    author: Mapped[User | None] = relationship()
    sections: Mapped[list[VersionSection]] = relationship(
        back_populates="version", order_by="VersionSection.position"
    )


class VersionSection(SectionColumns, db.Model):
    __tablename__ = "version_sections"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), index=True)

    version: Mapped[DocumentVersion] = relationship(back_populates="sections")


class StatusChange(db.Model):
    """One step on an agreement's timeline (also recorded in the audit log)."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    transition: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class FrozenVersionChanged(Exception):
    pass


@event.listens_for(DocumentVersion, "before_update")
@event.listens_for(DocumentVersion, "before_delete")
@event.listens_for(VersionSection, "before_update")
@event.listens_for(VersionSection, "before_delete")
def _versions_are_append_only(mapper, connection, target) -> None:
    raise FrozenVersionChanged("published versions are never changed or deleted")

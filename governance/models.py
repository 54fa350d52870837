"""Persistence of the governance domain (SQLAlchemy 2.0 typed models).

Models hold data and simple derived values only; rules live in ``permissions`` and the services.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Lower-cased; NULL once the account is deleted so the address can be used again.
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    # Shown instead of the real name when set, so beneficiaries need not reveal who they are.
    pseudonym: Mapped[str | None] = mapped_column(String(60), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="de")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Flask-Login reads ``is_active``; deactivated accounts cannot sign in.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on password change, deactivation and deletion: invalidates sessions and reset links.
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    memberships: Mapped[list[SpaceMembership]] = relationship(
        back_populates="user", foreign_keys="SpaceMembership.user_id"
    )
    organisation_links: Mapped[list[OrganisationMember]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active and self.deleted_at is None

    def get_id(self) -> str:
        # Includes the session version so a password change signs out other sessions.
        return f"{self.id}:{self.session_version}"

    @property
    def public_name(self) -> str:
        """The name others see: the pseudonym if chosen, else the display name."""
        return self.pseudonym or self.display_name


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[OrganisationMember]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class OrganisationMember(db.Model):
    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="members")
    user: Mapped[User] = relationship(back_populates="organisation_links")


class Space(db.Model):
    """A social space: an official territorial unit, or a named group of such units."""

    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Official 8-digit code (AGS-style) for units; NULL for groups.
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    stat_code: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200), index=True)
    alt_name: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), index=True)
    gemeinde: Mapped[str | None] = mapped_column(String(40))
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    # Lower-cased name, code and alternative name, for portable case-insensitive search.
    search_text: Mapped[str] = mapped_column(String(500), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    parent: Mapped[Space | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Space]] = relationship(back_populates="parent", order_by="Space.name")
    group_units: Mapped[list[SpaceGroupUnit]] = relationship(
        back_populates="group",
        foreign_keys="SpaceGroupUnit.group_id",
        cascade="all, delete-orphan",
    )

    @property
    def is_group(self) -> bool:
        return self.level == "group"


class SpaceGroupUnit(db.Model):
    """One official unit that belongs to a named group (e.g. a Sozialzentrum's area)."""

    __tablename__ = "space_group_units"
    __table_args__ = (UniqueConstraint("group_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)

    group: Mapped[Space] = relationship(foreign_keys=[group_id], back_populates="group_units")
    unit: Mapped[Space] = relationship(foreign_keys=[unit_id])


class SpaceMembership(db.Model):
    """A person's membership in a space: their party, role and the organisation they speak for."""

    __tablename__ = "space_memberships"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    party: Mapped[str | None] = mapped_column(String(30), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # What the person wrote when asking to join.
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    space: Mapped[Space] = relationship()
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()


class Invitation(db.Model):
    """An expiring invitation to join a space, sent by mail; only the token's hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    party: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20), default="member")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    space: Mapped[Space] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])


class ApiToken(db.Model):
    """Personal access token for scripts; only a SHA-256 hash of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # First characters of the token, shown so users can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

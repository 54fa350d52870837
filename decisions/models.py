"""Persistence of decisions: motions, their options, electorate snapshots, proxies and ballots.

Open ballots name their voter. Secret ballots are kept in two tables that nothing links: who took
part (``ballot_participations``) and what was voted (``secret_ballots``: a random key, the hash of
the voter's receipt code, the party and the choice, and no time, no user).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow
from governance.models import Space, User


class Motion(db.Model):
    """A question put to the vote in a social space."""

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    document_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"), index=True)
    # adopt_version, accept_amendment, choose_alternative or free_question.
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(30))
    # The method's parameters in their JSON form (decisions.domain.parameters), quorum included.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Parties whose members may vote (empty: every party); roles that may vote.
    eligible_parties: Mapped[list[str]] = mapped_column(JSON, default=list)
    eligible_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    interim_results: Mapped[bool] = mapped_column(Boolean, default=False)
    # draft, open, closed or cancelled.
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(40))
    # What the outcome did to the agreement or amendment ("" when nothing was to be done).
    effect: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    space: Mapped[Space] = relationship()
    created_by: Mapped[User | None] = relationship()
    options: Mapped[list[MotionOption]] = relationship(
        back_populates="motion", order_by="MotionOption.position", cascade="all, delete-orphan"
    )


class MotionOption(db.Model):
    """An alternative of a motion that chooses among several; ``key`` is its id in ballots."""

    __tablename__ = "motion_options"
    __table_args__ = (UniqueConstraint("motion_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    # "Keep the current text": the option of changing nothing when the others are amendments.
    keeps_current_text: Mapped[bool] = mapped_column(Boolean, default=False)

    motion: Mapped[Motion] = relationship(back_populates="options")


class ElectorateMember(db.Model):
    """Who may vote on a motion, fixed when it opens, with the party and role they had then."""

    __tablename__ = "motion_electorate"
    __table_args__ = (UniqueConstraint("motion_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    party: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship()


class Proxy(db.Model):
    """A member's authorisation for another member of the same party to vote for them on a motion."""

    __tablename__ = "motion_proxies"
    __table_args__ = (
        UniqueConstraint("motion_id", "grantor_id", name="uq_motion_proxies_grantor"),
        UniqueConstraint("motion_id", "holder_id", name="uq_motion_proxies_holder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    party: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    grantor: Mapped[User] = relationship(foreign_keys=[grantor_id])
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])


class Ballot(db.Model):
    """An open ballot: one per voter and motion (the database refuses a second one)."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("motion_id", "voter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The proxy holder who cast it for the voter; NULL when the voter cast it.
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    party: Mapped[str | None] = mapped_column(String(30))
    choice: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    voter: Mapped[User] = relationship(foreign_keys=[voter_id])
    cast_by: Mapped[User | None] = relationship(foreign_keys=[cast_by_id])


class Participation(db.Model):
    """Who took part in a secret ballot (never what they chose)."""

    __tablename__ = "ballot_participations"
    __table_args__ = (UniqueConstraint("motion_id", "voter_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    voter: Mapped[User] = relationship(foreign_keys=[voter_id])


class SecretBallot(db.Model):
    """What was voted in a secret ballot: no user, no time, a random key; found by its receipt."""

    __tablename__ = "secret_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motions.id"), index=True)
    # SHA-256 of the receipt code the voter was shown once.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    party: Mapped[str | None] = mapped_column(String(30))
    choice: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

"""Append-only audit log (Änderungsprotokoll): every state change writes one entry here.

Services call :func:`record` inside the same transaction as the change, so a change and its
audit entry are committed together or not at all.

Entries form a hash chain (core.hashchain): before a flush writes new entries, the chain's head row
is locked (an UPDATE, which serialises writers on PostgreSQL and SQLite alike), each new entry gets
the previous hash and its own, and the head moves on. ``verify_chain`` recomputes it all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import hashchain
from core.extensions import db
from core.timeutil import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(db.Model):
    """One row: the newest entry of the chain and its hash. Locked while new entries are chained."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_hash: Mapped[str] = mapped_column(String(64))


HEAD_ID = 1


# Set in a session's info when it records an entry: caches learn of the change once it commits.
AUDIT_WRITTEN = "raumrat_audit_written"


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AuditLogIsAppendOnly("audit entries are never changed or deleted")


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
        created_at=utcnow(),
    )
    session.add(entry)
    session.info[AUDIT_WRITTEN] = True
    return entry


def entries_for(session: Session, *, object_type: str, object_id: int | str) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))


def _lock_chain_head(session: Session) -> str:
    """Lock the head row for the rest of the transaction and return the newest hash."""
    connection = session.connection()
    table = AuditChainHead.__table__
    locked = connection.execute(
        update(table).where(table.c.id == HEAD_ID).values(entry_hash=table.c.entry_hash)
    ).rowcount
    if not locked:
        # An emptied database (tests) has no head row yet: start the chain after the newest entry.
        newest = connection.execute(
            select(AuditEntry.__table__.c.entry_hash).order_by(AuditEntry.__table__.c.id.desc()).limit(1)
        ).scalar()
        connection.execute(insert(table).values(id=HEAD_ID, entry_hash=newest or hashchain.GENESIS_HASH))
    return connection.execute(select(table.c.entry_hash).where(table.c.id == HEAD_ID)).scalar_one()


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, flush_context, instances) -> None:
    new_entries = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not new_entries:
        return
    # The unit of work inserts in the order objects were added; the ids (and the chain) follow it.
    new_entries.sort(key=lambda entry: entry._sa_instance_state.insert_order)
    previous = _lock_chain_head(session)
    for entry in new_entries:
        entry.created_at = entry.created_at or utcnow()
        entry.details = entry.details or {}
        entry.previous_hash = previous
        entry.entry_hash = hashchain.entry_hash(
            previous_hash=previous,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
        )
        previous = entry.entry_hash
    table = AuditChainHead.__table__
    session.connection().execute(update(table).where(table.c.id == HEAD_ID).values(entry_hash=previous))


def _chained_entries(session: Session, batch_size: int = 2000):
    last_id = 0
    while True:
        # Plain rows, not ORM objects: a long log would otherwise fill the identity map.
        table = AuditEntry.__table__
        rows = session.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)
        ).all()
        if not rows:
            return
        for row in rows:
            yield hashchain.ChainedEntry(
                entry_id=row.id,
                created_at=row.created_at,
                actor_id=row.actor_id,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                details=row.details or {},
                previous_hash=row.previous_hash,
                entry_hash=row.entry_hash,
            )
        last_id = rows[-1].id


def verify_chain(session: Session) -> hashchain.ChainReport:
    """Recompute the whole chain; the head row must name the newest hash."""
    report = hashchain.verify(_chained_entries(session))
    if report.broken is None:
        head = session.scalar(select(AuditChainHead.entry_hash).where(AuditChainHead.id == HEAD_ID))
        if report.checked and head is not None and head != report.last_hash:
            newest = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
            return hashchain.ChainReport(
                report.checked, report.last_hash,
                hashchain.BrokenLink(newest or 0, "the chain's head does not name the newest entry"),
            )  # fmt: skip
    return report

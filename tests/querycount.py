"""Counting the SQL statements a block of test code sends, for tests that pin a query count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (needs an application context)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

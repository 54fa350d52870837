"""Count the SQL statements one request runs, in-process with the Flask test client."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event


@dataclass
class Measurement:
    status: int
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def most_repeated(self, limit: int = 3) -> list[tuple[str, int]]:
        return Counter(" ".join(sql.split())[:140] for sql in self.statements).most_common(limit)


@contextmanager
def statement_log(app: Flask) -> Iterator[list[str]]:
    from core.extensions import db

    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def measure(app: Flask, client: FlaskClient, path: str, *, quiet: bool = False) -> Measurement:
    """``quiet`` keeps the app from logging tracebacks (for pages expected to be unfinished)."""
    was_disabled = app.logger.disabled
    app.logger.disabled = quiet or was_disabled
    try:
        with statement_log(app) as statements:
            response = client.get(path)
    finally:
        app.logger.disabled = was_disabled
    return Measurement(status=response.status_code, statements=list(statements))


def anonymous_client(app: Flask) -> FlaskClient:
    return app.test_client()


def member_client(app: Flask, email: str) -> FlaskClient:
    """A test client whose session is signed in as ``email`` (as Flask-Login stores it)."""
    from sqlalchemy import select

    from core.extensions import db
    from governance.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            raise SystemExit(f"No user {email}")
        session_id = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client

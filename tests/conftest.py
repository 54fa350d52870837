"""Test set-up: one migrated database per run (SQLite file, or a fresh PostgreSQL database).

Choose the database with ``--database=sqlite`` (default) or ``--database=postgresql``.
PostgreSQL tests connect to ``RAUMRAT_TEST_PG`` (default postgresql://postgres@127.0.0.1:5432/test),
create a database of their own and drop it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from governance import passwords

# Cheap hashes keep the suite fast; production uses argon2's defaults.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._DUMMY_HASH = passwords._hasher.hash("not-a-real-password")

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database", default="sqlite", choices=("sqlite", "postgresql"))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.config.getoption("--database") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    import psycopg

    admin_url = os.environ.get("RAUMRAT_TEST_PG", DEFAULT_PG)
    name = f"raumrat_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from app import create_app
    from core.extensions import db
    from governance.units import load_official_units

    os.environ.setdefault("SECRET_KEY", "test-secret-key")
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "raumrat.test",
        }
    )
    with application.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
        load_official_units(db.session)
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with the official units only; everything else is removed afterwards."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from core import pagecache
    from core.extensions import db

    # Emptied tables may hand out ids again, so cached pages could look current: forget them.
    pagecache.clear()
    from governance.models import Space

    with application.app_context():
        db.session.rollback()
        # Break reference cycles (foreign keys declared with use_alter) before deleting rows.
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                if key.use_alter:
                    db.session.execute(table.update().values({key.parent.name: None}))
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "spaces":
                db.session.execute(delete(Space).where(Space.code.is_(None)))
            else:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@pytest.fixture
def session(app_context: None):
    from core.extensions import db

    return db.session


class _FreshUserClient(FlaskClient):
    """Requests made while a test holds an app context share its ``g``; Flask-Login caches the user
    there, so forget it before each request, as a real server (one context per request) would."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.pop("_login_user", None)
            g.pop("_flask_babel", None)  # Flask-Babel caches the chosen language there too
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = _FreshUserClient
    test_client = app.test_client()
    # Tests read the English msgids; German is the default, so ask for English unless a test asks
    # for another language itself (header, session "lang" or the user's locale).
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def english(client: FlaskClient) -> None:
    """The page texts in English msgids, even for a signed-in user whose own language is German
    (the session's "lang" comes before the account's setting). Use as
    `pytestmark = pytest.mark.usefixtures("english")`."""
    with client.session_transaction() as flask_session:
        flask_session["lang"] = "en"


@pytest.fixture
def make_user(session):
    """Create an active user; keyword arguments override the defaults."""
    from governance.services.accounts import register_user

    counter = iter(range(1, 10_000))

    def factory(
        name: str | None = None, *, admin: bool = False, password: str = "correct horse battery", **kw
    ):
        number = next(counter)
        name = name or f"user{number}"
        return register_user(
            session,
            email=kw.pop("email", f"{name}@test.example"),
            password=password,
            display_name=kw.pop("display_name", name.title()),
            is_admin=admin,
            **kw,
        )

    return factory


@pytest.fixture
def login(client: FlaskClient):
    """Sign a user in on the test client without going through the form."""

    def sign_in(user) -> FlaskClient:
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True
            # Accounts default to German; keep the English msgids unless the test chose a language.
            flask_session.setdefault("lang", "en")
        return client

    return sign_in


@pytest.fixture
def space_by_code(session):
    from governance.models import Space

    def find(code: str) -> Space:
        space = session.scalar(select(Space).where(Space.code == code))
        assert space is not None
        return space

    return find


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def rate_limited_client(app: Flask) -> Iterator[FlaskClient]:
    """A client of an app built with rate limits on, on the same database.

    Flask-Limiter reads RATELIMIT_ENABLED once, when it is bound to an app, and the session's app
    was built with limits off; so rate-limit tests get an app of their own.
    """
    from app import create_app
    from core.extensions import db, limiter

    keep = ("TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SERVER_NAME")
    limited = create_app({**{key: app.config[key] for key in keep}, "RATELIMIT_ENABLED": True})
    limiter.reset()
    try:
        limited_client = limited.test_client()
        with limited_client.session_transaction() as flask_session:
            flask_session["lang"] = "en"
        yield limited_client
    finally:
        # The limiter is shared by all apps: switch it off again for the rest of the suite.
        limiter.enabled = False
        limiter.reset()
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()

"""A fresh benchmark database: create it, migrate it, load the demo data, add synthetic members in bulk."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH_EMAIL_DOMAIN = "bench.invalid"
PG_DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Synthetic organisations the members speak for; one per organisation kind, see add_members.
BENCH_ORGANISATIONS_PER_KIND = 2


@contextmanager
def fresh_database(url: str | None, *, keep: bool = False) -> Iterator[str]:
    """Yield the URL of an empty database that did not exist before; remove it afterwards.

    No URL: an SQLite file in a new temporary folder. A PostgreSQL URL: the database it names is
    created here (refused if it exists, so a benchmark never touches real data) and dropped at the end.
    """
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="raumrat-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite3'}"
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
        return
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and Path(parsed.database).exists():
            raise SystemExit(f"{parsed.database} exists; the benchmark needs a fresh database.")
        yield url
        return
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"Unsupported database: {parsed.get_backend_name()}")
    import psycopg

    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit("Name the fresh PostgreSQL database in the URL (letters, digits, underscores).")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            raise SystemExit(f"Database {name} exists; the benchmark only uses a database it creates.")
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def random_postgres_url() -> str:
    return f"{PG_DEFAULT_SERVER}/raumrat_bench_{secrets.token_hex(6)}"


def migrate_and_seed(app: Flask) -> dict[str, int]:
    from flask_migrate import upgrade

    from core.extensions import db
    from governance.demo import seed_demo

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        return seed_demo(db.session)


@dataclass
class BenchSpace:
    space_id: int
    # Synthetic organisation ids by organisation kind (the kinds are named like the parties).
    organisations_by_kind: dict[str, list[int]]
    member_count: int = 0

    @property
    def busiest_organisation_id(self) -> int:
        """The organisation that gains the most members as the space grows (see add_members)."""
        return next(iter(self.organisations_by_kind.values()))[0]


def prepare_bench_space(app: Flask, space_code: str) -> BenchSpace:
    """Create the synthetic organisations the synthetic members of the space speak for."""
    from core import audit
    from core.extensions import db
    from governance.models import Organisation, Space
    from governance.parties import OrganisationKind

    with app.app_context():
        space_id = db.session.scalar(select(Space.id).where(Space.code == space_code))
        if space_id is None:
            raise SystemExit(f"No space with code {space_code}")
        rows = [
            {
                "name": f"Bench {kind.value} {number}",
                "kind": kind.value,
                "description": "Synthetic (benchmark).",
            }
            for kind in OrganisationKind
            for number in range(1, BENCH_ORGANISATIONS_PER_KIND + 1)
        ]
        returning = insert(Organisation).returning(
            Organisation.id, Organisation.kind, sort_by_parameter_order=True
        )
        by_kind: dict[str, list[int]] = {}
        for organisation_id, kind in db.session.execute(returning, rows):
            by_kind.setdefault(kind, []).append(organisation_id)
        audit.record(
            db.session,
            actor_id=None,
            action="bench.organisations_added",
            object_type="space",
            object_id=space_id,
            details={"count": len(rows)},
        )
        db.session.commit()
    return BenchSpace(space_id=space_id, organisations_by_kind=by_kind)


def add_members(app: Flask, bench: BenchSpace, count: int) -> None:
    """Add ``count`` users with active memberships, spread over the parties, half of the
    non-beneficiaries speaking for a synthetic organisation of their kind. Bulk inserts: fast."""
    from core import audit
    from core.extensions import db
    from governance.models import OrganisationMember, SpaceMembership, User
    from governance.parties import MembershipStatus, OrganisationRole, Party, SpaceRole

    parties = list(Party)
    start = bench.member_count
    numbers = range(start + 1, start + count + 1)
    with app.app_context():
        user_rows = [
            {
                "email": f"member-{n:05d}@{BENCH_EMAIL_DOMAIN}",
                "password_hash": None,
                "display_name": f"Bench Member {n:05d}",
                "pseudonym": f"Bench-{n:05d}" if n % 6 == 1 else None,
                "locale": "de",
            }
            for n in numbers
        ]
        user_ids = list(
            db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), user_rows)
        )
        memberships, links = [], []
        for n, user_id in zip(numbers, user_ids, strict=True):
            party = parties[n % len(parties)]
            role = SpaceRole.OBSERVER if n % 50 == 0 else SpaceRole.MEMBER
            organisation_id = None
            candidates = bench.organisations_by_kind.get(party.value, [])
            round_of_parties = n // len(parties)
            if candidates and role == SpaceRole.MEMBER and round_of_parties % 2 == 0:
                # Two thirds go to the kind's first organisation, so one organisation clearly grows.
                organisation_id = candidates[-1] if (round_of_parties // 2) % 3 == 2 else candidates[0]
                links.append(
                    {
                        "organisation_id": organisation_id,
                        "user_id": user_id,
                        "role": OrganisationRole.MEMBER.value,
                    }
                )
            memberships.append(
                {
                    "space_id": bench.space_id,
                    "user_id": user_id,
                    "party": None if role == SpaceRole.OBSERVER else party.value,
                    "role": role.value,
                    "status": MembershipStatus.ACTIVE.value,
                    "organisation_id": organisation_id,
                }
            )
        db.session.execute(insert(SpaceMembership), memberships)
        if links:
            db.session.execute(insert(OrganisationMember), links)
        # Every change writes an audit entry; caches keyed on the audit log then see the new data.
        audit.record(
            db.session,
            actor_id=None,
            action="bench.members_added",
            object_type="space",
            object_id=bench.space_id,
            details={"count": count},
        )
        db.session.commit()
    bench.member_count += count


def count_active_members(app: Flask, space_id: int) -> int:
    from sqlalchemy import func

    from core.extensions import db
    from governance.models import SpaceMembership

    with app.app_context():
        return (
            db.session.scalar(
                select(func.count()).where(
                    SpaceMembership.space_id == space_id, SpaceMembership.status == "active"
                )
            )
            or 0
        )

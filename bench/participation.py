"""An agreement with 5,000 comments and 300 amendments: the agreement page's render time, its SQL
statement count against an agreement with 50 comments, and requests per second against /healthz.

Run: .venv/bin/python bench/participation.py [--postgresql | --database-url URL] [--skip-load]
Comments, replies, supports and amendments are inserted in bulk (they are rows a consultation would
produce; the services are measured by the tests); one audit entry at the end tells the page caches.
Exits non-zero when a response is not 200.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

import loadgen  # noqa: E402
import querycount  # noqa: E402
import seeding  # noqa: E402
from environment import cpu_model, git_state  # noqa: E402

TARGET_RATIO = 0.5
MEMBER = "beneficiary@example.org"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="a database that does not exist yet")
    where.add_argument(
        "--postgresql", action="store_true", help="a fresh PostgreSQL database, dropped afterwards"
    )
    add("--comments", type=int, default=5_000, help="comments on the large agreement (5000)")
    add("--few", type=int, default=50, help="comments on the small agreement (50)")
    add("--amendments", type=int, default=300, help="amendments of the large agreement (300)")
    add("--runs", type=int, default=10, help="in-process renders per page; medians shown (10)")
    add("--workers", type=int, default=2)
    add("--threads", type=int, default=2)
    add("--connections", type=int, default=16)
    add("--duration", type=int, default=10, help="seconds of load per page and round (10)")
    add("--rounds", type=int, default=3)
    add("--warmup", type=int, default=2)
    add("--skip-load", action="store_true", help="no gunicorn and wrk: in-process figures only")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.skip_load and not loadgen.wrk_available():
        raise SystemExit("wrk is missing: apt-get install -y wrk (or run with --skip-load)")
    url = seeding.random_postgres_url() if args.postgresql else args.database_url
    with seeding.fresh_database(url) as database_url:
        return run(args, database_url)


# --- data ------------------------------------------------------------------------------------------


def agreement_in_consultation(session, facilitator, space_id: int, title: str, sections: int):
    from agreements.services import drafts, lifecycle, versions
    from agreements.services.snapshots import SectionContent
    from participation.services.access import today

    document = drafts.create_agreement(session, facilitator, space_id=space_id, title=title)
    for number in range(1, sections + 1):
        drafts.add_section(
            session,
            facilitator,
            document.id,
            SectionContent(kind="goal", title=f"Ziel {number}", body=f"Wir wollen Ziel {number} erreichen."),
        )
    versions.publish_version(session, facilitator, document.id, change_summary="Erste Fassung")
    lifecycle.change_status(
        session, facilitator, document.id, "open_consultation",
        consultation_starts_on=today() - timedelta(days=7), consultation_ends_on=today() + timedelta(days=21),
    )  # fmt: skip
    return document


def add_comments(session, document, people, count: int, rng: random.Random) -> None:
    """Threads of one to five comments (every third a reply), two thirds supported by one to four people."""
    from sqlalchemy import insert

    from participation.models import Comment, Support

    version = document.versions[-1]
    keys = [section.key for section in version.sections]
    rows = []
    for number in range(count):
        author, party, organisation_id = people[number % len(people)]
        on_section = number % 4 == 0
        rows.append(
            Comment(
                document_id=document.id,
                version_id=version.id if on_section else None,
                section_key=rng.choice(keys) if on_section else None,
                author_id=author,
                party=party,
                organisation_id=organisation_id,
                body=f"Kommentar {number}: Wir schlagen vor, die **Beratung** auszubauen. Siehe https://example.org/{number}",
            )
        )
    session.add_all(rows)
    session.flush()
    root = None
    for number, row in enumerate(rows):
        if (
            root is None
            or number % 3 == 0
            or row.version_id != root.version_id
            or row.section_key != root.section_key
        ):
            root = row
            row.thread_id = row.id
        else:
            row.thread_id, row.parent_id = root.id, rows[number - 1].id
    session.flush()
    supports = []
    for row in rows:
        if rng.random() < 2 / 3:
            for supporter, party, _ in rng.sample(people, rng.randint(1, 4)):
                if supporter != row.author_id:
                    supports.append(
                        {"document_id": document.id, "target_type": "comment", "target_id": row.id,
                         "user_id": supporter, "party": party}
                    )  # fmt: skip
    if supports:
        session.execute(insert(Support), supports)
    session.commit()


FEW_AMENDMENTS = 3


def add_amendments(session, document, people, count: int) -> None:
    from amendments.models import Amendment

    version = document.versions[-1]
    keys = [section.key for section in version.sections]
    session.add_all(
        Amendment(
            document_id=document.id, number=number, base_version_id=version.id, kind="change",
            section_key=keys[number % len(keys)], proposed_title=f"Ziel {number}",
            proposed_body=f"Neuer Text {number}.", rationale="Klarer.",
            author_id=people[number % len(people)][0], party=people[number % len(people)][1],
        )
        for number in range(1, count + 1)
    )  # fmt: skip
    session.commit()


def prepare(app, args: argparse.Namespace) -> tuple[int, int]:
    from sqlalchemy import select

    from agreements.demo import seed_agreements
    from core import audit
    from core.extensions import db
    from governance.models import Space, SpaceMembership, User
    from participation.services import statements
    from participation.services.statements import represented_organisations

    started = time.perf_counter()
    seeding.migrate_and_seed(app)
    rng = random.Random(4)
    with app.app_context():
        session = db.session
        seed_agreements(session)
        space = session.scalar(select(Space).where(Space.code == "04011440"))
        facilitator = session.scalar(select(User).where(User.email == "facilitator@example.org"))
        people = [
            (membership.user_id, membership.party, membership.organisation_id)
            for membership in session.scalars(
                select(SpaceMembership).where(
                    SpaceMembership.space_id == space.id, SpaceMembership.status == "active"
                )
            )
        ]
        few = agreement_in_consultation(session, facilitator, space.id, "Kleine Beteiligung", 10)
        many = agreement_in_consultation(session, facilitator, space.id, "Große Beteiligung", 10)
        add_comments(session, few, people, args.few, rng)
        add_comments(session, many, people, args.comments, rng)
        # A few amendments on the small one too: an empty panel needs fewer statements than a full one,
        # and the comparison is about the number of comments and amendments, not their presence.
        add_amendments(session, few, people, FEW_AMENDMENTS)
        add_amendments(session, many, people, args.amendments)
        advocate = session.scalar(select(User).where(User.email == "advocate@example.org"))
        for organisation in represented_organisations(session, advocate)[:1]:
            for document in (few, many):
                statements.publish_statement(
                    session, advocate, document.id, organisation.id, "Unsere Stellungnahme."
                )
        audit.record(session, actor_id=None, action="bench.comments_inserted", object_type="document",
                     object_id=many.id, details={"comments": args.comments})  # fmt: skip
        session.commit()
        ids = few.id, many.id
        db.session.remove()
    print(
        f"\nPrepared in {time.perf_counter() - started:.1f} s: agreement {ids[0]} with {args.few} comments "
        f"and {FEW_AMENDMENTS} amendments, "
        f"agreement {ids[1]} with {args.comments} comments and {args.amendments} amendments"
    )
    return ids


# --- measurements ------------------------------------------------------------------------------------


def render(
    app, client, path: str, runs: int, failures: list[str]
) -> tuple[list[float], querycount.Measurement, int]:
    from core import pagecache

    times = []
    first = None
    size = 0
    for _ in range(runs):
        pagecache.clear()
        with querycount.statement_log(app) as statements:
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            failures.append(f"{path} answered HTTP {response.status_code} in-process")
        if first is None:
            first = querycount.Measurement(response.status_code, list(statements))
            size = len(body)
    assert first is not None
    return times, first, size


def in_process(app, few: int, many: int, args: argparse.Namespace, failures: list[str]) -> None:
    clients = {"anonymous": querycount.anonymous_client(app), "member": querycount.member_client(app, MEMBER)}
    pages = [
        ("agreement page", "/agreements/{id}"),
        ("comment thread page", "/agreements/{id}/comments"),
        ("version 1 (section counts)", "/agreements/{id}/versions/1"),
    ]
    for client in clients.values():  # templates compiled before anything is timed
        render(app, client, pages[0][1].format(id=few), 2, failures)
    print(f"\nIn-process, rendered (page cache emptied before each request), median of {args.runs} runs")
    print(f"  {'page':<30}{'viewer':<11}{'ms ' + str(args.few):>9}{'ms ' + str(args.comments):>10}"
          f"{'SQL ' + str(args.few):>9}{'SQL ' + str(args.comments):>10}{'KB':>6}  verdict")  # fmt: skip
    for label, pattern in pages:
        for viewer, client in clients.items():
            small_ms, small_sql, _ = render(app, client, pattern.format(id=few), args.runs, failures)
            large_ms, large_sql, size = render(app, client, pattern.format(id=many), args.runs, failures)
            verdict = "constant" if small_sql.count == large_sql.count else "GROWS"
            small, large = statistics.median(small_ms), statistics.median(large_ms)
            print(
                f"  {label:<30}{viewer:<11}{small:>9.1f}{large:>10.1f}"
                f"{small_sql.count:>9}{large_sql.count:>10}{size / 1024:>6.0f}  {verdict}"
            )
            if verdict != "constant":
                for sql, times in large_sql.most_repeated():
                    print(f"      {times:>5} x {sql}")
    print(f"\n  Older threads of the large agreement (50 threads a page), {args.runs} runs:")
    for page_number in (2, 20):
        ms, sql, size = render(
            app, clients["anonymous"], f"/agreements/{many}/comments?page={page_number}", args.runs, failures
        )
        print(
            f"    page {page_number:>3}: {statistics.median(ms):7.1f} ms, "
            f"{sql.count} SQL statements, {size // 1024} KB"
        )


def load(args: argparse.Namespace, database_url: str, many: int, failures: list[str]) -> None:
    from governance.demo import DEMO_PASSWORD

    path = f"/agreements/{many}"
    with (
        tempfile.TemporaryDirectory(prefix="raumrat-bench-server-") as log_dir,
        loadgen.gunicorn(database_url, args.workers, Path(log_dir)) as server,
    ):
        cookie = loadgen.sign_in(server, MEMBER, DEMO_PASSWORD)
        targets = [("/healthz", "/healthz", None), ("agreement, anonymous", path, None),
                   ("agreement, member", path, cookie)]  # fmt: skip
        for label, target, with_cookie in targets:
            status, _body = loadgen.fetch(server, target, with_cookie)
            if status != 200:
                failures.append(f"{label} answered HTTP {status} through gunicorn")
        if failures:
            print(server.log_tail())
            return
        rounds = []
        for round_number in range(args.rounds):
            results = []
            for label, target, with_cookie in targets:
                shape = {"threads": args.threads, "connections": args.connections, "cookie": with_cookie}
                if round_number == 0 and args.warmup:
                    loadgen.run_wrk(server, target, label, seconds=args.warmup, **shape)
                result = loadgen.run_wrk(server, target, label, seconds=args.duration, **shape)
                if result.non_200 or result.socket_errors:
                    failures.append(
                        f"{label}: {result.non_200} non-200, {result.socket_errors} socket errors"
                    )
                results.append(result)
            rounds.append(results)
    print(
        f"\nRequests per second (gunicorn {args.workers} sync workers, wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s, median of {args.rounds} rounds; "
        f"bar: {TARGET_RATIO:.0%} of /healthz)"
    )
    print(f"  {'target':<24}{'req/s':>9}{'ratio':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}  bar")
    for index in range(len(targets)):
        runs = sorted((results[index] for results in rounds), key=lambda result: result.per_second)
        middle = runs[len(runs) // 2]
        ratio = statistics.median(results[index].per_second / results[0].per_second for results in rounds)
        verdict = "-" if index == 0 else ("ok" if ratio >= TARGET_RATIO else "BELOW")
        print(f"  {middle.label:<24}{middle.per_second:>9.1f}{ratio:>7.2f}{middle.p50_ms:>8.1f}"
              f"{middle.p90_ms:>8.1f}{middle.p99_ms:>8.1f}  {verdict}")  # fmt: skip


def run(args: argparse.Namespace, database_url: str) -> int:
    os.environ.update(
        {"DATABASE_URL": database_url, "RAUMRAT_ENV": "development", "SECRET_KEY": secrets.token_hex(32)}
    )
    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    load_average = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    print("Raumrat participation benchmark")
    print(f"  CPU:      {os.cpu_count()} CPUs, {cpu_model()}; load average {load_average} before the run")
    print(f"  Database: {database_url.split('://')[0]}")
    print(f"  Code:     {git_state()}")
    few, many = prepare(app, args)
    failures: list[str] = []
    in_process(app, few, many, args, failures)
    if not args.skip_load:
        load(args, database_url, many, failures)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

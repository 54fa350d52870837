"""Requests per second and SQL statements per page, on a fresh database with a busy social space.

Run: .venv/bin/python bench/pages.py [--postgresql | --database-url URL] (see bench/README.md).
Prints figures; exits non-zero only when a page does not answer 200 or the server fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import environment
import loadgen
import querycount
import seeding
from environment import git_state

ROOT = Path(__file__).resolve().parent.parent
SPACE_CODE = "04011440"  # Gröpelingen
MEMBER_EMAIL = "beneficiary@example.org"  # demo account, an active member of Gröpelingen
MEMBER_PASSWORD = "demo-password"
# The bar: every page serves at least this share of /healthz's requests per second.
TARGET_RATIO = 0.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database-url", help="a database that does not exist yet (PostgreSQL: created and dropped)"
    )
    where.add_argument(
        "--postgresql",
        action="store_true",
        help=f"a fresh database on {seeding.PG_DEFAULT_SERVER}, dropped afterwards",
    )
    parser.add_argument("--few", type=int, default=10, help="synthetic members in the first round (10)")
    parser.add_argument("--members", type=int, default=1000, help="synthetic members in the end (1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and round (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all pages; medians are shown (3)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load per page first (2)")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator, not wrk")
    parser.add_argument("--skip-load", action="store_true", help="only count SQL statements")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not 0 < args.few < args.members:
        parser.error("need 0 < --few < --members")
    return args


def main() -> int:
    args = parse_args()
    url = seeding.random_postgres_url() if args.postgresql else args.database_url
    with seeding.fresh_database(url, keep=args.keep) as database_url:
        if args.keep:
            print(f"Database (kept): {database_url}")
        return run(args, database_url)


def run(args: argparse.Namespace, database_url: str) -> int:
    os.environ.update(
        {"DATABASE_URL": database_url, "RAUMRAT_ENV": "development", "SECRET_KEY": secrets.token_hex(32)}
    )
    sys.path.insert(0, str(ROOT))
    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    use_wrk = not args.python_load and not args.skip_load and loadgen.wrk_available()
    print_environment(app, args, use_wrk)

    started = time.perf_counter()
    seeded = seeding.migrate_and_seed(app)
    bench = seeding.prepare_bench_space(app, SPACE_CODE)
    print(
        f"\nPrepared: migrated and seeded in {time.perf_counter() - started:.1f} s "
        f"({seeded['units']} units, {seeded['users']} demo users); Gröpelingen is space {bench.space_id}."
    )
    pages = query_pages(bench)

    counts: dict[int, dict[str, querycount.Measurement]] = {}
    active_members: dict[int, int] = {}
    for total in (args.few, args.members):
        started = time.perf_counter()
        seeding.add_members(app, bench, total - bench.member_count)
        active_members[total] = seeding.count_active_members(app, bench.space_id)
        print(
            f"Synthetic members up to {total:,} in {time.perf_counter() - started:.2f} s: "
            f"{active_members[total]:,} active members in Gröpelingen (with the demo accounts)."
        )
        counts[total] = count_queries(app, pages)

    failures: list[str] = []
    if not args.skip_load:
        failures += load_pages(args, database_url, bench, use_wrk)
    failures += print_query_counts(pages, counts, active_members)
    with app.app_context():
        from core.extensions import db

        db.session.remove()
        db.engine.dispose()
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


def print_environment(app, args: argparse.Namespace, use_wrk: bool) -> None:
    database = environment.database(app)
    if args.skip_load:
        generator = "none (--skip-load)"
    elif use_wrk:
        generator = f"{loadgen.wrk_version()}, {args.threads} threads, {args.connections} connections"
    else:
        generator = f"Python threads, {args.connections} keep-alive connections"
    print("Raumrat page benchmark")
    print("\n".join(environment.machine_lines()))
    print(f"  Database:   {database}")
    print(f"  Server:     gunicorn, {args.workers} sync workers, RAUMRAT_ENV=development")
    print(f"  Load:       {generator}; {args.warmup} s warm-up + {args.rounds} x {args.duration} s per page")
    print(f"  Code:       {git_state()}")


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    as_member: bool = False
    # Pages still being built elsewhere are skipped when they do not answer 200.
    optional: bool = False


def query_pages(bench: seeding.BenchSpace) -> list[Page]:
    space = f"/spaces/{bench.space_id}"
    organisation = f"/organisations/{bench.busiest_organisation_id}"
    return [
        Page("/spaces", "/spaces"),
        Page("/spaces?q=gr", "/spaces?q=gr"),
        Page(f"{space} (anonymous)", space),
        Page(f"{space} (member)", space, as_member=True),
        Page("/organisations", "/organisations", optional=True),
        Page(f"{organisation} (busiest bench org.)", organisation, optional=True),
        Page("/api/v1/spaces", "/api/v1/spaces", optional=True),
        Page(f"/api/v1/spaces/{bench.space_id}", f"/api/v1/spaces/{bench.space_id}", optional=True),
    ]


def count_queries(app, pages: list[Page]) -> dict[str, querycount.Measurement]:
    """Statements of each page's first request after the data changed (a full render, whatever
    caches exist), and of a repeat request (what a cache saves)."""
    anonymous = querycount.anonymous_client(app)
    member = querycount.member_client(app, MEMBER_EMAIL)
    results: dict[str, querycount.Measurement] = {}
    for page in pages:
        client = member if page.as_member else anonymous
        results[page.label] = querycount.measure(app, client, page.path, quiet=page.optional)
        results[page.label + " repeat"] = querycount.measure(app, client, page.path, quiet=page.optional)
    return results


def print_query_counts(
    pages: list[Page], counts: dict[int, dict[str, querycount.Measurement]], active_members: dict[int, int]
) -> list[str]:
    few, many = sorted(counts)
    small, large = counts[few], counts[many]
    print(
        f"\nSQL statements per request (in-process test client; first request after the data changed,"
        f"\nthen a repeat; {active_members[few]:,} and {active_members[many]:,} active members)"
    )
    width = max(len(page.label) for page in pages) + 2
    print(f"{'page':<{width}}{few:>8,} mem.{many:>9,} mem.{'repeat':>8}  verdict")
    failures, growing = [], []
    for page in pages:
        before, after, repeat = small[page.label], large[page.label], large[page.label + " repeat"]
        statuses = {before.status, after.status, repeat.status}
        if statuses != {200}:
            shown = "/".join(str(status) for status in sorted(statuses))
            if page.optional:
                print(f"{page.label:<{width}}{'':>13}{'':>14}{'':>8}  skipped (HTTP {shown})")
                continue
            failures.append(f"{page.path}{' as member' if page.as_member else ''} answered HTTP {shown}")
        verdict = "constant" if before.count == after.count else "GROWS"
        if verdict == "GROWS":
            growing.append((page, after))
        print(f"{page.label:<{width}}{before.count:>13}{after.count:>14}{repeat.count:>8}  {verdict}")
    for page, measurement in growing:
        print(f"\n  {page.label}: most repeated statements with {many:,} members")
        for sql, times in measurement.most_repeated():
            print(f"    {times:>5} x {sql}")
    return failures


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    as_member: bool = False


def load_pages(
    args: argparse.Namespace, database_url: str, bench: seeding.BenchSpace, use_wrk: bool
) -> list[str]:
    space = f"/spaces/{bench.space_id}"
    targets = [
        Target("/healthz", "/healthz"),
        Target("/spaces", "/spaces"),
        Target("/spaces?q=gr", "/spaces?q=gr"),
        Target(f"{space} (anonymous)", space),
        Target(f"{space} (member)", space, as_member=True),
    ]
    rounds: list[list[loadgen.LoadResult]] = []
    failures: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="raumrat-bench-server-") as log_dir,
        loadgen.gunicorn(database_url, args.workers, Path(log_dir)) as server,
    ):
        cookie = loadgen.sign_in(server, MEMBER_EMAIL, MEMBER_PASSWORD)
        failures += check_pages(server, targets, cookie)
        if failures:
            print("\n" + server.log_tail())
            return failures
        # Rounds over all targets: a change in background load then hits /healthz and the pages alike.
        for round_number in range(args.rounds):
            results = []
            for target in targets:
                target_cookie = cookie if target.as_member else None
                if args.warmup and round_number == 0:
                    generate_load(server, target, args, use_wrk, args.warmup, target_cookie)
                result = generate_load(server, target, args, use_wrk, args.duration, target_cookie)
                results.append(result)
                if result.non_200 or result.socket_errors:
                    failures.append(
                        f"{target.label}: {result.non_200} responses other than 200, "
                        f"{result.socket_errors} socket errors under load"
                    )
            rounds.append(results)
        if failures:
            print("\n" + server.log_tail())
    print_load_table(rounds, bench.member_count)
    return failures


def check_pages(server: loadgen.Server, targets: list[Target], cookie: str) -> list[str]:
    """Each target answers 200 once, and the member really sees names an anonymous visitor does not."""
    failures = []
    bodies: dict[str, str] = {}
    for target in targets:
        status, body = loadgen.fetch(server, target.path, cookie if target.as_member else None)
        bodies[target.label] = body
        if status != 200:
            failures.append(f"{target.label} answered HTTP {status} before the load")
    member_view = next((bodies[t.label] for t in targets if t.as_member), "")
    anonymous_view = next(
        (bodies[t.label] for t in targets if not t.as_member and t.path.startswith("/spaces/")), ""
    )
    if "Bench Member" not in member_view or "Bench Member" in anonymous_view:
        failures.append("the member's view of the space page does not differ from the anonymous one")
    return failures


def generate_load(
    server: loadgen.Server,
    target: Target,
    args: argparse.Namespace,
    use_wrk: bool,
    seconds: int,
    cookie: str | None,
) -> loadgen.LoadResult:
    if use_wrk:
        return loadgen.run_wrk(
            server,
            target.path,
            target.label,
            threads=args.threads,
            connections=args.connections,
            seconds=seconds,
            cookie=cookie,
        )
    return loadgen.run_python_load(
        server, target.path, target.label, connections=args.connections, seconds=seconds, cookie=cookie
    )


def print_load_table(rounds: list[list[loadgen.LoadResult]], members: int) -> None:
    """Per target the round with the median requests/s; the ratio is the median of each round's
    ratio to that round's /healthz."""
    if not rounds:
        return
    width = max(len(result.label) for result in rounds[0]) + 2
    print(
        f"\nRequests per second ({members:,} synthetic members in Gröpelingen; median of {len(rounds)} "
        f"round(s); bar: {TARGET_RATIO:.0%} of /healthz)"
    )
    columns = f"{'req/s':>9}{'min-max':>13}{'ratio':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}"
    print(f"{'path':<{width}}{columns}{'requests':>10}  bar")
    for index in range(len(rounds[0])):
        runs = sorted((results[index] for results in rounds), key=lambda result: result.per_second)
        middle = runs[len(runs) // 2]
        ratio = statistics.median(
            results[index].per_second / results[0].per_second if results[0].per_second else 0.0
            for results in rounds
        )
        spread = f"{runs[0].per_second:.0f}-{runs[-1].per_second:.0f}"
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW"
        print(
            f"{middle.label:<{width}}{middle.per_second:>9.1f}{spread:>13}{ratio:>7.2f}{middle.p50_ms:>8.1f}"
            f"{middle.p90_ms:>8.1f}{middle.p99_ms:>8.1f}{sum(run.requests for run in runs):>10}  {verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())

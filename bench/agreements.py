"""Render, diff, export and serve a large agreement: 200 sections, 50 versions, about 60,000 words.

Run: .venv/bin/python bench/agreements.py [--postgresql | --database-url URL] (see bench/README.md).
Prints page, diff and PDF times, SQL statement counts (small against large agreement) and requests
per second against /healthz; exits non-zero when a response is not 200 or the server fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The application's package "agreements" must win over this script's own name.
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import environment  # noqa: E402
import loadgen  # noqa: E402
import querycount  # noqa: E402
import seeding  # noqa: E402
from environment import git_state  # noqa: E402

# The bar: the public pages serve at least this share of /healthz's requests per second.
TARGET_RATIO = 0.5
SMALL = (20, 5)  # sections, versions of the agreement the query counts are compared with


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database-url", help="a database that does not exist yet (PostgreSQL: created and dropped)"
    )
    where.add_argument(
        "--postgresql",
        action="store_true",
        help=f"a fresh database on {seeding.PG_DEFAULT_SERVER}, dropped afterwards",
    )
    add("--sections", type=int, default=200, help="sections of the large agreement (200)")
    add("--versions", type=int, default=50, help="published versions of the large agreement (50)")
    add("--words", type=int, default=60_000, help="words per version of the large agreement (60000)")
    add("--runs", type=int, default=5, help="in-process requests per page and diff; medians shown (5)")
    add("--pdf-runs", type=int, default=3, help="PDFs generated from scratch; median shown (3)")
    add(
        "--budget", type=float, default=20, help="seconds per page after which slow pages stop at 3 runs (20)"
    )
    add("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    add("--threads", type=int, default=2, help="wrk threads (2)")
    add("--connections", type=int, default=16, help="concurrent connections (16)")
    add("--duration", type=int, default=10, help="seconds of load per page and round (10)")
    add("--rounds", type=int, default=3, help="rounds over all pages; medians are shown (3)")
    add("--warmup", type=int, default=2, help="seconds of unmeasured load per page first (2)")
    add("--skip-load", action="store_true", help="no gunicorn and wrk: in-process figures only")
    add("--profile", action="store_true", help="cProfile every page, not only those below the bar")
    add("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.sections <= SMALL[0] or args.versions <= SMALL[1]:
        parser.error(f"the large agreement needs more than {SMALL[0]} sections and {SMALL[1]} versions")
    return args


def main() -> int:
    args = parse_args()
    if not args.skip_load and not loadgen.wrk_available():
        raise SystemExit("wrk is missing: apt-get install -y wrk (or run with --skip-load)")
    url = seeding.random_postgres_url() if args.postgresql else args.database_url
    with seeding.fresh_database(url, keep=args.keep) as database_url:
        if args.keep:
            print(f"Database (kept): {database_url}")
        return run(args, database_url)


# --- preparing the data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """One built agreement and the addresses of its pages."""

    label: str
    document_id: int
    sections: int
    versions: int
    words: int
    last_title: str

    @property
    def path(self) -> str:
        return f"/agreements/{self.document_id}"

    def pages(self) -> list[tuple[str, str]]:
        n = self.versions
        return [
            ("agreement page", self.path),
            (f"version {n} (permalink)", f"{self.path}/versions/{n}"),
            (f"compare 1 -> {n}", f"{self.path}/compare?from=1&to={n}"),
            (f"compare {n - 1} -> {n}", f"{self.path}/compare?from={n - 1}&to={n}"),
            (f"PDF of version {n}", f"{self.path}/versions/{n}.pdf"),
        ]


def prepare(app, args: argparse.Namespace) -> tuple[Agreement, Agreement]:
    import agreement_data

    from agreements.demo import seed_agreements
    from agreements.models import VersionSection
    from agreements.services.versions import latest_version
    from core.extensions import db

    started = time.perf_counter()
    seeded = seeding.migrate_and_seed(app)
    with app.app_context():
        seed_agreements(db.session)
    print(
        f"\nPrepared: migrated, units and demo data in {time.perf_counter() - started:.1f} s "
        f"({seeded['units']} units, {seeded['users']} demo users, demo framework and agreement)."
    )
    built = []
    small_words = args.words * SMALL[0] // args.sections
    for label, (sections, versions, words, seed) in {
        "small": (*SMALL, small_words, 1),
        "large": (args.sections, args.versions, args.words, 2),
    }.items():
        with app.app_context():
            builder = agreement_data.AgreementBuilder(db.session, sections=sections, words=words, seed=seed)
            result = builder.build(versions_count=versions)
            latest = latest_version(db.session, result.document_id)
            assert latest is not None
            rows = db.session.scalar(
                db.select(db.func.count(VersionSection.id)).where(
                    VersionSection.version.has(document_id=result.document_id)
                )
            )
            agreement = Agreement(
                label, result.document_id, result.sections, result.versions, result.words_in_latest,
                latest.sections[-1].title,
            )  # fmt: skip
            db.session.remove()
        built.append(agreement)
        print(
            f"  {label} agreement {agreement.path}: {result.sections} sections, {result.versions} versions, "
            f"{result.words_in_latest:,} words in version {result.versions}, "
            f"{rows:,} stored version sections; "
            f"{result.service_calls} service calls in {result.seconds:.1f} s"
        )
    return built[0], built[1]


# --- in-process measurements ----------------------------------------------------------------------------


def clear_caches() -> None:
    """Forget rendered pages and PDFs, so the next request does all the work."""
    from agreements.services.exports import pdf_cache
    from core import pagecache

    pagecache.clear()
    pdf_cache.clear()


@dataclass
class Timing:
    label: str
    first_ms: list[float]
    first_cpu_ms: list[float]
    cached_ms: list[float]
    size: int
    # Statements of the first rendered request and of the first cached one.
    first_statements: querycount.Measurement
    cached_statements: querycount.Measurement


@dataclass
class Request:
    wall_ms: float
    cpu_ms: float
    size: int
    statements: querycount.Measurement


def timed_get(app, client, path: str, failures: list[str]) -> Request:
    with querycount.statement_log(app) as statements:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = response.get_data()
        cpu = (time.process_time() - cpu_started) * 1000
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        failures.append(f"{path} answered HTTP {response.status_code} in-process")
    return Request(elapsed, cpu, len(body), querycount.Measurement(response.status_code, list(statements)))


def time_pages(app, agreement: Agreement, args: argparse.Namespace, failures: list[str]) -> list[Timing]:
    """Each page rendered from scratch (caches emptied) ``runs`` times, fewer for slow pages (at least
    three, then until ``budget`` seconds are spent), and then cached ``runs`` times."""
    client = querycount.anonymous_client(app)
    budget = args.budget * 1000
    timings = []
    for label, path in agreement.pages():
        runs = args.pdf_runs if path.endswith(".pdf") else args.runs
        first: list[Request] = []
        while len(first) < runs and (len(first) < min(3, runs) or sum(r.wall_ms for r in first) < budget):
            clear_caches()
            first.append(timed_get(app, client, path, failures))
        cached = [timed_get(app, client, path, failures) for _ in range(args.runs)]
        timings.append(
            Timing(
                label,
                [r.wall_ms for r in first],
                [r.cpu_ms for r in first],
                [r.wall_ms for r in cached],
                first[0].size,
                first[0].statements,
                cached[0].statements,
            )
        )
    return timings


def print_timings(agreement: Agreement, timings: list[Timing], args: argparse.Namespace) -> None:
    print(
        f"\nIn-process request times, anonymous visitor, {agreement.sections} sections / "
        f"{agreement.versions} versions (Flask test client; medians)"
    )
    print("  'rendered': page cache and PDF cache emptied before each request; 'cached': repeat requests;")
    print("  'CPU ms': this process's CPU time while rendering (wall time minus waiting for a busy CPU)")
    width = max(len(t.label) for t in timings) + 2
    print(
        f"  {'page':<{width}}{'rendered ms':>12}{'min-max':>14}{'CPU ms':>9}{'runs':>6}"
        f"{'cached ms':>11}{'runs':>6}{'size KB':>9}"
    )
    for timing in timings:
        spread = f"{min(timing.first_ms):.0f}-{max(timing.first_ms):.0f}"
        print(
            f"  {timing.label:<{width}}{statistics.median(timing.first_ms):>12.1f}{spread:>14}"
            f"{statistics.median(timing.first_cpu_ms):>9.0f}{len(timing.first_ms):>6}{statistics.median(timing.cached_ms):>11.1f}{len(timing.cached_ms):>6}"
            f"{timing.size / 1024:>9.0f}"
        )


def time_diffs(app, agreement: Agreement, args: argparse.Namespace) -> None:
    """The pure domain diff (no database, no templates) on sections loaded beforehand."""
    from agreements.domain.section_diff import diff_versions
    from agreements.models import DocumentVersion
    from agreements.services.versions import sections_of
    from core.extensions import db

    n = agreement.versions
    with app.app_context():
        loaded = {
            version.number: sections_of(version)
            for version in db.session.scalars(
                db.select(DocumentVersion).where(
                    DocumentVersion.document_id == agreement.document_id,
                    DocumentVersion.number.in_([1, n - 1, n]),
                )
            )
        }
        db.session.remove()
    print(f"\nDomain diff_versions (pure Python, median of {args.runs} runs)")
    for old, new in ((1, n), (n - 1, n)):
        runs, cpu = [], []
        for _ in range(args.runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            diff = diff_versions(loaded[old], loaded[new])
            runs.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        print(
            f"  v{old} -> v{new}: {statistics.median(runs):8.1f} ms, CPU {statistics.median(cpu):6.0f} ms  "
            f"({diff.count('changed')} changed, "
            f"{diff.count('added')} added, {diff.count('removed')} removed, {diff.moved} moved, "
            f"{diff.count('unchanged')} unchanged sections)"
        )


PAGE_KINDS = ["agreement page", "version permalink (latest)", "compare first -> latest",
              "compare previous -> latest", "PDF of latest version"]  # fmt: skip


def print_counts(small: Agreement, large: Agreement, timings: dict[str, list[Timing]]) -> None:
    print(
        "\nSQL statements per request (anonymous; first request with page and PDF caches empty, then a "
        "repeat)"
    )
    few, many = f"{small.sections}s/{small.versions}v", f"{large.sections}s/{large.versions}v"
    width = max(len(kind) for kind in PAGE_KINDS) + 2
    print(f"  {'page':<{width}}{few:>10}{many:>11}{'repeat':>8}  verdict")
    growing = []
    for kind, before, after in zip(PAGE_KINDS, timings["small"], timings["large"], strict=True):
        first, repeat = after.first_statements, after.cached_statements
        verdict = "constant" if before.first_statements.count == first.count else "GROWS"
        if before.cached_statements.count != repeat.count:
            verdict += " (repeat GROWS)"
        if verdict != "constant":
            growing.append((kind, first))
        print(
            f"  {kind:<{width}}{before.first_statements.count:>10}{first.count:>11}"
            f"{repeat.count:>8}  {verdict}"
        )
    for kind, counted in growing:
        print(f"\n  {kind}: most repeated statements at {many}")
        for sql, times in counted.most_repeated():
            print(f"    {times:>5} x {sql}")


# --- load: gunicorn and wrk ---------------------------------------------------------------------------------


def load_pages(
    args: argparse.Namespace, database_url: str, agreement: Agreement
) -> tuple[list[tuple[str, str]], list[list[loadgen.LoadResult]], list[str]]:
    from markupsafe import escape

    n = agreement.versions
    targets = [
        ("/healthz", "/healthz"),
        ("agreement page", agreement.path),
        (f"version {n} (permalink)", f"{agreement.path}/versions/{n}"),
    ]
    failures: list[str] = []
    rounds: list[list[loadgen.LoadResult]] = []
    with (
        tempfile.TemporaryDirectory(prefix="raumrat-bench-server-") as log_dir,
        loadgen.gunicorn(database_url, args.workers, Path(log_dir)) as server,
    ):
        sizes: dict[str, int] = {}
        for label, path in targets:
            status, body = loadgen.fetch(server, path)
            sizes[path] = len(body.encode())
            if status != 200:
                failures.append(f"{label} ({path}) answered HTTP {status} before the load")
            elif path != "/healthz" and str(escape(agreement.last_title)) not in body:
                failures.append(f"{label} ({path}) does not show the last section of version {n}")
        if failures:
            print("\n" + server.log_tail())
            return targets, rounds, failures
        # Rounds over all targets: a change in background load hits /healthz and the pages alike.
        for round_number in range(args.rounds):
            results = []
            for label, path in targets:
                if args.warmup and round_number == 0:
                    wrk(server, path, label, args, args.warmup, sizes[path])
                result = wrk(server, path, label, args, args.duration, sizes[path])
                results.append(result)
                if result.non_200 or result.socket_errors:
                    failures.append(
                        f"{label}: {result.non_200} responses with an error status or shorter than the "
                        f"page, {result.socket_errors} socket errors under load"
                    )
            rounds.append(results)
        # Last: a worker killed for taking too long must not disturb the rounds.
        failures += pdf_through_server(server, f"{agreement.path}/versions/{n}.pdf")
        if failures:
            print("\n" + server.log_tail())
    return targets, rounds, failures


def pdf_through_server(server: loadgen.Server, path: str) -> list[str]:
    """One PDF generated by a gunicorn worker, which is killed when it takes longer than the worker
    timeout (gunicorn's default: 30 s)."""
    import urllib.error
    import urllib.request

    started = time.perf_counter()
    try:
        with urllib.request.urlopen(server.base_url + path, timeout=300) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, 0
    except OSError as error:
        status, size = 0, 0
        print(f"  ({error})")
    seconds = time.perf_counter() - started
    print(
        f"\nPDF through gunicorn (first request, one worker): HTTP {status or 'none'} in {seconds:.1f} s, "
        f"{size / 1024:.0f} KB"
    )
    return [] if status == 200 else [f"{path} through gunicorn answered HTTP {status or 'nothing'}"]


# Unlike loadgen's script this one defines no response() callback: with it, wrk copies every body into
# Lua, which for pages of 600 KB takes the shared CPUs from the server (measured: 20-40 % fewer
# requests/s for the pages, none for /healthz). Statuses >= 400 are counted exactly by wrk itself;
# anything else that is not the page (a redirect, say) shows as fewer bytes than full pages.
WRK_SCRIPT = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d status=%d\\n",
    summary.requests, summary.duration, summary.bytes, e.status))
  io.write(string.format("BENCH connect=%d read=%d write=%d timeout=%d\\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("BENCH p50_us=%d p90_us=%d p99_us=%d\\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


def wrk(
    server: loadgen.Server, path: str, label: str, args: argparse.Namespace, seconds: int, body_size: int
) -> loadgen.LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s"]
    try:
        output = subprocess.run(
            [*command, "-s", script.name, server.base_url + path],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    lines = [line for line in output.splitlines() if line.startswith("BENCH ")]
    if len(lines) != 3:
        raise SystemExit(f"Unexpected wrk output:\n{output}")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", " ".join(lines))}
    requests = values["requests"]
    # Every full response has the page's body and some headers; short ones pull the total below.
    short = max(0, requests - values["bytes"] // body_size) if body_size else 0
    return loadgen.LoadResult(
        path=path,
        label=label,
        requests=requests,
        seconds=values["duration_us"] / 1e6,
        non_200=values["status"] + short,
        socket_errors=values["connect"] + values["read"] + values["write"] + values["timeout"],
        p50_ms=values["p50_us"] / 1000,
        p90_ms=values["p90_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
    )


def print_load(rounds: list[list[loadgen.LoadResult]], agreement: Agreement) -> list[str]:
    """Per target the median round's requests/s; the ratio is the median of each round's ratio to that
    round's /healthz. Returns the labels of the pages below the bar."""
    below: list[str] = []
    if not rounds:
        return below
    print(
        f"\nRequests per second, anonymous visitor, {agreement.sections} sections / {agreement.versions} "
        f"versions (gunicorn + wrk; median of {len(rounds)} round(s); bar: {TARGET_RATIO:.0%} of /healthz)"
    )
    width = max(len(result.label) for result in rounds[0]) + 2
    columns = f"{'req/s':>9}{'min-max':>13}{'ratio':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}"
    print(f"  {'path':<{width}}{columns}{'requests':>10}  bar")
    for index in range(len(rounds[0])):
        runs = sorted((results[index] for results in rounds), key=lambda result: result.per_second)
        middle = runs[len(runs) // 2]
        ratio = statistics.median(
            results[index].per_second / results[0].per_second if results[0].per_second else 0.0
            for results in rounds
        )
        spread = f"{runs[0].per_second:.0f}-{runs[-1].per_second:.0f}"
        verdict = "-" if index == 0 else ("ok" if ratio >= TARGET_RATIO else "BELOW")
        if verdict == "BELOW":
            below.append(middle.label)
        print(
            f"  {middle.label:<{width}}{middle.per_second:>9.1f}{spread:>13}{ratio:>7.2f}"
            f"{middle.p50_ms:>8.1f}"
            f"{middle.p90_ms:>8.1f}{middle.p99_ms:>8.1f}{sum(run.requests for run in runs):>10}  {verdict}"
        )
    return below


# --- profiles --------------------------------------------------------------------------------------------


def profile(app, label: str, path: str, *, rendered: bool, requests: int) -> None:
    """cProfile over in-process requests: cached (what a visitor gets under load; by cumulative time,
    to see which steps the cheap path spends it in) or rendered (by own time: the hot spots)."""
    client = querycount.anonymous_client(app)
    client.get(path)
    profiler = cProfile.Profile()
    for _ in range(requests):
        if rendered:
            clear_caches()
        profiler.enable()
        client.get(path).get_data()
        profiler.disable()
    order, top = ("tottime", 15) if rendered else ("cumulative", 25)
    named = "own time" if rendered else "cumulative time"
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
    text = out.getvalue()
    state = "rendered (caches emptied)" if rendered else "cached"
    print(f"\n=== cProfile: {label} {path}, {state}, {requests} requests, top {top} by {named}")
    print(text[text.index("   ncalls") :].rstrip())


# --- the run -----------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, database_url: str) -> int:
    os.environ.update(
        {"DATABASE_URL": database_url, "RAUMRAT_ENV": "development", "SECRET_KEY": secrets.token_hex(32)}
    )
    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    print_environment(app, args)
    small, large = prepare(app, args)
    failures: list[str] = []

    # The small agreement first: templates compiled, weasyprint imported, before anything is timed.
    warm_up = argparse.Namespace(runs=2, pdf_runs=1, budget=0)
    time_pages(app, small, warm_up, failures)
    timings = {
        "small": time_pages(app, small, warm_up, failures),
        "large": time_pages(app, large, args, failures),
    }
    print_timings(large, timings["large"], args)
    time_diffs(app, large, args)
    print_counts(small, large, timings)

    below: list[str] = []
    if not args.skip_load:
        _, rounds, load_failures = load_pages(args, database_url, large)
        failures += load_failures
        below = print_load(rounds, large)
    pages = dict(large.pages())
    for label in pages if args.profile else below:
        profile(app, label, pages[label], rendered=False, requests=200)
        profile(app, label, pages[label], rendered=True, requests=max(3, args.runs))

    with app.app_context():
        from core.extensions import db

        db.session.remove()
        db.engine.dispose()
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


def print_environment(app, args: argparse.Namespace) -> None:
    database = environment.database(app)
    print("Raumrat agreements benchmark")
    print("\n".join(environment.machine_lines(("Flask", "SQLAlchemy", "Jinja2", "gunicorn", "weasyprint"))))
    print(f"  Database:   {database}")
    if args.skip_load:
        print("  Load:       none (--skip-load)")
    else:
        print(
            f"  Load:       gunicorn, {args.workers} sync workers; {loadgen.wrk_version()}, "
            f"{args.threads} threads, {args.connections} connections; "
            f"{args.warmup} s warm-up + {args.rounds} x {args.duration} s per page"
        )
    print(f"  Code:       {git_state()}")


if __name__ == "__main__":
    sys.exit(main())

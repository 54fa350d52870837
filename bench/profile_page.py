"""Where one request's time goes: cProfile over repeated in-process requests to a page.

Run: .venv/bin/python bench/profile_page.py [--member] [--cold] [PATH ...]   (see bench/README.md)
PATH may contain {space} (Gröpelingen's id) and {organisation} (the busiest synthetic organisation).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

import querycount
import seeding

ROOT = Path(__file__).resolve().parent.parent
SPACE_CODE = "04011440"
MEMBER_EMAIL = "beneficiary@example.org"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("paths", nargs="*", default=["/spaces/{space}"], help="pages to profile")
    add("--member", action="store_true", help="request as the signed-in demo beneficiary")
    add("--cold", action="store_true", help="empty the anonymous page cache before each request")
    add("--members", type=int, default=1000, help="synthetic members in Gröpelingen (1000)")
    add("--requests", type=int, default=50, help="requests per page (50)")
    add("--top", type=int, default=25, help="functions to list (25; 0: timings only)")
    add("--sort", default="tottime", choices=("tottime", "cumulative"), help="order (tottime)")
    add("--database-url", help="a database that does not exist yet (default: SQLite, temporary)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with seeding.fresh_database(args.database_url) as database_url:
        os.environ.update(
            {"DATABASE_URL": database_url, "RAUMRAT_ENV": "development", "SECRET_KEY": secrets.token_hex(32)}
        )
        sys.path.insert(0, str(ROOT))
        from app import create_app

        app = create_app({"RATELIMIT_ENABLED": False})
        seeding.migrate_and_seed(app)
        bench = seeding.prepare_bench_space(app, SPACE_CODE)
        seeding.add_members(app, bench, args.members)
        if args.member:
            client = querycount.member_client(app, MEMBER_EMAIL)
        else:
            client = querycount.anonymous_client(app)
        for template in args.paths:
            path = template.format(space=bench.space_id, organisation=bench.busiest_organisation_id)
            profile(app, client, path, args)
    return 0


def profile(app, client, path: str, args: argparse.Namespace) -> None:
    clear_cache = _cache_clearer() if args.cold else (lambda: None)
    status = client.get(path).status_code  # warm-up: compiled templates, first connection
    started = time.perf_counter()
    for _ in range(args.requests):
        clear_cache()
        client.get(path)
    plain_ms = (time.perf_counter() - started) * 1000 / args.requests
    profiler = cProfile.Profile()
    with querycount.statement_log(app) as statements:
        profiler.enable()
        for _ in range(args.requests):
            clear_cache()
            client.get(path)
        profiler.disable()
    who = "member" if args.member else "anonymous"
    cache = ", page cache emptied before each request" if args.cold else ""
    print(
        f"\n=== {path} as {who}{cache}: HTTP {status}, {plain_ms:.2f} ms per request without profiler, "
        f"{len(statements) / args.requests:.0f} SQL statements per request"
    )
    if not args.top:
        return
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    # Skip pstats' preamble; keep the column header and the rows.
    text = out.getvalue()
    print(text[text.index("   ncalls") :].rstrip())


def _cache_clearer():
    try:
        from core import pagecache
    except ImportError:
        return lambda: None
    return pagecache.clear


if __name__ == "__main__":
    sys.exit(main())

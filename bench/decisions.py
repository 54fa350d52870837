"""Decisions benchmark (prints figures, not a test): the tally engine on large motions, then ballots cast
by many concurrent clients against gunicorn on PostgreSQL, with a recount of the stored result.

    .venv/bin/python bench/decisions.py                      # tally + 200 clients for 30 s, fresh PostgreSQL
    .venv/bin/python bench/decisions.py --skip-tally --clients 50 --duration 10
    .venv/bin/python bench/decisions.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/raumrat_bench_x

The tally part is bench/tally.py (1,000,000 simple and per-party ballots, 100,000 ranked ballots over 10
alternatives, Schulze). The load part creates a database that did not exist before (dropped at the end),
one open motion (simple majority, open ballot) and one voter with a personal access token per client.
Every client casts its first ballot and then changes it again and again through
``PUT /api/v1/motions/<id>/ballot`` (a new connection per request, as gunicorn's sync workers close
them). At the end the motion is closed through the API, its ballots exported and recounted with
``decisions.recount`` (pure), and both are compared with the stored result and with the last choice
each client saw accepted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import environment, loadgen, seeding  # noqa: E402

SPACE_CODE = "04011440"
CHOICES = ("yes", "no", "abstain")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a PostgreSQL database to create (default: a random name)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--skip-tally", action="store_true", help="only the load part")
    parser.add_argument("--skip-load", action="store_true", help="only the tally part")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.skip_tally:
        print("== Tally engine (bench/tally.py --repeat 1) ==", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "tally.py"), "--repeat", "1"], check=True)
    if args.skip_load:
        return 0
    url = args.database_url or seeding.random_postgres_url()
    with seeding.fresh_database(url, keep=args.keep) as database_url:
        return load(args, database_url)


def prepare(app, clients: int) -> tuple[int, str, list[tuple[int, str]]]:
    """An open motion, a facilitator's token and (user id, token) of one voter per client."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from core.extensions import db
    from decisions.services import motions
    from decisions.services.motions import MotionInput
    from governance.models import Space, SpaceMembership, User
    from governance.parties import Party
    from governance.services.tokens import create_token
    from governance.units import load_official_units

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_official_units(db.session)
        db.session.commit()
        space_id = db.session.scalar(select(Space.id).where(Space.code == SPACE_CODE))
        rows = [
            {
                "email": f"voter-{n:04d}@{seeding.BENCH_EMAIL_DOMAIN}",
                "display_name": f"Voter {n:04d}",
                "locale": "en",
            }
            for n in range(clients + 1)
        ]
        ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))
        parties = list(Party)
        db.session.execute(
            insert(SpaceMembership),
            [
                {
                    "space_id": space_id,
                    "user_id": user_id,
                    "party": None if n == 0 else parties[n % len(parties)].value,
                    "role": "facilitator" if n == 0 else "member",
                    "status": "active",
                }
                for n, user_id in enumerate(ids)
            ],
        )
        db.session.commit()
        facilitator = db.session.get(User, ids[0])
        motion = motions.create_motion(
            db.session, facilitator, space_id=space_id,
            values=MotionInput(title="Benchmark motion", eligible_roles=["member"]),
        )  # fmt: skip
        motions.open_motion(db.session, facilitator, motion.id)
        tokens = [create_token(db.session, db.session.get(User, user_id), name="bench")[1] for user_id in ids]
        motion_id = motion.id
        db.session.remove()
    return motion_id, tokens[0], list(zip(ids[1:], tokens[1:], strict=True))


def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(loadgen.HOST, port, timeout=60)
    try:
        payload = None if body is None else json.dumps(body)
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        }
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(args: argparse.Namespace, database_url: str) -> int:
    os.environ.update(
        {"DATABASE_URL": database_url, "RAUMRAT_ENV": "development", "SECRET_KEY": secrets.token_hex(32)}
    )
    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    print(f"\n== {args.clients} clients casting and changing ballots for {args.duration:.0f} s ==")
    print(f"  Machine: {environment.cpu_model()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {environment.git_state()}")  # fmt: skip
    print(f"  Server:  gunicorn, {args.workers} sync workers, PostgreSQL", flush=True)
    motion_id, facilitator_token, voters = prepare(app, args.clients)
    path = f"/api/v1/motions/{motion_id}/ballot"
    last_accepted: dict[int, str] = {}
    counts = Counter()
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Event()
    stop_at = [0.0]

    with (
        tempfile.TemporaryDirectory(prefix="raumrat-bench-") as log_dir,
        loadgen.gunicorn(database_url, args.workers, Path(log_dir)) as server,
    ):
        port = int(server.base_url.rsplit(":", 1)[1])

        def client(voter_id: int, token: str, seed: int) -> None:
            rng = random.Random(seed)
            start.wait()
            while time.monotonic() < stop_at[0]:
                choice = rng.choice(CHOICES)
                began = time.perf_counter()
                try:
                    status, body = request(port, "PUT", path, token, {"choice": choice})
                except OSError as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
                    continue
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    if status == 200:
                        counts["changed" if json.loads(body)["changed"] else "cast"] += 1
                        last_accepted[voter_id] = choice
                    else:
                        errors.append(f"HTTP {status}: {body[:200]!r}")

        threads = [
            threading.Thread(target=client, args=(voter_id, token, n), daemon=True)
            for n, (voter_id, token) in enumerate(voters)
        ]
        for thread in threads:
            thread.start()
        began = time.monotonic()
        stop_at[0] = began + args.duration
        start.set()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - began
        status, body = request(port, "POST", f"/api/v1/motions/{motion_id}/close", facilitator_token)
        closed = json.loads(body) if status == 200 else {}
        status_export, export_body = request(
            port, "GET", f"/api/v1/motions/{motion_id}/ballots", facilitator_token
        )
        export = json.loads(export_body) if status_export == 200 else {}
        if status != 200 or status_export != 200:
            errors.append(f"close {status}, export {status_export}: {server.log_tail()}")

    from decisions.recount import canonical_json, recount

    total = counts["cast"] + counts["changed"]
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else 0.0

    print(f"  Ballots accepted: {total:,} in {seconds:.1f} s = {total / seconds:.1f} ballots per second "
          f"({counts['cast']:,} first ballots, {counts['changed']:,} changes)")  # fmt: skip
    print(
        f"  Latency: p50 {percentile(0.5):.0f} ms, p90 {percentile(0.9):.0f} ms, "
        f"p99 {percentile(0.99):.0f} ms"
    )
    print(f"  Errors: {len(errors)}")
    for error in errors[:5]:
        print(f"    {error}")
    failures = list(errors)
    if export:
        result = recount(export)
        same = canonical_json(result.to_dict()) == canonical_json(closed.get("result"))
        expected = Counter(last_accepted.values())
        counted = closed["result"]["detail"]["counts"]
        matches_clients = counted == {choice: expected[choice] for choice in CHOICES}
        print(f"  Closed: outcome {closed['outcome']}, counts {counted}, {len(export['ballots'])} ballots "
              f"for {len(voters)} voters")  # fmt: skip
        stored = "matches" if same else "DIFFERS from"
        seen = "matches" if matches_clients else "DIFFERS from"
        print(f"  Recount of the exported ballots: {stored} the stored result; {seen} the last choice each "
              "client saw accepted")  # fmt: skip
        if not same or not matches_clients or len(export["ballots"]) != len(last_accepted):
            failures.append("recount mismatch")
    with app.app_context():
        from core.extensions import db

        db.session.remove()
        db.engine.dispose()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

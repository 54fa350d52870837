"""What the benchmarks print about the machine and the code they measured."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def git_state() -> str:
    def git(*command: str) -> str:
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"commit {commit}" + (" with uncommitted changes in the work tree" if dirty else "")


def database(app) -> str:
    """The database the app uses: engine and server version (password hidden)."""
    from sqlalchemy import text

    from core.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            import sqlite3

            described = f"SQLite {sqlite3.sqlite_version} (file in a temporary folder)"
        else:
            version = db.session.scalar(text("SHOW server_version"))
            described = f"PostgreSQL {version} ({engine.url.render_as_string(hide_password=True)})"
        db.session.remove()
    return described


def machine_lines(packages: tuple[str, ...] = ("Flask", "SQLAlchemy", "Jinja2", "gunicorn")) -> list[str]:
    """The CPU (with the load average before the run: other work takes CPU from server and client
    alike) and Python with the named packages' versions."""
    import importlib.metadata
    import os

    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in packages)
    return [
        f"  CPU:        {cpus} CPUs ({usable} usable), {cpu_model()}; load average {load} before the run",
        f"  Python:     {platform.python_implementation()} {platform.python_version()} ({versions})",
    ]

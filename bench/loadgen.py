"""Serve the app with gunicorn on the loopback interface and load it with wrk."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# wrk counts only status >= 400 as errors; this script counts every status that is not 200
# and reports latency percentiles in a form that is easy to parse.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  ok = 0
  other = 0
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d ok=%d other=%d\\n",
    summary.requests, summary.duration, total_ok, total_other))
  io.write(string.format("BENCH connect=%d read=%d write=%d timeout=%d\\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("BENCH p50_us=%d p90_us=%d p99_us=%d\\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def gunicorn(database_url: str, workers: int, log_dir: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "RAUMRAT_ENV": "development",
    }
    log_path = log_dir / "gunicorn.log"
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "app:create_app()",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(base_url=f"http://{HOST}:{port}", log_path=log_path)
    try:
        wait_until_healthy(server, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(server: Server, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, http.client.HTTPException):
            pass  # not listening yet, or a worker still booting
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{server.log_tail()}")


def sign_in(server: Server, email: str, password: str) -> str:
    """Sign in through the login form (CSRF token parsed from it); return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(server.base_url + "/login", timeout=10) as response:
        form = response.read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if match is None:
        raise SystemExit("No csrf_token field on /login")
    data = urllib.parse.urlencode(
        {"csrf_token": match.group(1), "email": email, "password": password}
    ).encode()
    try:
        # Follows the redirect to the home page, which also shows (and so clears) the flash message.
        with opener.open(server.base_url + "/login", data=data, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"Signing in as {email} failed with HTTP {error.code}") from error
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "session" not in cookies:
        raise SystemExit(f"Signing in as {email} set no session cookie")
    return f"session={cookies['session']}"


def fetch(server: Server, path: str, cookie: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(server.base_url + path, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class LoadResult:
    path: str
    label: str
    requests: int
    seconds: float
    non_200: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    server: Server,
    path: str,
    label: str,
    *,
    threads: int,
    connections: int,
    seconds: int,
    cookie: str | None = None,
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(server.base_url + path)
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        os.unlink(script.name)
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", _bench_lines(output))}
    return LoadResult(
        path=path,
        label=label,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        non_200=values["other"],
        socket_errors=values["connect"] + values["read"] + values["write"] + values["timeout"],
        p50_ms=values["p50_us"] / 1000,
        p90_ms=values["p90_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
    )


def _bench_lines(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("BENCH ")]
    if len(lines) != 3:
        raise SystemExit(f"Unexpected wrk output:\n{output}")
    return " ".join(lines)


def wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    match = re.search(r"wrk\s+(\S+)", result.stdout + result.stderr)
    return f"wrk {match.group(1)}" if match else "wrk"


def run_python_load(
    server: Server, path: str, label: str, *, connections: int, seconds: int, cookie: str | None = None
) -> LoadResult:
    """Fallback when wrk is missing: threads with keep-alive connections (reopened when the server
    closes them). The client shares the CPU and the GIL, so figures are lower than wrk's."""
    import threading

    parsed = urllib.parse.urlsplit(server.base_url)
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    counts = {"non_200": 0, "errors": 0}
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        mine: list[float] = []
        non_200 = errors = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    non_200 += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            counts["non_200"] += non_200
            counts["errors"] += errors

    started = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else 0.0

    return LoadResult(
        path=path,
        label=label,
        requests=len(latencies),
        seconds=elapsed,
        non_200=counts["non_200"],
        socket_errors=counts["errors"],
        p50_ms=percentile(0.50),
        p90_ms=percentile(0.90),
        p99_ms=percentile(0.99),
    )

#!/usr/bin/env python3
"""Shared helpers for the bench scripts: processes, a cheap load client, percentiles, RSS.

Not a benchmark itself: `python bench/_common.py --quick` (run by .ci/run for every script in bench/)
only checks that the helpers import. `python bench/_common.py bare-flask --port 0` serves the bare Flask
JSON endpoint that bench/prices.py uses as the floor of the web stack.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ERP_USER, ERP_PASS = "erp-user", "bench-erp-pass-1"
SHOP_KEY = "bench-shop-key-0001"
SOAP_USER, SOAP_PASS = "erp", "bench-soap-pass-1"


def bench_env(erp_soap_url: str, database_url: str) -> dict[str, str]:
    """MIDDLEWARE_* variables for `run.py serve`: real (non-demo) secrets, quiet logs, no worker."""
    return {
        "MIDDLEWARE_DATABASE_URL": database_url,
        "MIDDLEWARE_ERP_ENDPOINT": erp_soap_url,
        "MIDDLEWARE_ERP_USERNAME": ERP_USER,
        "MIDDLEWARE_ERP_PASSWORD": ERP_PASS,
        "MIDDLEWARE_SHOP_API_KEYS": SHOP_KEY,
        "MIDDLEWARE_SOAP_USERNAME": SOAP_USER,
        "MIDDLEWARE_SOAP_PASSWORD": SOAP_PASS,
        "MIDDLEWARE_ADMIN_PASSWORD": "bench-admin-pass-1",
        "MIDDLEWARE_SECRET_KEY": "bench-secret-key-0123456789",
        "MIDDLEWARE_LOG_LEVEL": "WARNING",
        "MIDDLEWARE_SCHEDULE_RECONCILE_ORDERS": "off",
        "MIDDLEWARE_SCHEDULE_CATALOG_SYNC": "off",
        "MIDDLEWARE_SCHEDULE_PRICE_CHECK": "off",
        "MIDDLEWARE_SCHEDULE_HOUSEKEEPING": "off",
        # the bench's clients all come from one address, standing in for many (the herd is 200)
        "MIDDLEWARE_WEB_CONNECTIONS_PER_CLIENT": "0",
    }


class Process:
    """A child process serving HTTP; `url` parsed from its ready line."""

    def __init__(self, command: list[str], ready: str, env: dict[str, str] | None = None,
                 timeout: float = 30.0) -> None:
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self.proc.stdout is not None
        deadline, seen = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if ready in line:
                self.url = line.strip().split()[-1].rstrip("/")
                threading.Thread(target=self._drain, daemon=True).start()
                return
            seen.append(line)
            if not line and self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"{command[1:3]} did not start:\n{''.join(seen[-20:])}")

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.proc.pid

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if "Traceback" in line or " ERROR " in line:
                sys.stderr.write(f"  [child {self.pid}] {line}")

    def peak_rss_mb(self) -> float:
        """Peak resident set size (VmHWM) of the child so far, in MiB (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the child has used so far (Linux)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_erp(latency_ms: float = 0, threads: int = 16) -> Process:
    """The reference ERP (`python -m erpsim`) on a free port with bench credentials and a set latency."""
    erp = Process([sys.executable, "-m", "erpsim", "--port", "0", "--threads", str(threads),
                   "--username", ERP_USER, "--password", ERP_PASS], "ERPSIM READY")
    control(erp.url, "POST", "faults", {"latency_ms": latency_ms})
    return erp


def start_middleware(erp_url: str, data_dir: str, extra_env: dict[str, str] | None = None,
                     command: list[str] | None = None) -> Process:
    """`python run.py serve` (the production command: waitress, web_threads) after `db upgrade` and `sync`."""
    env = {**bench_env(f"{erp_url}/soap", f"sqlite:///{data_dir}/bench.db"), **(extra_env or {})}
    for step in (["db", "upgrade"], ["sync"]):  # what a deployment (and the worker's schedule) has done
        subprocess.run([sys.executable, "run.py", *step], cwd=ROOT, env={**os.environ, **env},
                       check=True, capture_output=True)
    argv = command or [sys.executable, "run.py", "serve", "--port", "0"]
    return Process(argv, "serving on", env)


def start_bare_flask(threads: int) -> Process:
    """The bare Flask JSON endpoint (POST /echo) on waitress with the middleware's WebServer."""
    return Process([sys.executable, __file__, "bare-flask", "--port", "0", "--threads", str(threads)],
                   "serving on")


def control(erp_url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the reference ERP's JSON control API."""
    response = requests.request(method, f"{erp_url}/_control/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def erp_calls(erp_url: str, operation: str) -> int:
    """How many times the ERP has served `operation` since the last stats reset."""
    ops = control(erp_url, "GET", "stats")["operations"]
    return int(ops.get(operation, {}).get("calls", 0))


# --- a cheap keep-alive HTTP/1.1 client, so the load generator costs little CPU on a small machine ---

def build_request(url: str, method: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """A raw HTTP/1.1 keep-alive request for `url`."""
    parts = urlsplit(url)
    lines = [f"{method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
             f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def basic_auth(user: str, password: str) -> str:
    """An HTTP Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class RawClient:
    """One keep-alive connection; `send(raw)` returns (status, body)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def _read_until(self, marker: bytes) -> bytes:
        assert self.sock is not None
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _read_exactly(self, n: int) -> bytes:
        assert self.sock is not None
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _read_chunked(self) -> bytes:
        body = b""
        while True:
            size = int(self._read_until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                self._read_until(b"\r\n")
                return body
            body += self._read_exactly(size)
            self._read_exactly(2)

    def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request and read the whole answer (reconnects when the server closed)."""
        sock = self.sock or self._connect()
        sock.sendall(raw)
        head = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = self._read_exactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        """Close the connection."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None


@dataclass
class Run:
    """Latencies (ms) and answer statuses of one measurement."""

    latencies: list[float]
    seconds: float
    statuses: Counter[int]

    @property
    def p50(self) -> float:
        """Median latency in ms."""
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        """95th percentile latency in ms."""
        return percentile(self.latencies, 95)

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def sequential(call: Callable[[int], int], count: int, warmup: int = 5) -> Run:
    """`count` calls one after another (latency); `call(i)` returns the HTTP status."""
    for i in range(warmup):
        call(-1 - i)
    latencies, statuses = [], Counter[int]()
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        statuses[call(i)] += 1
        latencies.append((time.perf_counter() - t0) * 1000)
    return Run(latencies, time.perf_counter() - started, statuses)


def closed_loop(url: str, raw: bytes | Callable[[], bytes], clients: int, seconds: float,
                warmup: float = 0.3) -> Run:
    """`clients` keep-alive connections sending `raw` (or `raw()`) back to back for `seconds` (throughput)."""
    make = raw if callable(raw) else (lambda: raw)
    times = {"measure": 0.0, "stop": 0.0}
    lock = threading.Lock()
    latencies: list[float] = []
    statuses = Counter[int]()
    finished: list[float] = []
    connected, release = threading.Barrier(clients + 1), threading.Barrier(clients + 1)

    def worker() -> None:
        client, mine, codes = RawClient(url), [], Counter[int]()
        client.send(make())
        connected.wait()
        release.wait()
        while time.perf_counter() < times["measure"]:  # every client warm before timing starts
            client.send(make())
        while time.perf_counter() < times["stop"]:
            request = make()
            t0 = time.perf_counter()
            codes[client.send(request)[0]] += 1
            mine.append((time.perf_counter() - t0) * 1000)
        client.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    connected.wait()
    times["measure"] = time.perf_counter() + warmup
    times["stop"] = times["measure"] + seconds
    release.wait()
    for thread in threads:
        thread.join()
    return Run(latencies, max(finished) - times["measure"], statuses)


def burst(url: str, raw: bytes, clients: int) -> Run:
    """`clients` connections that each send `raw` once, released together (a thundering herd)."""
    connections = [RawClient(url) for _ in range(clients)]
    for client in connections:
        client._connect()
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    statuses = Counter[int]()
    lock = threading.Lock()

    def worker(client: RawClient) -> None:
        barrier.wait()
        t0 = time.perf_counter()
        status = client.send(raw)[0]
        elapsed = (time.perf_counter() - t0) * 1000
        client.close()
        with lock:
            latencies.append(elapsed)
            statuses[status] += 1

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in connections]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return Run(latencies, time.perf_counter() - started, statuses)


def median(values: list[float]) -> float:
    """Median of the rounds."""
    return statistics.median(values) if values else float("nan")


def verdict(ok: bool, quick: bool) -> str:
    """PASS/FAIL, or nothing in quick mode (no thresholds)."""
    return "" if quick else ("PASS" if ok else "FAIL")


def machine() -> str:
    """nproc, CPU model and Python version, for the report."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {model}, Python {sys.version.split()[0]}"


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Print how long a phase took (stderr, progress only)."""
    started = time.perf_counter()
    yield
    print(f"  ({label}: {time.perf_counter() - started:.1f} s)", file=sys.stderr)


def serve_bare_flask(port: int, threads: int) -> int:
    """Serve a Flask app with one JSON endpoint, the same WebServer and thread count as `run.py serve`."""
    from flask import Flask, jsonify, request

    from middleware.web import WebServer

    app = Flask("bare")

    @app.post("/echo")
    def echo() -> Any:
        return jsonify(request.get_json())

    server = WebServer(app, "127.0.0.1", port, threads)
    server.serve_until_stopped(f"serving on {server.url}")
    return 0


def main() -> int:
    """`bare-flask` serves the floor endpoint; `--quick` (CI) just proves the helpers import."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["bare-flask"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    if args.mode == "bare-flask":
        return serve_bare_flask(args.port, args.threads)
    print(f"bench/_common.py: shared helpers, nothing to measure ({machine()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

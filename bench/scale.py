"""Orders delivered per second by 1, 2 and 4 `run.py worker` processes on one database, ERP at 20 ms.

    python bench/scale.py [--orders 1500] [--workers 1,2,4] [--latency-ms 20] [--database-url URL] [--quick]

The database is --database-url, else MIDDLEWARE_TEST_DATABASE_URL, else the local PostgreSQL if it answers,
else a SQLite file. Each run gets a fresh migrated schema; orders are placed first, then the workers start
and the clock runs from the moment every worker reported ready until the last order is accepted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from middleware.store import migrate  # noqa: E402
from middleware.store.db import Database  # noqa: E402
from tests.scale import cluster  # noqa: E402

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pick_database(explicit: str | None) -> str:
    """The base URL to benchmark on (see the module docstring)."""
    url = explicit or os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
    if url:
        return url
    try:
        engine = create_engine(LOCAL_PG, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return LOCAL_PG
    except Exception:  # no local PostgreSQL: SQLite still shows how the claim path behaves
        return f"sqlite:///{tempfile.mkdtemp(prefix='bench-scale-')}/scale.db"


def fresh_database(base: str, workers: int) -> str:
    """A migrated, empty database for one run."""
    if base.startswith("sqlite"):
        path = Path(base.removeprefix("sqlite:///"))
        path.with_name(f"scale-{workers}.db").unlink(missing_ok=True)
        url = f"sqlite:///{path.with_name(f'scale-{workers}.db')}"
        migrate.upgrade(url)
        return url
    return cluster.schema_url(base, f"bench_scale_{workers}")


def wait_ready(logs: Path, count: int, timeout: float = 60) -> None:
    """Until every worker has printed its start line."""
    def ready() -> bool:
        return sum("worker running" in p.read_text(errors="replace") for p in logs.glob("*.log")) >= count
    if not cluster.wait_until(ready, timeout, interval=0.05):
        raise SystemExit(f"workers did not start:\n{[p.read_text() for p in logs.glob('*.log')]}")


def cpu_seconds(pid: int | None = None) -> float:
    """CPU seconds used by a process (pid) or by the whole machine (None); 0.0 where /proc is missing."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        if pid is None:
            fields = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
            idle = int(fields[3]) + int(fields[4])  # idle and iowait
            return (sum(int(f) for f in fields) - idle) / ticks
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, ValueError, IndexError):
        return 0.0


def run_once(
    base: str, erp: object, workers: int, orders: int, concurrency: int
) -> tuple[float, int, float, float, float]:
    """Seconds, orders delivered, cores busy (whole machine), CPU ms per order of the workers and the ERP."""
    url = fresh_database(base, workers)
    seeder = cluster.seeding_container(url, erp.soap_url)  # type: ignore[attr-defined]
    try:
        cluster.place_orders(seeder, (f"BENCH-{workers}-{i:06d}" for i in range(orders)))
    finally:
        seeder.close()
    env = cluster.node_env(url, erp.soap_url, delivery_concurrency=concurrency,  # type: ignore[attr-defined]
                           **cluster.JOBS_OFF)
    db = Database(url)
    with tempfile.TemporaryDirectory() as logs:
        procs = cluster.start_workers(workers, env, Path(logs))
        try:
            wait_ready(Path(logs), workers)
            began, before = time.monotonic(), cluster.delivered_count(db)
            erp_pid = erp.proc.pid  # type: ignore[attr-defined]
            machine, erp_cpu = cpu_seconds(), cpu_seconds(erp_pid)
            own = sum(cpu_seconds(p.pid) for p in procs)
            cluster.wait_until(lambda: cluster.delivered_count(db) >= orders, timeout=600, interval=0.05)
            seconds = time.monotonic() - began
            delivered = cluster.delivered_count(db) - before
            busy = (cpu_seconds() - machine) / seconds
            worker_ms = (sum(cpu_seconds(p.pid) for p in procs) - own) * 1000 / max(1, delivered)
            erp_ms = (cpu_seconds(erp_pid) - erp_cpu) * 1000 / max(1, delivered)
        finally:
            cluster.stop_workers(procs)
    db.dispose()
    if not base.startswith("sqlite"):
        cluster.drop_schema(base, f"bench_scale_{workers}")
    return seconds, delivered, busy, worker_ms, erp_ms


def main() -> int:
    """Run the benchmark and print the scaling table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker process counts")
    parser.add_argument("--latency-ms", type=int, default=20, help="reference ERP latency per call")
    parser.add_argument("--concurrency", type=int, default=4, help="deliveries in flight per worker")
    parser.add_argument("--database-url")
    parser.add_argument("--quick", action="store_true", help="CI mode: 60 orders, a few seconds per row")
    args = parser.parse_args()
    orders = 60 if args.quick else args.orders
    counts = [int(n) for n in args.workers.split(",")]
    base = pick_database(args.database_url)
    print(f"database {base.split('@')[-1]}; reference ERP latency {args.latency_ms} ms; "
          f"{orders} orders per row; {args.concurrency} deliveries in flight per worker; "
          f"{os.cpu_count()} CPUs shared by everything")
    erp = cluster.start_erp()
    rows = []
    try:
        cluster.set_faults(erp.control_url, latency_ms=args.latency_ms)
        for workers in counts:
            seconds, delivered, *cpu = run_once(base, erp, workers, orders, args.concurrency)
            rows.append((workers, delivered, seconds, delivered / seconds, *cpu))
    finally:
        erp.stop()
    first = rows[0][3]
    print(f"\n{'workers':>7} {'orders':>7} {'seconds':>8} {'orders/s':>9} {'vs 1':>6} {'cores busy':>11} "
          f"{'CPU ms/order: workers':>22} {'ERP':>5}")
    for workers, delivered, seconds, rate, busy, worker_ms, erp_ms in rows:
        print(f"{workers:>7} {delivered:>7} {seconds:>8.2f} {rate:>9.1f} {rate / first:>5.2f}x {busy:>11.2f} "
              f"{worker_ms:>22.1f} {erp_ms:>5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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


def run_once(base: str, erp: object, workers: int, orders: int, concurrency: int) -> tuple[float, int]:
    """Seconds the workers needed for the orders, and how many they delivered."""
    url = fresh_database(base, workers)
    seeder = cluster.seeding_container(url, erp.soap_url)  # type: ignore[attr-defined]
    try:
        cluster.place_orders(seeder, (f"BENCH-{workers}-{i:06d}" for i in range(orders)))
    finally:
        seeder.close()
    env = cluster.node_env(url, erp.soap_url, delivery_concurrency=concurrency,  # type: ignore[attr-defined]
                           schedule_reconcile_orders="off", schedule_catalog_sync="off",
                           schedule_price_check="off", schedule_housekeeping="off")
    db = Database(url)
    with tempfile.TemporaryDirectory() as logs:
        procs = cluster.start_workers(workers, env, Path(logs))
        try:
            wait_ready(Path(logs), workers)
            began, before = time.monotonic(), cluster.delivered_count(db)
            cluster.wait_until(lambda: cluster.delivered_count(db) >= orders, timeout=600, interval=0.05)
            seconds = time.monotonic() - began
            delivered = cluster.delivered_count(db) - before
        finally:
            cluster.stop_workers(procs)
    db.dispose()
    if not base.startswith("sqlite"):
        cluster.drop_schema(base, f"bench_scale_{workers}")
    return seconds, delivered


def main() -> int:
    """Run the benchmark and print the scaling table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker process counts")
    parser.add_argument("--latency-ms", type=int, default=20, help="reference ERP latency per call")
    parser.add_argument("--concurrency", type=int, default=4, help="deliveries in flight per worker (default 4)")
    parser.add_argument("--database-url")
    parser.add_argument("--quick", action="store_true", help="CI mode: 60 orders, a few seconds per row")
    args = parser.parse_args()
    orders = 60 if args.quick else args.orders
    counts = [int(n) for n in args.workers.split(",")]
    base = pick_database(args.database_url)
    print(f"database {base.split('@')[-1]}; reference ERP latency {args.latency_ms} ms; {orders} orders per row; "
          f"{args.concurrency} deliveries in flight per worker; {os.cpu_count()} CPUs shared by everything")
    erp = cluster.start_erp()
    rows = []
    try:
        cluster.set_faults(erp.control_url, latency_ms=args.latency_ms)
        for workers in counts:
            seconds, delivered = run_once(base, erp, workers, orders, args.concurrency)
            rows.append((workers, delivered, seconds, delivered / seconds))
    finally:
        erp.stop()
    first = rows[0][3]
    print(f"\n{'workers':>7} {'orders':>7} {'seconds':>8} {'orders/s':>9} {'vs 1':>6}")
    for workers, delivered, seconds, rate in rows:
        print(f"{workers:>7} {delivered:>7} {seconds:>8.2f} {rate:>9.1f} {rate / first:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

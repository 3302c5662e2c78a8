"""Three worker processes on one PostgreSQL deliver 2,000 orders through a faulty ERP, each exactly once,
even when one of them is killed mid-run."""

from __future__ import annotations

import collections
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from middleware.store.db import Database
from middleware.store.order_tables import order_events, orders, outbox

from . import cluster

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="MIDDLEWARE_TEST_DATABASE_URL is not set (multi-process delivery needs PostgreSQL)"
)
ORDERS = 2000
WORKERS = 3


@pytest.fixture
def scale_db(pg_schema: Callable[[str], str]) -> str:
    """A migrated schema of its own on the test PostgreSQL."""
    return pg_schema("scale_workers")


def _lease_holders(db: Database, seen: collections.Counter[str]) -> None:
    with db.read() as conn:
        for (owner,) in conn.execute(select(outbox.c.lease_owner).where(outbox.c.lease_owner.is_not(None))):
            seen[owner.split(":")[1]] += 1  # host:pid:...


def test_three_workers_deliver_2000_orders_through_erp_faults_each_exactly_once_though_one_dies(
    erp: Any, scale_db: str, tmp_path: Path
) -> None:
    seeded = time.monotonic()
    seeder = cluster.seeding_container(scale_db, erp.soap_url)
    try:
        assert cluster.place_orders(seeder, (f"SCALE-{i:05d}" for i in range(ORDERS))) == ORDERS
    finally:
        seeder.close()
    seeded = time.monotonic() - seeded
    # busy errors before the commit, and some answers lost after it (the worker must ask before resending)
    cluster.set_faults(erp.control_url, latency_ms=2, error_rate=0.1, timeout_after_commit_rate=0.01,
                       hang_seconds=2.5, seed=8)
    env = cluster.node_env(scale_db, erp.soap_url, erp_read_timeout=1.0, delivery_lease_seconds=4)
    db = Database(scale_db)
    holders: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    workers = cluster.start_workers(WORKERS, env, tmp_path)
    try:
        # a worker dies hard mid-run: its leased entries are retaken by the others once the lease expires
        assert cluster.wait_until(lambda: cluster.delivered_count(db) >= ORDERS // 4, timeout=40,
                                  on_tick=lambda: _lease_holders(db, holders))
        workers[0].kill()
        done = cluster.wait_until(lambda: cluster.delivered_count(db) == ORDERS, timeout=60,
                                  on_tick=lambda: _lease_holders(db, holders))
        elapsed = time.monotonic() - started
        assert [w.poll() for w in workers[1:]] == [None, None], _logs(tmp_path)
    finally:
        cluster.stop_workers(workers)
    assert done, f"only {cluster.delivered_count(db)} of {ORDERS} delivered\n{_logs(tmp_path)}"

    in_erp = collections.Counter(o["external_document_no"] for o in cluster.erp_orders(erp.control_url))
    assert len(in_erp) == ORDERS and set(in_erp.values()) == {1}, "an order is missing or doubled in the ERP"
    with db.read() as conn:
        rows = conn.execute(select(orders.c.order_number, orders.c.erp_order_number))
        ours = {row[0]: row[1] for row in rows}
    by_ext = {o["external_document_no"]: o["no"] for o in cluster.erp_orders(erp.control_url)}
    assert ours == by_ext
    create = cluster.erp_stats(erp.control_url)["operations"]["CreateSalesOrder"]
    assert create["calls"] - create["faults"] == ORDERS  # a call that did not fault created an order
    outcomes = _attempt_outcomes(db)
    assert {n: c["accepted"] + c["adopted"] for n, c in outcomes.items()} == dict.fromkeys(ours, 1), (
        "an order was taken to the ERP successfully more than once"
    )
    assert sum(c["timeout"] for c in outcomes.values()) > 0, "no answer was lost: the faults did not bite"
    assert sum(c["unavailable"] for c in outcomes.values()) > 0
    assert {pid for pid in holders} >= {str(w.pid) for w in workers}, f"not all workers took part: {holders}"
    db.dispose()
    print(f"\nplaced {ORDERS} orders in {seeded:.1f}s; delivered by {WORKERS} workers in {elapsed:.1f}s; "
          f"erp CreateSalesOrder {create}; "
          f"lease samples per worker {dict(holders)}")


def _attempt_outcomes(db: Database) -> dict[str, collections.Counter[str]]:
    found: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    with db.read() as conn:
        rows = conn.execute(select(order_events.c.order_number, order_events.c.detail)
                            .where(order_events.c.kind == "attempt"))
        for number, detail in rows:
            found[number][json.loads(detail)["outcome"]] += 1
    return found


def _logs(folder: Path) -> str:
    logs = sorted(folder.glob("*.log"))
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)

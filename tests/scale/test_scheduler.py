"""Two worker processes with schedulers on one PostgreSQL: each scheduled tick runs its job once."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from middleware.store.db import Database
from middleware.store.reconcile_tables import job_runs

from . import cluster

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="MIDDLEWARE_TEST_DATABASE_URL is not set (cluster-wide scheduling needs PostgreSQL)"
)
INTERVAL = 2.0
TICKS = 4
JOB = "reconcile_orders"


def _runs(db: Database) -> list[tuple[float, str]]:
    with db.read() as conn:
        rows = conn.execute(select(job_runs.c.started_at, job_runs.c.outcome)
                            .where(job_runs.c.job == JOB).order_by(job_runs.c.started_at))
        return [(row[0].timestamp(), row[1]) for row in rows]


def _gaps_between_runs(nodes: int, erp: Any, url: str, logs: Path) -> list[float]:
    """Start `nodes` schedulers out of phase, watch TICKS ticks, return the gaps between real runs."""
    env = cluster.node_env(url, erp.soap_url, **{**cluster.JOBS_OFF,
                                                 "schedule_reconcile_orders": f"{int(INTERVAL)}s"})
    db = Database(url)
    workers = []
    try:
        for i in range(nodes):
            workers += cluster.start_workers(1, env, logs, first=i)
            time.sleep(INTERVAL * 0.4)  # real nodes start out of phase
        assert cluster.wait_until(lambda: len(_runs(db)) >= nodes, timeout=30), "no scheduled run at all"
        time.sleep(INTERVAL * TICKS)
    finally:
        cluster.stop_workers(workers)
    ran = [at for at, outcome in _runs(db) if outcome != "skipped"]
    db.dispose()
    assert len(ran) >= TICKS, f"the job hardly ran: {ran}"
    return [b - a for a, b in itertools.pairwise(ran)]


def test_one_scheduler_runs_each_tick_once(erp: Any, pg_schema: Any, tmp_path: Path) -> None:
    gaps = _gaps_between_runs(1, erp, pg_schema("scale_scheduler_one"), tmp_path)
    assert min(gaps) > INTERVAL * 0.75, f"runs {INTERVAL}s apart expected, got gaps {gaps}"


def test_two_schedulers_run_each_reconciliation_tick_once(erp: Any, pg_schema: Any, tmp_path: Path) -> None:
    gaps = _gaps_between_runs(2, erp, pg_schema("scale_scheduler_two"), tmp_path)
    # one run per tick: consecutive runs are about one interval apart, never two within one tick
    assert min(gaps) > INTERVAL * 0.75, f"runs {INTERVAL}s apart expected, got gaps {gaps}"

"""Two worker processes with schedulers on one PostgreSQL: each scheduled tick runs its job once."""

from __future__ import annotations

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
JOB = "reconcile_orders"


def _runs(db: Database) -> list[tuple[float, str]]:
    with db.read() as conn:
        rows = conn.execute(select(job_runs.c.started_at, job_runs.c.outcome)
                            .where(job_runs.c.job == JOB).order_by(job_runs.c.started_at))
        return [(row[0].timestamp(), row[1]) for row in rows]


@pytest.mark.xfail(strict=True, reason=(
    "DEFECT reported to the lead: JobBook/SqlRunLock only prevent overlapping runs; interval triggers are not "
    "aligned across nodes and a tick already run elsewhere is not recognised, so each node runs every tick"))
def test_two_schedulers_run_each_reconciliation_tick_once(erp: Any, pg_schema: Any, tmp_path: Path) -> None:
    url = pg_schema("scale_scheduler")
    env = cluster.node_env(url, erp.soap_url, schedule_reconcile_orders=f"{int(INTERVAL)}s",
                           schedule_catalog_sync="off", schedule_price_check="off", schedule_housekeeping="off")
    db = Database(url)
    workers = cluster.start_workers(1, env, tmp_path)
    time.sleep(INTERVAL * 0.4)  # the second node starts out of phase, as real nodes do
    workers += cluster.start_workers(1, env, tmp_path / "..")
    try:
        time.sleep(INTERVAL * 5.5)
    finally:
        cluster.stop_workers(workers)
    runs = _runs(db)
    db.dispose()
    ran = [at for at, outcome in runs if outcome != "skipped"]
    assert len(ran) >= 4, f"the job hardly ran: {runs}"
    gaps = [b - a for a, b in zip(ran, ran[1:], strict=False)]
    # one run per tick: consecutive runs are about one interval apart, never two in the same tick
    assert min(gaps) > INTERVAL * 0.75, f"runs {INTERVAL}s apart expected, got gaps {gaps}"

"""Tables of reconciliation: findings, job runs, the per-run scratch list and job locks."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from .column_types import ID, UtcDateTime
from .db import metadata

findings = Table(
    "reconcile_findings",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("message", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Column("repair", String(32), nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    Column("last_run_id", Integer, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("resolution", String(255)),
    Index("ix_reconcile_findings_open", "kind", "subject", "resolved_at"),
    Index("ix_reconcile_findings_last_seen", "last_seen"),
)

job_runs = Table(
    "job_runs",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("outcome", String(16), nullable=False),  # running | ok | failed | skipped
    Column("counts", Text, nullable=False, default="{}"),  # JSON
    Column("error", Text),
    Index("ix_job_runs_job_started", "job", "started_at"),
)

# The ERP orders one reconciliation run has seen; lets the run find duplicates and missing orders
# with SQL instead of holding every order number in memory. Rows live only while the run does.
checked = Table(
    "reconcile_checked",
    metadata,
    Column("run_id", Integer, nullable=False),
    Column("order_number", String(128), nullable=False),
    Column("erp_order_number", String(64), nullable=False),
    Index("ix_reconcile_checked_run_order", "run_id", "order_number"),
)

job_locks = Table(
    "job_locks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("lease_until", UtcDateTime, nullable=False),
)

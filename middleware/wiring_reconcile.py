"""Wires reconciliation, the catalog sync, the price spot check, housekeeping and the scheduler."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from .domain.orders import OrderStatus
from .domain.pricing import LinePrice
from .jobs.scheduler import JobScheduler, JobSpec
from .services import price_check, reconcile
from .services.housekeeping import Housekeeping
from .services.job_runs import JobBook, JobsAdmin, ReconciliationPanel
from .services.price_cache import PriceKey
from .services.reconcile_repairs import OrderRepairService
from .store.order_repo import SqlTransactions
from .store.reconcile_orders import SqlLocalOrders
from .store.reconcile_repo import SqlFindingStore, SqlHousekeeping, SqlRunLock, SqlRunLog

CATALOG_SYNC, HOUSEKEEPING = "catalog_sync", "housekeeping"


def reconcile_policy(s: Any) -> reconcile.ReconcilePolicy:
    """The order reconciliation policy from settings."""
    return reconcile.ReconcilePolicy(
        window=timedelta(hours=s.reconcile_window_hours),
        overlap=timedelta(minutes=s.reconcile_overlap_minutes),
        page_size=s.reconcile_page_size,
        tolerance=s.reconcile_tolerance,
        stuck={
            OrderStatus.SUBMIT_UNKNOWN: timedelta(minutes=s.stuck_submit_unknown_minutes),
            OrderStatus.RECEIVED: timedelta(minutes=s.stuck_received_minutes),
            OrderStatus.NEEDS_ATTENTION: timedelta(hours=s.stuck_needs_attention_hours),
        },
    )


def sync_counts(result: Any) -> dict[str, int]:
    """Counts of a catalog SyncResult for the job-run record."""
    p, c = result.products, result.customers
    return {"products_created": p.created, "products_updated": p.updated, "products_rejected": p.rejected,
            "customers_created": c.created, "customers_updated": c.updated, "customers_rejected": c.rejected,
            "deactivated": result.deactivated}


def _cached_lookup(prices: Any) -> Any:
    cache = prices.cache

    def lookup(customer_id: str, currency: str, line: LinePrice) -> LinePrice | None:
        key = PriceKey(customer_id, line.sku, line.quantity, line.configuration.hash, currency)
        entry = cache.stale(key, prices.clock.now())
        return None if entry is None else entry.price

    return lookup


def _housekeeping(c: Any) -> Housekeeping:
    s, hk = c.settings, SqlHousekeeping(c.db)
    days = timedelta(days=s.audit_retention_days)
    tasks = {
        "price_cache": c.prices.cache.prune,
        "outbox_delivered": lambda now: hk.delivered_outbox(now - timedelta(days=s.outbox_retention_days)),
        "job_runs": lambda now: hk.job_runs(now - days),
        "resolved_findings": lambda now: hk.resolved_findings(now - days),
        "reconcile_scratch": lambda now: hk.stale_scratch(hk.oldest_running_run()),
    }
    audit = getattr(c, "audit", None)
    if audit is not None:
        tasks["message_log"] = lambda now: audit.purge()
    return Housekeeping(tasks, c.clock)


def wire_reconcile(c: Any) -> None:
    """Set c.findings, c.reconciler, c.price_check, c.housekeeping, c.jobs, c.jobs_admin,
    c.reconciliation_admin and c.scheduler (started by `run.py worker` and the demo via c.background)."""
    s = c.settings
    c.findings = SqlFindingStore(c.db)
    repairs = OrderRepairService(SqlTransactions(c.db), c.clock, c.order_status.apply_status_updates)
    c.reconciler = reconcile.OrderReconciler(
        c.erp, SqlLocalOrders(c.db), c.findings, repairs, c.clock, reconcile_policy(s))
    c.price_check = price_check.PriceSpotCheck(
        c.prices, c.erp, c.catalog.customer, c.prices, c.findings, c.clock,
        price_check.PriceCheckPolicy(sample=s.price_check_sample, tolerance=s.reconcile_tolerance),
        cached=_cached_lookup(c.prices),
    )
    c.housekeeping = _housekeeping(c)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    c.jobs = JobBook(SqlRunLog(c.db), c.clock, SqlRunLock(c.db, owner))
    c.jobs.register(reconcile.JOB, lambda run_id: c.reconciler.run(run_id).counts())
    c.jobs.register(CATALOG_SYNC, lambda run_id: sync_counts(c.catalog.sync_from_erp()))
    c.jobs.register(price_check.JOB, c.price_check.run)
    c.jobs.register(HOUSEKEEPING, c.housekeeping.run)
    c.jobs_admin = JobsAdmin(c.jobs, c.findings, c.clock)
    c.reconciliation_admin = ReconciliationPanel(c.jobs_admin, reconcile.JOB)
    c.scheduler = JobScheduler(c.jobs, [
        JobSpec(reconcile.JOB, "Order reconciliation", s.schedule_reconcile_orders),
        JobSpec(CATALOG_SYNC, "Catalog and customer sync", s.schedule_catalog_sync),
        JobSpec(price_check.JOB, "Price spot check", s.schedule_price_check),
        JobSpec(HOUSEKEEPING, "Housekeeping", s.schedule_housekeeping),
    ], misfire_grace_seconds=s.scheduler_misfire_grace)
    c.background.append(c.scheduler)

"""Reconciliation, the catalog sync, the price spot check, status polling, housekeeping and the scheduler."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import Settings
from ..domain.orders import OrderStatus
from ..domain.pricing import LinePrice
from ..jobs.scheduler import JobScheduler, JobSpec
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..services import price_check, reconcile, status_poll
from ..services.catalog import CatalogService, SyncResult
from ..services.housekeeping import Housekeeping
from ..services.job_runs import JobBook, JobsAdmin, ReconciliationPanel
from ..services.order_status import OrderStatusService
from ..services.price_cache import PriceKey
from ..services.prices import PriceService
from ..services.reconcile_repairs import OrderRepairService
from ..store.audit_repo import AuditRepository
from ..store.db import Database
from ..store.order_repo import SqlTransactions
from ..store.reconcile_orders import SqlLocalOrders
from ..store.reconcile_repo import SqlFindingStore, SqlHousekeeping, SqlRunLock, SqlRunLog

CATALOG_SYNC, HOUSEKEEPING = "catalog_sync", "housekeeping"


@dataclass(frozen=True)
class Reconciling:
    """The scheduled jobs and what the admin page reads of them."""

    findings: SqlFindingStore
    reconciler: reconcile.OrderReconciler
    price_check: price_check.PriceSpotCheck
    status_poll: status_poll.StatusPoller | None
    housekeeping: Housekeeping
    jobs: JobBook
    jobs_admin: JobsAdmin
    reconciliation_admin: ReconciliationPanel
    scheduler: JobScheduler


def reconcile_policy(s: Settings) -> reconcile.ReconcilePolicy:
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


def sync_counts(result: SyncResult) -> dict[str, int]:
    """Counts of a catalog SyncResult for the job-run record."""
    p, c = result.products, result.customers
    return {"products_created": p.created, "products_updated": p.updated, "products_rejected": p.rejected,
            "customers_created": c.created, "customers_updated": c.updated, "customers_rejected": c.rejected,
            "deactivated": result.deactivated}


def cached_lookup(prices: PriceService) -> Callable[[str, str, LinePrice], LinePrice | None]:
    """The price the cache holds for a spot-checked line, fresh or stale."""
    cache = prices.cache

    def lookup(customer_id: str, currency: str, line: LinePrice) -> LinePrice | None:
        key = PriceKey(customer_id, line.sku, line.quantity, line.configuration.hash, currency)
        entry = cache.stale(key, prices.clock.now())
        return None if entry is None else entry.price

    return lookup


def build_housekeeping(s: Settings, db: Database, clock: Clock, prices: PriceService,
                       audit: AuditRepository, erp: Erp) -> Housekeeping:
    """The periodic purges."""
    hk = SqlHousekeeping(db)
    days = timedelta(days=s.audit_retention_days)

    def purge_audit(now: datetime) -> int:
        return audit.purge()

    return Housekeeping({
        "price_cache": prices.cache.prune,
        "outbox_delivered": lambda now: hk.delivered_outbox(now - timedelta(days=s.outbox_retention_days)),
        "job_runs": lambda now: hk.job_runs(now - days),
        "resolved_findings": lambda now: hk.resolved_findings(now - days),
        "reconcile_scratch": lambda now: hk.stale_scratch(hk.oldest_running_run()),
        "message_log": purge_audit,
        # what a connector left in the ERP (a NAV sales quote it could not delete): the count still left
        "erp_leftovers": lambda now: erp.housekeeping(),
    }, clock)


def build_poller(s: Settings, erp: Erp, local: SqlLocalOrders, order_status: OrderStatusService,
                 clock: Clock) -> status_poll.StatusPoller | None:
    """Status polling, when the ERP does not push status changes."""
    if erp.capabilities.status_push:
        return None
    policy = status_poll.PollPolicy(window=timedelta(days=s.status_poll_window_days),
                                    page_size=s.reconcile_page_size)
    return status_poll.StatusPoller(erp, local, order_status.apply_status_updates, clock, policy)


def build_reconcile(s: Settings, db: Database, clock: Clock, erp: Erp, catalog: CatalogService,
                    prices: PriceService, order_status: OrderStatusService,
                    audit: AuditRepository) -> Reconciling:
    """Every scheduled job, its run book and the scheduler (started with the worker)."""
    findings = SqlFindingStore(db)
    local = SqlLocalOrders(db)
    repairs = OrderRepairService(SqlTransactions(db), clock, order_status.apply_status_updates)
    reconciler = reconcile.OrderReconciler(erp, local, findings, repairs, clock, reconcile_policy(s))
    check = price_check.PriceSpotCheck(
        prices, erp, catalog.customer, prices, findings, clock,
        price_check.PriceCheckPolicy(sample=s.price_check_sample, tolerance=s.reconcile_tolerance),
        cached=cached_lookup(prices),
    )
    poller = build_poller(s, erp, local, order_status, clock)
    housekeeping = build_housekeeping(s, db, clock, prices, audit, erp)
    jobs = JobBook(SqlRunLog(db), clock, SqlRunLock(db, f"{socket.gethostname()}:{os.getpid()}"))
    jobs.register(reconcile.JOB, lambda run_id: reconciler.run(run_id).counts())
    jobs.register(CATALOG_SYNC, lambda run_id: sync_counts(catalog.sync_from_erp()))
    jobs.register(price_check.JOB, check.run)
    jobs.register(HOUSEKEEPING, housekeeping.run)
    specs = [
        JobSpec(reconcile.JOB, "Order reconciliation", s.schedule_reconcile_orders),
        JobSpec(CATALOG_SYNC, "Catalog and customer sync", s.schedule_catalog_sync),
        JobSpec(price_check.JOB, "Price spot check", s.schedule_price_check),
        JobSpec(HOUSEKEEPING, "Housekeeping", s.schedule_housekeeping),
    ]
    if poller is not None:
        jobs.register(status_poll.JOB, poller.run)
        specs.append(JobSpec(status_poll.JOB, "Order status poll", s.schedule_status_poll))
    jobs_admin = JobsAdmin(jobs, findings, clock)
    return Reconciling(
        findings=findings, reconciler=reconciler, price_check=check, status_poll=poller,
        housekeeping=housekeeping, jobs=jobs, jobs_admin=jobs_admin,
        reconciliation_admin=ReconciliationPanel(jobs_admin, reconcile.JOB),
        scheduler=JobScheduler(jobs, specs, misfire_grace_seconds=s.scheduler_misfire_grace),
    )

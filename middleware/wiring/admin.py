"""The admin service with every source the process has."""

from __future__ import annotations

from collections.abc import Callable

from ..jobs.scheduler import JobScheduler
from ..observability import Observability
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..services.admin import AdminService
from ..services.admin_sources import OrderAdminAdapter, PriceStatsAdapter
from ..services.catalog import CatalogService
from ..services.job_runs import ReconciliationPanel
from ..services.orders import OrderService
from ..services.prices import PriceService
from ..store.admin_queries import SqlOrderQueries
from ..store.audit_repo import AuditRepository
from ..store.db import Database


def build_admin(
    db: Database,
    clock: Clock,
    erp: Erp,
    audit: AuditRepository,
    observability: Observability,
    catalog: CatalogService,
    prices: PriceService,
    orders: OrderService,
    reconciliation: ReconciliationPanel,
    scheduler: JobScheduler,
    breaker_state: Callable[[], str | None],
) -> AdminService:
    """The admin page's service."""
    return AdminService(
        clock,
        audit=audit,
        erp_window=observability.window,
        prices=PriceStatsAdapter(prices.stats),
        orders=OrderAdminAdapter(SqlOrderQueries(db), orders),
        reconciliation=reconciliation,
        scheduler=scheduler,
        erp=erp,
        customers=catalog.repo.get_customer,
        breaker_state=breaker_state,
    )

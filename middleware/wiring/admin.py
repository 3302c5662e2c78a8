"""The admin services with every source the process has."""

from __future__ import annotations

from collections.abc import Callable

from ..jobs.scheduler import JobScheduler
from ..observability.cluster_calls import ClusterCallLog
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..services.admin import AdminServices
from ..services.admin_audit import AdminAudit
from ..services.admin_charts import ChartDesk
from ..services.admin_findings import FindingDesk
from ..services.admin_operations import OperationsDesk
from ..services.admin_orders import OrderDesk
from ..services.admin_sources import OrderAdminAdapter, PriceStatsAdapter
from ..services.admin_status import StatusBoard
from ..services.admin_webhooks import WebhookDesk
from ..services.catalog import CatalogService
from ..services.job_runs import ReconciliationPanel
from ..services.order_corrections import ConfigurationCorrection
from ..services.orders import OrderService
from ..services.prices import PriceService
from ..store.audit_queries import SqlAuditQueries
from ..store.audit_repo import AuditRepository
from ..store.chart_queries import SqlChartQueries
from ..store.db import Database
from ..store.finding_queries import SqlFindingQueries
from ..store.order_browse import SqlOrderBrowser
from ..store.order_repo import SqlTransactions
from .webhooks import Webhooks


def build_admin(
    db: Database,
    clock: Clock,
    erp: Erp,
    audit: AuditRepository,
    catalog: CatalogService,
    prices: PriceService,
    orders: OrderService,
    reconciliation: ReconciliationPanel,
    scheduler: JobScheduler,
    breaker_state: Callable[[], str | None],
    webhooks: Webhooks,
    erp_calls: ClusterCallLog,
) -> AdminServices:
    """The admin pages' services, split by what each serves."""
    browser = SqlOrderBrowser(db)
    order_source = OrderAdminAdapter(browser, orders)
    trail = AdminAudit(clock, audit, SqlAuditQueries(db))
    findings = FindingDesk(trail, clock, SqlFindingQueries(db))
    status = StatusBoard(
        clock, audit=audit, erp_window=erp_calls, prices=PriceStatsAdapter(prices.stats), orders=order_source,
        reconciliation=reconciliation, scheduler=scheduler, breaker_state=breaker_state,
        webhooks=webhooks.deliveries, finding_counts=findings.counts,
    )
    customers = catalog.repo.get_customer
    operations = OperationsDesk(
        trail, reconciliation=reconciliation, scheduler=scheduler, erp=erp, customers=customers
    )
    corrections = ConfigurationCorrection(SqlTransactions(db), catalog.repo, clock, orders.on_received)
    return AdminServices(
        status,
        OrderDesk(trail, order_source, browser, corrections),
        operations,
        trail,
        WebhookDesk(trail, clock, webhooks.deliveries, webhooks.endpoints.list),
        findings,
        ChartDesk(clock, SqlChartQueries(db), erp_calls.rows),
    )

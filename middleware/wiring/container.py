"""The wired objects of one process, every field typed and set at construction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..config import Settings
from ..jobs.delivery_worker import DeliveryWorker
from ..jobs.scheduler import JobScheduler
from ..observability import Observability
from ..ports.admin_sessions import AdminSessions
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..services.admin import AdminService
from ..services.catalog import CatalogService
from ..services.delivery import DeliveryService
from ..services.housekeeping import Housekeeping
from ..services.job_runs import JobBook, JobsAdmin, ReconciliationPanel
from ..services.order_status import OrderStatusService
from ..services.orders import OrderService
from ..services.price_check import PriceSpotCheck
from ..services.prices import PriceService
from ..services.pull_delivery import PullDeliveryService
from ..services.reconcile import OrderReconciler
from ..services.status_poll import StatusPoller
from ..services.webhooks import WebhookService
from ..store.audit_repo import AuditRepository
from ..store.db import Database
from ..store.reconcile_repo import SqlFindingStore


class Background(Protocol):
    """A background component (delivery worker, scheduler, listener) started with the process."""

    def start(self) -> None:
        """Start its threads."""
        ...

    def stop(self) -> None:
        """Stop its threads and wait for them."""
        ...


@dataclass(frozen=True, eq=False)
class Container:
    """Everything one process uses; built by `middleware.wiring.build_container` only."""

    settings: Settings
    clock: Clock
    db: Database
    erp: Erp  # the connector, wrapped so every call is timed, counted and (on failure) audited
    audit: AuditRepository
    observability: Observability
    catalog: CatalogService
    prices: PriceService
    orders: OrderService
    delivery: DeliveryService
    order_status: OrderStatusService
    pull_delivery: PullDeliveryService
    webhooks: WebhookService | None
    delivery_worker: DeliveryWorker
    findings: SqlFindingStore
    reconciler: OrderReconciler
    price_check: PriceSpotCheck
    status_poll: StatusPoller | None  # only for an ERP that pushes no status
    housekeeping: Housekeeping
    jobs: JobBook
    jobs_admin: JobsAdmin
    reconciliation_admin: ReconciliationPanel
    scheduler: JobScheduler
    admin: AdminService
    admin_sessions: AdminSessions  # sign-out revokes a session on the server
    # started by every web process (cross-node price invalidation)
    listeners: tuple[Background, ...]
    # started by `run.py worker` and the demo: listeners, audit writer, delivery worker, scheduler
    background: tuple[Background, ...]

    def start_background(self) -> None:
        """Start every background component."""
        for component in self.background:
            component.start()

    def start_listeners(self) -> None:
        """Start only what every web process needs."""
        for component in self.listeners:
            component.start()

    def stop_background(self) -> None:
        """Stop background components in reverse order."""
        for component in reversed(self.background):
            component.stop()

    def close(self) -> None:
        """Release connections and threads."""
        self.stop_background()
        self.erp.close()
        self.db.dispose()

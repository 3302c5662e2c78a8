"""The composition root: builds every component of a process from Settings, in the order the code shows.

    settings -> database, clock
             -> audit log, the ERP connector (MIDDLEWARE_ERP_CONNECTOR + MIDDLEWARE_ERP_PROFILE), its observer
             -> customers, price cache and price service, catalog
             -> order intake, delivery, webhooks, the delivery worker
             -> reconciliation, spot check, status poll, housekeeping, the scheduler
             -> the admin service
Every command (demo, serve, worker, reconcile, sync, orders, erp check) builds through `build_container`.
"""

from __future__ import annotations

from ..config import Settings
from ..ports.admin_sessions import SESSION_LIFETIME
from ..ports.clock import Clock, SystemClock
from ..ports.erp import Erp
from ..store.admin_sessions import SqlAdminSessions
from ..store.db import Database
from .admin import build_admin
from .container import Background, Container
from .observe import build_observed
from .orders import build_orders
from .prices import breaker_for, build_prices
from .reconcile import build_reconcile

__all__ = ["Background", "Container", "build_container"]


def build_container(
    settings: Settings,
    *,
    erp: Erp | None = None,
    clock: Clock | None = None,
    create_schema: bool = False,
) -> Container:
    """Build every service for `settings`; tests pass a fake ERP or clock."""
    s = settings
    clock = clock or SystemClock()
    db = Database(s.database_url)
    if create_schema:
        db.create_all()
    breaker = breaker_for(s)
    observed = build_observed(s, db, clock, lambda: breaker.state, erp)
    erp = observed.erp
    priced = build_prices(s, db, clock, erp, breaker)
    ordering = build_orders(s, db, clock, erp, priced.catalog)
    jobs = build_reconcile(s, db, clock, erp, priced.catalog, priced.prices, ordering.order_status,
                           observed.audit)
    admin = build_admin(db, clock, erp, observed.audit, priced.catalog, priced.prices,
                        ordering.orders, jobs.reconciliation_admin, jobs.scheduler, lambda: breaker.state,
                        ordering.webhooks, observed.calls)
    worker: tuple[Background, ...] = ()
    if ordering.wakeup is not None:  # the worker has something to deliver
        worker = (ordering.delivery_worker, ordering.wakeup)
    return Container(
        settings=s, clock=clock, db=db, erp=erp,
        audit=observed.audit, observability=observed.observability,
        catalog=priced.catalog, prices=priced.prices,
        orders=ordering.orders, delivery=ordering.delivery, order_status=ordering.order_status,
        pull_delivery=ordering.pull_delivery, webhooks=ordering.webhooks.service,
        webhook_endpoints=ordering.webhooks.endpoints, webhook_deliveries=ordering.webhooks.deliveries,
        delivery_worker=ordering.delivery_worker,
        findings=jobs.findings, reconciler=jobs.reconciler, price_check=jobs.price_check,
        status_poll=jobs.status_poll, housekeeping=jobs.housekeeping, jobs=jobs.jobs,
        jobs_admin=jobs.jobs_admin,
        reconciliation_admin=jobs.reconciliation_admin, scheduler=jobs.scheduler, admin=admin,
        admin_sessions=SqlAdminSessions(db, SESSION_LIFETIME),
        listeners=(priced.invalidations, observed.calls),
        # web processes without a worker start the listeners alone: start_listeners()
        background=(priced.invalidations, observed.calls, observed.audit, *worker, jobs.scheduler),
    )

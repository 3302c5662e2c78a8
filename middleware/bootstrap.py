"""Wires concrete adapters and services together: the one place that knows them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import Settings
from .domain.pricing import MAX_ITEMS
from .observability.metrics import Metrics
from .ports.clock import Clock, SystemClock
from .ports.erp import Erp
from .services.catalog import CatalogService
from .services.price_cache import PriceCache
from .services.prices import PriceService
from .services.resilience import CircuitBreaker, SingleFlight
from .store.audit_repo import AuditRepository
from .store.catalog_repo import SqlCatalogRepository
from .store.db import Database
from .store.pg_notify import PriceInvalidationBus, PublishingPriceCache
from .wiring.erp import build_erp


class Background(Protocol):
    """A background component (delivery worker, scheduler) started with the process."""

    def start(self) -> None:
        """Start its threads."""
        ...

    def stop(self) -> None:
        """Stop its threads and wait for them."""
        ...


@dataclass
class Container:
    """The wired objects of one process."""

    settings: Settings
    clock: Clock
    db: Database
    erp: Erp
    extras: dict[str, Any] = field(default_factory=dict)
    # set by build_container (wire_prices)
    catalog: CatalogService = field(init=False)
    prices: PriceService = field(init=False)
    # set by build_container (wiring_orders.wire_orders)
    orders: Any = field(init=False)
    delivery: Any = field(init=False)
    order_status: Any = field(init=False)
    pull_delivery: Any = field(init=False)
    webhooks: Any = field(init=False)
    delivery_worker: Any = field(init=False)
    # set by build_container (wiring_admin: wire_observability, wire_admin)
    audit: Any = field(init=False)
    observability: Any = field(init=False)
    admin: Any = field(init=False)
    # set by build_container (wiring_reconcile.wire_reconcile)
    findings: Any = field(init=False)
    reconciler: Any = field(init=False)
    price_check: Any = field(init=False)
    housekeeping: Any = field(init=False)
    jobs: Any = field(init=False)
    jobs_admin: Any = field(init=False)
    reconciliation_admin: Any = field(init=False)
    scheduler: Any = field(init=False)
    # Components that `start_background()` starts (web process in the demo, or `run.py worker`).
    background: list[Background] = field(default_factory=list)

    def start_background(self) -> None:
        """Start every background component."""
        for component in self.background:
            component.start()

    def start_listeners(self) -> None:
        """Start only what every web process needs: the cross-node price invalidation listener."""
        bus = self.extras.get("price_bus")
        if bus is not None:
            bus.start()

    def stop_background(self) -> None:
        """Stop background components in reverse order."""
        for component in reversed(self.background):
            component.stop()

    def close(self) -> None:
        """Release connections and threads."""
        self.stop_background()
        closer = getattr(self.erp, "close", None)
        if closer is not None:
            closer()
        self.db.dispose()


def build_container(
    settings: Settings,
    *,
    erp: Erp | None = None,
    clock: Clock | None = None,
    create_schema: bool = False,
) -> Container:
    """Build every service for `settings`; tests pass a fake ERP or clock."""
    db = Database(settings.database_url)
    if create_schema:
        db.create_all()
    clock = clock or SystemClock()
    from .wiring_admin import erp_message_sink, wire_admin, wire_observability

    metrics = Metrics()
    audit = AuditRepository(db, clock, settings.audit_retention_days, on_drop=metrics.audit_dropped.inc)
    if erp is None:
        erp = build_erp(settings, record=erp_message_sink(settings, audit))
    container = Container(settings=settings, clock=clock, db=db, erp=erp)
    wire_observability(container, metrics, audit)  # wraps container.erp: must run before the services take it
    wire_prices(container)
    from .wiring_orders import wire_orders

    wire_orders(container)
    from .wiring_reconcile import wire_reconcile

    wire_reconcile(container)  # before wire_admin: the admin page reads its findings and scheduler
    wire_admin(container)
    return container


def wire_prices(c: Container) -> None:
    """The catalog mirror and the real-time price path (cache, single-flight, breaker)."""
    s = c.settings
    # every invalidation is also sent to the other nodes (PostgreSQL LISTEN/NOTIFY; a no-op on SQLite)
    bus = PriceInvalidationBus(c.db)
    cache: PriceCache = PublishingPriceCache(
        s.price_cache_ttl, s.price_stale_max_age, bus, max_entries=s.price_cache_max_entries
    )
    c.catalog = CatalogService(SqlCatalogRepository(c.db, c.clock), c.erp, c.clock, prices=cache)
    breaker = CircuitBreaker(s.breaker_failure_threshold, s.breaker_reset_timeout)
    c.prices = PriceService(
        c.erp, c.catalog.customer, cache, c.clock, breaker, SingleFlight(),
        # the spot check reads the newest price_check_sample quotes, each at most MAX_ITEMS lines
        recent_max_lines=s.price_check_sample * MAX_ITEMS,
        forget_customers=c.catalog.forget_customers,
    )
    c.catalog.prices = c.prices  # upserts invalidate through the service, so its counters see them
    bus.target = c.prices
    c.extras["price_bus"] = bus
    c.background.insert(0, bus)  # web processes without a worker must start it too: start_listeners()

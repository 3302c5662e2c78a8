"""The catalog mirror and the real-time price path (cache, single-flight, breaker, invalidation)."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..domain.pricing import MAX_ITEMS
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..services.catalog import CatalogService
from ..services.customers import CustomerDirectory
from ..services.prices import PriceService
from ..services.resilience import CircuitBreaker, SingleFlight
from ..store.catalog_repo import SqlCatalogRepository
from ..store.db import Database
from ..store.pg_notify import InvalidationListener, PriceInvalidationBus, PublishingPriceCache


@dataclass(frozen=True)
class Priced:
    """The catalog service, the price service and the listener applying other nodes' invalidations."""

    catalog: CatalogService
    prices: PriceService
    invalidations: InvalidationListener


def build_prices(settings: Settings, db: Database, clock: Clock, erp: Erp, breaker: CircuitBreaker) -> Priced:
    """Customers, cache and prices, then the catalog (its upserts invalidate through the price service)."""
    s = settings
    repo = SqlCatalogRepository(db, clock)
    customers = CustomerDirectory(repo, erp, clock)
    # every invalidation is also sent to the other nodes (PostgreSQL LISTEN/NOTIFY; a no-op on SQLite)
    bus = PriceInvalidationBus(db)
    cache = PublishingPriceCache(
        s.price_cache_ttl, s.price_stale_max_age, bus, max_entries=s.price_cache_max_entries
    )
    prices = PriceService(
        erp, customers.customer, cache, clock, breaker, SingleFlight(),
        # the spot check reads the newest price_check_sample quotes, each at most MAX_ITEMS lines
        recent_max_lines=s.price_check_sample * MAX_ITEMS,
        forget_customers=customers.forget,
    )
    catalog = CatalogService(repo, erp, clock, customers, prices=prices)
    return Priced(catalog, prices, InvalidationListener(bus, prices))


def breaker_for(settings: Settings) -> CircuitBreaker:
    """The circuit breaker in front of the ERP's price calls."""
    return CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_timeout)

"""The use cases the SOAP service calls, found on the wiring container (one place to adapt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ... import __version__
from ...domain.catalog import Customer, Product
from ...domain.orders import OrderAck, StatusUpdate
from ...errors import MiddlewareError
from ...services.reconcile import JOB as RECONCILE_JOB


class Unavailable(MiddlewareError):
    """A use case this process was built without (a Server fault for the caller)."""


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """What GetServiceStatus reports."""

    version: str
    now: datetime
    order_delivery: str
    pending_orders: int | None
    last_reconciliation: datetime | None


@dataclass(frozen=True, slots=True)
class OfferedOrder:
    """An order handed out in pull mode, with the end of its lease."""

    record: Any
    lease_expires_at: datetime


def _need(container: Any, method: str, *names: str) -> Any:
    """The first service among container attributes (or extras) `names` that has `method`."""
    extras = getattr(container, "extras", None) or {}
    for name in names:
        service = getattr(container, name, None) or extras.get(name)
        if service is not None and hasattr(service, method):
            return service
    raise Unavailable(f"this middleware process has no {names[0]} service")


class InboundBackend:
    """Calls the services of a `bootstrap.Container` for the SOAP operations."""

    def __init__(self, container: Any) -> None:
        self.container = container

    def upsert_products(self, products: list[Product]) -> Any:
        """CatalogService.upsert_products (it invalidates cached prices of changed items)."""
        return _need(self.container, "upsert_products", "catalog").upsert_products(products)

    def upsert_customers(self, customers: list[Customer]) -> Any:
        """CatalogService.upsert_customers."""
        return _need(self.container, "upsert_customers", "catalog").upsert_customers(customers)

    def invalidate_prices(
        self, skus: list[str], customer_nos: list[str], price_groups: list[str], everything: bool
    ) -> int:
        """PriceService.invalidate; ERP customer numbers are mapped to the shop's ids first."""
        return int(
            _need(self.container, "invalidate", "prices").invalidate(
                skus=skus,
                customer_ids=self._customer_ids(customer_nos),
                price_groups=price_groups,
                everything=everything,
            )
        )

    def _customer_ids(self, customer_nos: Iterable[str]) -> list[str]:
        catalog = getattr(self.container, "catalog", None)
        repo = getattr(catalog, "repo", None)
        ids: set[str] = set()
        for number in customer_nos:
            ids.add(number)  # the demo ERP uses the shop's id as its number; harmless otherwise
            customer = repo.get_customer_by_erp_no(number) if repo is not None else None
            if customer is not None:
                ids.add(customer.customer_id)
        return sorted(ids)

    def apply_status_updates(self, updates: list[StatusUpdate]) -> list[Any]:
        """order_status.apply_status_updates: one result per update, in order."""
        service = _need(self.container, "apply_status_updates", "order_status", "status_updates", "orders")
        return list(service.apply_status_updates(updates))

    def fetch_new_orders(self, max_count: int) -> list[OfferedOrder]:
        """pull_delivery.fetch_new_orders: leased orders, offered again when the lease expires."""
        service = _need(self.container, "fetch_new_orders", "pull_delivery", "pull", "orders")
        lease = self.container.settings.delivery_lease_seconds
        records = service.fetch_new_orders(max_count, lease)
        expires = self.container.clock.now() + timedelta(seconds=lease)
        return [OfferedOrder(record, expires) for record in records]

    def acknowledge_orders(self, acks: list[OrderAck]) -> list[Any]:
        """pull_delivery.acknowledge_orders: one result per ack, in order."""
        service = _need(self.container, "acknowledge_orders", "pull_delivery", "pull", "orders")
        return list(service.acknowledge_orders(acks))

    def status(self) -> StatusSnapshot:
        """Version, time, pending orders and last reconciliation, as far as this process knows them."""
        container = self.container
        return StatusSnapshot(
            version=__version__,
            now=container.clock.now(),
            order_delivery=container.settings.order_delivery,
            pending_orders=self._pending_orders(),
            last_reconciliation=self._last_reconciliation(),
        )

    def _last_reconciliation(self) -> datetime | None:
        jobs = getattr(self.container, "jobs_admin", None)
        if jobs is None:
            return None
        for run in jobs.list_runs(RECONCILE_JOB, limit=20):
            if run.outcome in {"ok", "failed"} and run.finished_at is not None:
                return run.finished_at  # type: ignore[no-any-return]
        return None

    def _pending_orders(self) -> int | None:
        for name in ("orders", "pull_delivery", "order_status"):
            service = getattr(self.container, name, None)
            counter = getattr(service, "count_pending", None)
            if counter is not None:
                return int(counter())
        return None

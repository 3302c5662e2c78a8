"""The use cases the SOAP service calls, taken from the composition root's container."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ... import __version__
from ...domain.catalog import Customer, Product
from ...domain.orders import OrderAck, StatusUpdate
from ...services.reconcile import JOB as RECONCILE_JOB


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """What GetServiceStatus reports."""

    version: str
    now: datetime
    order_delivery: str
    pending_orders: int
    last_reconciliation: datetime | None


@dataclass(frozen=True, slots=True)
class OfferedOrder:
    """An order handed out in pull mode, with the end of its lease."""

    record: Any
    lease_expires_at: datetime


class InboundBackend:
    """Calls the use cases for the SOAP operations (the container's services)."""

    def __init__(self, container: Any) -> None:
        # typed as Any: the service layer may not import the composition root (DESIGN.md layers)
        self.catalog = container.catalog
        self.prices = container.prices
        self.order_status = container.order_status
        self.orders = container.orders
        self.pull_delivery = container.pull_delivery
        self.jobs_admin = container.jobs_admin
        self.clock = container.clock
        self.order_delivery: str = container.settings.order_delivery
        self.pull_lease_seconds: int = container.settings.pull_lease_seconds

    def upsert_products(self, products: list[Product]) -> Any:
        """CatalogService.upsert_products (it invalidates cached prices of changed items)."""
        return self.catalog.upsert_products(products)

    def upsert_customers(self, customers: list[Customer]) -> Any:
        """CatalogService.upsert_customers."""
        return self.catalog.upsert_customers(customers)

    def invalidate_prices(
        self, skus: list[str], customer_nos: list[str], price_groups: list[str], everything: bool
    ) -> int:
        """PriceService.invalidate; ERP customer numbers are mapped to the shop's ids first."""
        return int(
            self.prices.invalidate(
                skus=skus,
                customer_ids=self._customer_ids(customer_nos),
                price_groups=price_groups,
                everything=everything,
            )
        )

    def _customer_ids(self, customer_nos: Iterable[str]) -> list[str]:
        ids: set[str] = set()
        for number in customer_nos:
            ids.add(number)  # the demo ERP uses the shop's id as its number; harmless otherwise
            customer = self.catalog.repo.get_customer_by_erp_no(number)
            if customer is not None:
                ids.add(customer.customer_id)
        return sorted(ids)

    def apply_status_updates(self, updates: list[StatusUpdate]) -> list[Any]:
        """order_status.apply_status_updates: one result per update, in order."""
        return list(self.order_status.apply_status_updates(updates))

    def fetch_new_orders(self, max_count: int) -> list[OfferedOrder]:
        """pull_delivery.fetch_new_orders: leased for the pull lease, offered again when it expires."""
        lease = self.pull_lease_seconds
        records = self.pull_delivery.fetch_new_orders(max_count, lease)
        expires = self.clock.now() + timedelta(seconds=lease)
        return [OfferedOrder(record, expires) for record in records]

    def acknowledge_orders(self, acks: list[OrderAck]) -> list[Any]:
        """pull_delivery.acknowledge_orders: one result per ack, in order."""
        return list(self.pull_delivery.acknowledge_orders(acks))

    def status(self) -> StatusSnapshot:
        """Version, time, pending orders and last reconciliation."""
        return StatusSnapshot(
            version=__version__,
            now=self.clock.now(),
            order_delivery=self.order_delivery,
            pending_orders=self.orders.count_pending(),
            last_reconciliation=self._last_reconciliation(),
        )

    def _last_reconciliation(self) -> datetime | None:
        for run in self.jobs_admin.list_runs(RECONCILE_JOB, limit=20):
            if run.outcome in {"ok", "failed"} and run.finished_at is not None:
                return run.finished_at  # type: ignore[no-any-return]
        return None

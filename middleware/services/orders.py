"""Accepting web orders (idempotent, one transaction with the outbox), reading them, manual retries."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

from ..domain.catalog import Customer, Product
from ..domain.option_rules import configuration_problems
from ..domain.orders import (
    PLACED_AT_MAX_AGE,
    PLACED_AT_MAX_AHEAD,
    NewOrder,
    OrderEvent,
    OrderLine,
    OrderRecord,
    OrderStatus,
    fingerprint,
    is_awaiting_delivery,
)
from ..errors import Conflict, InputError, NotFound
from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, DuplicateOrder, Transactions
from .order_state import change_status

log = logging.getLogger(__name__)

RETRYABLE_BY_HAND = (OrderStatus.REJECTED, OrderStatus.NEEDS_ATTENTION)


class CatalogLookup(Protocol):
    """The part of the catalog mirror order intake needs (ports.catalog.CatalogRepository fits)."""

    def get_customer(self, customer_id: str) -> Customer | None:
        """The customer, or None."""
        ...

    def get_product(self, sku: str) -> Product | None:
        """The product, or None."""
        ...


@dataclass(frozen=True, slots=True)
class Placement:
    """The outcome of placing an order: the stored record, and whether this call created it."""

    record: OrderRecord
    created: bool


def _labelled_line(index: int, line: OrderLine, product: Product | None) -> OrderLine:
    where = f"lines[{index}]"
    if product is None or not product.active:
        raise InputError(f"{where}.sku: unknown product {line.sku!r}", field=f"{where}.sku")
    if product.blocked:
        raise InputError(f"{where}.sku: product {line.sku!r} is blocked", field=f"{where}.sku")
    problems = configuration_problems(product, line.configuration)
    if problems:
        field = f"{where}.options.{problems[0].option}"
        raise InputError("; ".join(f"{where}.options.{p.option}: {p.message}" for p in problems), field=field)
    labels = []
    for code, value in line.configuration.selections:
        option = product.option(code)
        labels.append((code, value if option is None else option.label_for(value)))
    return OrderLine(
        line.line_ref,
        line.sku,
        line.quantity,
        line.configuration,
        line.unit_price,
        line.quote_id,
        tuple(labels),
    )


class _TtlCache:
    """A few seconds of memory for catalog look-ups on the hot path (orders re-check nothing else)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.items: dict[tuple[str, str], tuple[float, object]] = {}

    def get(self, key: tuple[str, str], load: Callable[[], object]) -> object:
        now = time.monotonic()
        hit = self.items.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        if len(self.items) > 10_000:
            self.items.clear()
        self.items[key] = (now, value)
        return value


class OrderService:
    """Use cases of the shop's orders."""

    def __init__(
        self,
        transactions: Transactions,
        catalog: CatalogLookup,
        clock: Clock,
        *,
        webhooks: bool = False,
        on_received: Callable[[], None] | None = None,
        catalog_ttl: float = 5.0,
    ) -> None:
        self.tx = transactions
        self.catalog = catalog
        self._cache = _TtlCache(catalog_ttl)
        self.clock = clock
        self.webhooks = webhooks
        self.on_received = on_received or (lambda: None)

    def _customer(self, order: NewOrder) -> Customer:
        customer = cast(
            "Customer | None",
            self._cache.get(
                ("customer", order.customer_id), lambda: self.catalog.get_customer(order.customer_id)
            ),
        )
        if customer is None or not customer.active:
            raise InputError(f"customer_id: unknown customer {order.customer_id!r}", field="customer_id")
        if customer.blocked:
            raise InputError(f"customer_id: customer {order.customer_id!r} is blocked", field="customer_id")
        return customer

    def _product(self, sku: str) -> Product | None:
        return cast(
            "Product | None", self._cache.get(("product", sku), lambda: self.catalog.get_product(sku))
        )

    def _checked(self, order: NewOrder) -> tuple[NewOrder, Customer]:
        customer = self._customer(order)
        if order.currency != customer.currency:
            raise InputError(
                f"currency: customer {order.customer_id} buys in {customer.currency}, not {order.currency}",
                field="currency",
            )
        now = self.clock.now()
        if not now - PLACED_AT_MAX_AGE <= order.placed_at <= now + PLACED_AT_MAX_AHEAD:
            raise InputError(
                f"placed_at: must lie between {PLACED_AT_MAX_AGE.days} days ago and "
                f"{int(PLACED_AT_MAX_AHEAD.total_seconds() // 60)} minutes from now", field="placed_at",
            )
        refs = [line.line_ref for line in order.lines]
        if len(set(refs)) != len(refs):
            raise InputError("lines: every line_ref must be unique within the order", field="lines")
        products = {sku: self._product(sku) for sku in dict.fromkeys(ln.sku for ln in order.lines)}
        lines = tuple(_labelled_line(i, ln, products[ln.sku]) for i, ln in enumerate(order.lines))
        return NewOrder(
            order.order_number,
            order.customer_id,
            order.currency,
            order.placed_at,
            lines,
            order.shipping_address,
            order.totals,
            order.billing_address,
        ), customer

    def _existing(self, found: OrderRecord, order: NewOrder, digest: str, key: str | None) -> Placement:
        if found.order_number != order.order_number:
            raise Conflict(f"Idempotency-Key was already used for order {found.order_number!r}.")
        if found.fingerprint != digest:
            raise Conflict(f"Order {order.order_number!r} was already received with different content.")
        if key is not None and found.idempotency_key not in (None, key):
            raise Conflict(f"Order {order.order_number!r} was received under a different Idempotency-Key.")
        return Placement(found, created=False)

    def place(self, order: NewOrder, idempotency_key: str | None = None) -> Placement:
        """Store the order, its lines and its delivery entry in one transaction; repeats answer the first."""
        digest = fingerprint(order)
        try:
            checked, customer = self._checked(order)
        except InputError:
            found = self._find(order.order_number, idempotency_key)
            if found is None:
                raise
            return self._existing(found, order, digest, idempotency_key)  # a repeat answers first, as before
        try:
            placement = self._insert(checked, customer, digest, idempotency_key)
        except DuplicateOrder:
            # the insert is the check (one statement fewer on the hot path); concurrent twins land here too
            found = self._find(order.order_number, idempotency_key)
            if found is None:  # pragma: no cover - the unique constraint named an existing row
                raise Conflict(
                    f"Order {order.order_number!r} is being received concurrently; retry."
                ) from None
            return self._existing(found, order, digest, idempotency_key)
        self.on_received()
        return placement

    def _find(self, order_number: str, key: str | None) -> OrderRecord | None:
        with self.tx.read() as t:
            return t.orders.get(order_number) or (t.orders.get_by_idempotency_key(key) if key else None)

    def _insert(self, order: NewOrder, customer: Customer, digest: str, key: str | None) -> Placement:
        now = self.clock.now()
        record = OrderRecord(
            order, customer.erp_customer_no, OrderStatus.RECEIVED, now, now, digest, idempotency_key=key
        )
        with self.tx.write() as t:
            t.orders.add(record)
            t.orders.add_event(
                order.order_number,
                OrderEvent(now, "received", OrderStatus.RECEIVED, {"lines": len(order.lines)}),
            )
            t.outbox.enqueue(KIND_ERP_ORDER, order.order_number, now)
        return Placement(record, created=True)

    def get(self, order_number: str) -> tuple[OrderRecord, list[OrderEvent]]:
        """The order and its history; NotFound if unknown."""
        with self.tx.read() as t:
            record = t.orders.get(order_number)
            if record is None:
                raise NotFound("order", order_number)
            return record, t.orders.events(order_number)

    def count_pending(self) -> int:
        """Orders not yet delivered to the ERP."""
        with self.tx.read() as t:
            return t.outbox.pending_count([KIND_ERP_ORDER])

    def retry(self, order_number: str, actor: str = "admin") -> OrderStatus:
        """Send the order again: failed orders go back to received; pending ones become due now."""
        now = self.clock.now()
        with self.tx.write() as t:
            record = t.orders.get(order_number)
            if record is None:
                raise NotFound("order", order_number)
            if not (record.status in RETRYABLE_BY_HAND or is_awaiting_delivery(record.status)):
                raise Conflict(
                    f"Order {order_number!r} is {record.status.value} in the ERP; nothing to retry."
                )
            t.orders.add_event(order_number, OrderEvent(now, "admin_retry", record.status, {"actor": actor}))
            change_status(
                t,
                order_number,
                record.status,
                OrderStatus.RECEIVED if record.status in RETRYABLE_BY_HAND else record.status,
                now,
                webhooks=self.webhooks,
            )
            t.outbox.requeue(KIND_ERP_ORDER, order_number, now)
            status = OrderStatus.RECEIVED if record.status in RETRYABLE_BY_HAND else record.status
        self.on_received()
        return status

    def mark_resolved(self, order_number: str, actor: str, note: str) -> None:
        """Record in the order's history that an admin settled it by hand."""
        now = self.clock.now()
        with self.tx.write() as t:
            record = t.orders.get(order_number)
            if record is None:
                raise NotFound("order", order_number)
            detail: dict[str, object] = {"actor": actor, "note": note}
            t.orders.add_event(order_number, OrderEvent(now, "admin_resolved", record.status, detail))

    def retry_all_failed(self, actor: str = "admin") -> list[str]:
        """Retry every rejected or needs-attention order; returns their numbers."""
        with self.tx.read() as t:
            numbers = t.orders.numbers_in_status(RETRYABLE_BY_HAND)
        for number in numbers:
            self.retry(number, actor)
        return numbers

"""Wires the order services, the delivery worker and the status webhooks into a Container."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .jobs.delivery_worker import DeliveryWorker
from .observability import requestid
from .ports.orders import KIND_ERP_ORDER, OutboxEntry
from .services.delivery import DeliveryPolicy, DeliveryService
from .services.order_status import OrderStatusService
from .services.orders import OrderService
from .services.pull_delivery import PullDeliveryService
from .store.order_repo import SqlTransactions
from .store.pg_notify import OutboxWakeup
from .wiring_webhooks import wire_webhooks


def traced(handler: Callable[[OutboxEntry], Any]) -> Callable[[OutboxEntry], Any]:
    """Run an outbox handler under a request id naming its subject, so its ERP calls and logs carry one."""

    def run(entry: OutboxEntry) -> Any:
        with requestid.bound(requestid.accept_or_generate(f"{entry.kind}:{entry.subject}")):
            return handler(entry)

    return run


def wire_orders(c: Any) -> None:
    """Set c.orders, c.delivery, c.order_status, c.pull_delivery, c.webhooks and c.delivery_worker."""
    s = c.settings
    tx = SqlTransactions(c.db)
    webhooks = True  # events are always queued; endpoints (API or environment) decide who hears them
    policy = DeliveryPolicy(
        backoff_base=s.delivery_backoff_base,
        backoff_cap=s.delivery_backoff_cap,
        max_age=s.delivery_max_age,
        lease_seconds=s.delivery_lease_seconds,
        price_tolerance=s.price_tolerance,
        deviation_policy=s.price_deviation_policy,
        push=s.order_delivery == "push",
    )
    c.delivery = DeliveryService(tx, c.erp, c.clock, policy, webhooks=webhooks)
    handlers: dict[str, Any] = {}
    if policy.push:
        handlers[KIND_ERP_ORDER] = traced(c.delivery.deliver)
    wire_webhooks(c, tx, handlers, traced)
    c.delivery_worker = DeliveryWorker(
        c.delivery,
        handlers,
        c.clock,
        concurrency=s.delivery_concurrency,
        poll_interval=s.delivery_poll_interval,
    )
    # a new or retried order wakes the worker here and, on PostgreSQL, the workers of every other node
    wakeup = OutboxWakeup(c.db, c.delivery_worker.notify)
    c.orders = OrderService(tx, c.catalog.repo, c.clock, webhooks=webhooks, on_received=wakeup.notify)
    c.order_status = OrderStatusService(tx, c.clock, webhooks=webhooks)
    c.pull_delivery = PullDeliveryService(
        tx, c.delivery, c.clock, webhooks=webhooks, lease_seconds=s.pull_lease_seconds
    )
    if handlers:
        c.background.append(c.delivery_worker)
        c.background.append(wakeup)

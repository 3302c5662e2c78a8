"""The order services, the delivery worker and the status webhooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..jobs.delivery_worker import DeliveryWorker
from ..observability import requestid
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.orders import KIND_ERP_ORDER, OutboxEntry
from ..services.catalog import CatalogService
from ..services.delivery import DeliveryPolicy, DeliveryService
from ..services.order_status import OrderStatusService
from ..services.orders import OrderService
from ..services.pull_delivery import PullDeliveryService
from ..store.db import Database
from ..store.order_repo import SqlTransactions
from ..store.pg_notify import OutboxWakeup
from .webhooks import Webhooks, build_webhooks

Handler = Callable[[OutboxEntry], Any]


def traced(handler: Handler) -> Handler:
    """Run an outbox handler under a request id naming its subject, so its ERP calls and logs carry one."""

    def run(entry: OutboxEntry) -> Any:
        with requestid.bound(requestid.accept_or_generate(f"{entry.kind}:{entry.subject}")):
            return handler(entry)

    return run


@dataclass(frozen=True)
class Ordering:
    """Everything about orders; `wakeup` runs only where the worker runs (it has handlers)."""

    orders: OrderService
    delivery: DeliveryService
    order_status: OrderStatusService
    pull_delivery: PullDeliveryService
    webhooks: Webhooks
    delivery_worker: DeliveryWorker
    wakeup: OutboxWakeup | None


def delivery_policy(s: Settings) -> DeliveryPolicy:
    """The delivery policy from settings."""
    return DeliveryPolicy(
        backoff_base=s.delivery_backoff_base,
        backoff_cap=s.delivery_backoff_cap,
        max_age=s.delivery_max_age,
        lease_seconds=s.delivery_lease_seconds,
        probe_interval=s.delivery_probe_interval,
        price_tolerance=s.price_tolerance,
        deviation_policy=s.price_deviation_policy,
        push=s.order_delivery == "push",
    )


def build_orders(s: Settings, db: Database, clock: Clock, erp: Erp, catalog: CatalogService) -> Ordering:
    """Delivery and webhooks, the worker that runs them, then intake (it wakes the worker)."""
    tx = SqlTransactions(db)
    policy = delivery_policy(s)
    webhooks = build_webhooks(s, db, tx, clock)
    hooks = True  # events are always queued; the endpoints (API or environment) decide who hears them
    delivery = DeliveryService(tx, erp, clock, policy, webhooks=hooks)
    handlers: dict[str, Handler] = {}
    if policy.push:
        handlers[KIND_ERP_ORDER] = traced(delivery.deliver)
    handlers.update({kind: traced(handler) for kind, handler in webhooks.handlers().items()})
    worker = DeliveryWorker(
        delivery, handlers, clock, concurrency=s.delivery_concurrency, poll_interval=s.delivery_poll_interval
    )
    # a new or retried order wakes the worker here and, on PostgreSQL, the workers of every other node
    wakeup = OutboxWakeup(db, worker.notify)
    return Ordering(
        orders=OrderService(tx, catalog.repo, clock, webhooks=hooks, on_received=wakeup.notify),
        delivery=delivery,
        order_status=OrderStatusService(tx, clock, webhooks=hooks),
        pull_delivery=PullDeliveryService(
            tx, delivery, clock, webhooks=hooks, lease_seconds=s.pull_lease_seconds),
        webhooks=webhooks,
        delivery_worker=worker,
        wakeup=wakeup if handlers else None,
    )

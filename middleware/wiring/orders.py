"""The order services, the delivery worker and the status webhooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..jobs.delivery_worker import DeliveryWorker
from ..jobs.webhook_http import RequestsWebhookTransport
from ..observability import requestid
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.orders import KIND_ERP_ORDER, KIND_WEBHOOK, OutboxEntry
from ..services.catalog import CatalogService
from ..services.delivery import DeliveryPolicy, DeliveryService
from ..services.order_status import OrderStatusService
from ..services.orders import OrderService
from ..services.pull_delivery import PullDeliveryService
from ..services.webhooks import WebhookService
from ..store.db import Database
from ..store.order_repo import SqlTransactions
from ..store.pg_notify import OutboxWakeup

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
    webhooks: WebhookService | None
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


def build_webhooks(s: Settings, tx: SqlTransactions, clock: Clock) -> WebhookService | None:
    """Status webhooks to the shop, when a URL and a secret are set."""
    if not (s.status_webhook_url and s.status_webhook_secret):
        return None
    return WebhookService(
        tx, RequestsWebhookTransport(), clock,
        url=s.status_webhook_url, secret=s.status_webhook_secret,
        backoff_base=s.delivery_backoff_base, backoff_cap=s.delivery_backoff_cap, max_age=s.delivery_max_age,
    )


def build_orders(s: Settings, db: Database, clock: Clock, erp: Erp, catalog: CatalogService) -> Ordering:
    """Delivery and webhooks, the worker that runs them, then intake (it wakes the worker)."""
    tx = SqlTransactions(db)
    policy = delivery_policy(s)
    webhooks = build_webhooks(s, tx, clock)
    hooks = webhooks is not None
    delivery = DeliveryService(tx, erp, clock, policy, webhooks=hooks)
    handlers: dict[str, Handler] = {}
    if policy.push:
        handlers[KIND_ERP_ORDER] = traced(delivery.deliver)
    if webhooks is not None:
        handlers[KIND_WEBHOOK] = traced(webhooks.deliver)
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

"""Webhook endpoints (API-registered plus the environment's one), their deliveries and outbox handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..domain.webhooks import ENV_ENDPOINT_ID, EVENT_TYPES, WebhookEndpoint
from ..jobs.webhook_http import RequestsWebhookTransport
from ..ports.clock import Clock
from ..ports.orders import KIND_WEBHOOK, OutboxEntry
from ..ports.webhooks import KIND_WEBHOOK_DELIVERY
from ..services.webhook_endpoints import WebhookEndpointService
from ..services.webhooks import RetryPolicy, WebhookService
from ..store.db import Database
from ..store.order_repo import SqlTransactions
from ..store.webhook_repo import SqlWebhookDeliveries, SqlWebhookEndpoints


@dataclass(frozen=True)
class Webhooks:
    """Delivery (fan-out per endpoint), endpoint management, and the deliveries' state."""

    service: WebhookService
    endpoints: WebhookEndpointService
    deliveries: SqlWebhookDeliveries

    def handlers(self) -> dict[str, Callable[[OutboxEntry], Any]]:
        """The outbox kinds this delivers: events (fanned out) and per-endpoint deliveries."""
        return {KIND_WEBHOOK: self.service.fan_out, KIND_WEBHOOK_DELIVERY: self.service.deliver}


def env_endpoint(s: Settings) -> list[WebhookEndpoint]:
    """MIDDLEWARE_STATUS_WEBHOOK_URL and _SECRET as one endpoint for every event type, if both are set."""
    if not (s.status_webhook_url and s.status_webhook_secret):
        return []
    return [WebhookEndpoint(ENV_ENDPOINT_ID, s.status_webhook_url, EVENT_TYPES, s.status_webhook_secret,
                            description="MIDDLEWARE_STATUS_WEBHOOK_URL")]


def build_webhooks(s: Settings, db: Database, tx: SqlTransactions, clock: Clock) -> Webhooks:
    """Webhooks to the shop."""
    fixed = env_endpoint(s)
    store = SqlWebhookEndpoints(db)
    deliveries = SqlWebhookDeliveries(db)
    service = WebhookService(
        tx, RequestsWebhookTransport(), clock, endpoints=store, deliveries=deliveries,
        policy=RetryPolicy(s.delivery_backoff_base, s.delivery_backoff_cap, s.delivery_max_age), fixed=fixed,
    )
    return Webhooks(service, WebhookEndpointService(store, clock, fixed), deliveries)

"""Wires webhook endpoints (API-registered plus the environment's one) and their delivery handlers."""

from __future__ import annotations

from typing import Any

from .domain.webhooks import ENV_ENDPOINT_ID, EVENT_TYPES, WebhookEndpoint
from .ports.orders import KIND_WEBHOOK
from .ports.webhooks import KIND_WEBHOOK_DELIVERY
from .services.webhook_endpoints import WebhookEndpointService
from .services.webhooks import RetryPolicy, WebhookService
from .store.webhook_repo import SqlWebhookDeliveries, SqlWebhookEndpoints


def _env_endpoint(s: Any) -> list[WebhookEndpoint]:
    if not (s.status_webhook_url and s.status_webhook_secret):
        return []
    return [WebhookEndpoint(ENV_ENDPOINT_ID, s.status_webhook_url, EVENT_TYPES, s.status_webhook_secret,
                            description="MIDDLEWARE_STATUS_WEBHOOK_URL")]


def wire_webhooks(c: Any, tx: Any, handlers: dict[str, Any], traced: Any) -> None:
    """Set c.webhooks, c.webhook_endpoints, c.webhook_deliveries; add the two outbox handlers."""
    from .jobs.webhook_http import RequestsWebhookTransport

    s = c.settings
    fixed = _env_endpoint(s)
    store = SqlWebhookEndpoints(c.db)
    c.webhook_deliveries = SqlWebhookDeliveries(c.db)
    c.webhook_endpoints = WebhookEndpointService(store, c.clock, fixed)
    c.webhooks = WebhookService(
        tx, RequestsWebhookTransport(), c.clock, endpoints=store, deliveries=c.webhook_deliveries,
        policy=RetryPolicy(s.delivery_backoff_base, s.delivery_backoff_cap, s.delivery_max_age), fixed=fixed,
    )
    handlers[KIND_WEBHOOK] = traced(c.webhooks.fan_out)
    handlers[KIND_WEBHOOK_DELIVERY] = traced(c.webhooks.deliver)

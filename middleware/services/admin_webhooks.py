"""The admin's view of webhook deliveries: per-endpoint health, failed deliveries, replay (audited)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..domain.webhooks import WebhookEndpoint
from ..errors import NotFound
from ..ports.clock import Clock
from ..ports.webhooks import EndpointHealth, FailedDelivery, WebhookDeliveries
from .admin_audit import AdminAudit
from .admin_orders import need


@dataclass(frozen=True)
class EndpointRow:
    """One endpoint (never its secret) and how its deliveries go."""

    endpoint_id: str
    url: str
    event_types: tuple[str, ...]
    health: EndpointHealth


@dataclass(frozen=True)
class WebhookOverview:
    """Every endpoint's health and the deliveries that failed."""

    endpoints: list[EndpointRow]
    failures: list[FailedDelivery]
    pending: int


class WebhookDesk:
    """Reads delivery facts and replays deliveries."""

    def __init__(
        self,
        audit: AdminAudit,
        clock: Clock,
        deliveries: WebhookDeliveries | None = None,
        endpoints: Callable[[], list[WebhookEndpoint]] | None = None,
    ) -> None:
        self.audit = audit
        self.clock = clock
        self.deliveries = deliveries
        self.endpoints = endpoints

    def overview(self) -> WebhookOverview:
        """Endpoints with their delivery health, then failed deliveries newest first."""
        deliveries = need(self.deliveries, "webhooks")
        health = {h.endpoint_id: h for h in deliveries.health()}
        rows = [
            EndpointRow(e.endpoint_id, e.url, e.event_types,
                        health.get(e.endpoint_id) or EndpointHealth(e.endpoint_id, 0, 0, 0, None, None, None))
            for e in (self.endpoints() if self.endpoints else [])
        ]
        return WebhookOverview(rows, deliveries.failures(), deliveries.pending_count())

    def replay(self, subject: str, actor: str, note: str = "") -> str:
        """Send one delivery again now."""
        deliveries = need(self.deliveries, "replay webhook")

        def run() -> str:
            if not deliveries.replay(subject, self.clock.now()):
                raise NotFound("webhook delivery", subject)
            return "queued again"

        return self.audit.act(actor, "replay_webhook", f"webhook:{subject[:100]}", run, note=note)

    def replay_failed(self, actor: str, note: str = "") -> str:
        """Send every given-up delivery again."""
        deliveries = need(self.deliveries, "replay webhooks")
        run = lambda: f"{deliveries.replay_failed(self.clock.now())} queued again"  # noqa: E731
        return self.audit.act(actor, "replay_failed_webhooks", None, run, note=note)

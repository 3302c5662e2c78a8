"""Webhook endpoints and the state of their deliveries (store.webhook_repo implements both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.webhooks import WebhookEndpoint

KIND_WEBHOOK_DELIVERY = "webhook_delivery"  # one event to one endpoint (KIND_WEBHOOK: the event itself)


class WebhookEndpoints(Protocol):
    """Endpoints registered over the API."""

    def add(self, endpoint: WebhookEndpoint) -> None:
        """Store a new endpoint."""
        ...

    def list(self) -> list[WebhookEndpoint]:
        """Every endpoint, oldest first."""
        ...

    def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        """One endpoint, or None."""
        ...

    def delete(self, endpoint_id: str) -> bool:
        """Remove an endpoint; False if there was none."""
        ...


@dataclass(frozen=True, slots=True)
class EndpointHealth:
    """How deliveries to one endpoint are going."""

    endpoint_id: str
    delivered: int
    pending: int
    failed: int
    last_success: datetime | None
    next_attempt: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that gave up (or is still retrying after errors)."""

    subject: str
    endpoint_id: str
    event_type: str
    order_number: str | None
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt: datetime | None


class WebhookDeliveries(Protocol):
    """Delivery facts and the waiting rule that keeps one order's events in order."""

    def earlier_pending(self, kind: str, prefix: str, created_at: datetime, entry_id: int) -> bool:
        """Whether an older pending entry of `kind` has a subject starting with `prefix`."""
        ...

    def health(self) -> list[EndpointHealth]:
        """Per-endpoint counts, last success and next attempt."""
        ...

    def failures(self, limit: int = 50) -> list[FailedDelivery]:
        """Deliveries that gave up or are retrying after an error, newest first."""
        ...

    def replay(self, subject: str, now: datetime) -> bool:
        """Make one delivery pending and due now; False if unknown."""
        ...

    def replay_failed(self, now: datetime) -> int:
        """Make every given-up delivery pending again; returns how many."""
        ...

    def pending_count(self) -> int:
        """Events and deliveries not yet done or given up."""
        ...

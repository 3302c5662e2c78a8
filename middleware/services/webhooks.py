"""Webhooks to the shop: each status event fans out to the endpoints that want it; signed, retried, in order.

Delivery is at least once (the shop de-duplicates on the event id) and in order per order and endpoint: a
delivery waits while an older event of the same order is still pending for that endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from ..domain.webhooks import TEST_EVENT, WebhookEndpoint
from ..ports.clock import Clock
from ..ports.orders import KIND_WEBHOOK, OutboxEntry, Transactions, WebhookTransport
from ..ports.webhooks import KIND_WEBHOOK_DELIVERY, WebhookDeliveries, WebhookEndpoints
from .delivery import backoff

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Middleware-Signature"
EVENT_ID_HEADER = "X-Middleware-Event-Id"
WAIT_FOR_EARLIER = 1.0  # seconds a delivery waits before looking again for an older event of its order


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """Check a signature header as the shop would (constant-time, rejects stale timestamps)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff between attempts and when to give up (seconds)."""

    backoff_base: float
    backoff_cap: float
    max_age: float


@dataclass(frozen=True)
class TestResult:
    """What a test event's POST came back with."""

    delivered: bool
    status_code: int | None
    error: str | None


class WebhookService:
    """Fans events out to endpoints and delivers them; endpoints come from the store plus fixed ones."""

    def __init__(
        self,
        transactions: Transactions,
        transport: WebhookTransport,
        clock: Clock,
        *,
        endpoints: WebhookEndpoints,
        deliveries: WebhookDeliveries,
        policy: RetryPolicy,
        fixed: Sequence[WebhookEndpoint] = (),
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.tx = transactions
        self.transport = transport
        self.clock = clock
        self.endpoints = endpoints
        self.deliveries = deliveries
        self.policy = policy
        self.fixed = tuple(fixed)
        self.rng = rng

    def all_endpoints(self) -> list[WebhookEndpoint]:
        """The fixed (environment) endpoints, then the registered ones."""
        return [*self.fixed, *self.endpoints.list()]

    def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """One endpoint by id, or None."""
        return next((e for e in self.fixed if e.endpoint_id == endpoint_id), None) or self.endpoints.get(
            endpoint_id
        )

    def fan_out(self, entry: OutboxEntry) -> str:
        """Turn one queued event into one delivery per endpoint that wants it (after older events)."""
        order_key = entry.subject.split(":", 1)[0]
        if self.deliveries.earlier_pending(KIND_WEBHOOK, f"{order_key}:", entry.created_at, entry.id):
            return self._wait(entry)
        event_type = json.loads(entry.payload or "{}").get("type", "")
        targets = [e for e in self.all_endpoints() if e.wants(event_type)]
        with self.tx.write() as t:
            if not t.outbox.complete(entry.id, entry.owner, self.clock.now()):
                return "lost_lease"
            for endpoint in targets:
                subject = f"{endpoint.endpoint_id}:{entry.subject}"
                t.outbox.enqueue(KIND_WEBHOOK_DELIVERY, subject, entry.created_at, entry.payload)
        return f"fanned_out:{len(targets)}"

    def deliver(self, entry: OutboxEntry) -> str:
        """POST one event to one endpoint; 2xx completes it, anything else retries until max age."""
        endpoint_id, order_key, _event = entry.subject.split(":", 2)
        endpoint = self.endpoint(endpoint_id)
        if endpoint is None:  # deleted since: nobody to tell
            with self.tx.write() as t:
                t.outbox.give_up(entry.id, entry.owner, self.clock.now(), "endpoint deleted")
            return "dropped"
        prefix = f"{endpoint_id}:{order_key}:"
        if self.deliveries.earlier_pending(KIND_WEBHOOK_DELIVERY, prefix, entry.created_at, entry.id):
            return self._wait(entry)
        error = self._post(endpoint, (entry.payload or "{}").encode(), _event)[1]
        return self._settle(entry, error)

    def _post(self, endpoint: WebhookEndpoint, body: bytes, event_id: str) -> tuple[int | None, str | None]:
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(endpoint.secret, int(self.clock.now().timestamp()), body),
            EVENT_ID_HEADER: event_id,
        }
        try:
            status = self.transport.post(endpoint.url, body, headers)
        except Exception as exc:  # any transport failure is retried
            return None, f"{type(exc).__name__}: {str(exc)[:300]}"
        return status, None if 200 <= status < 300 else f"HTTP {status}"

    def _settle(self, entry: OutboxEntry, error: str | None) -> str:
        now = self.clock.now()
        with self.tx.write() as t:
            if error is None:
                t.outbox.complete(entry.id, entry.owner, now)
                return "delivered"
            if (now - entry.created_at).total_seconds() > self.policy.max_age:
                log.warning("giving up webhook %s: %s", entry.subject, error)
                t.outbox.give_up(entry.id, entry.owner, now, error)
                return "given_up"
            delay = backoff(entry.attempts, self.policy.backoff_base, self.policy.backoff_cap, self.rng)
            t.outbox.reschedule(entry.id, entry.owner, now + timedelta(seconds=delay), error)
        return "retry"

    def _wait(self, entry: OutboxEntry) -> str:
        with self.tx.write() as t:
            due = self.clock.now() + timedelta(seconds=WAIT_FOR_EARLIER)
            t.outbox.reschedule(entry.id, entry.owner, due, "waiting for an earlier event of this order")
        return "waiting"

    def send_test(self, endpoint: WebhookEndpoint) -> TestResult:
        """POST a signed `webhook.test` event to the endpoint now (not queued, not retried)."""
        event_id = uuid.uuid4().hex
        event = {
            "id": event_id,
            "type": TEST_EVENT,
            "created_at": self.clock.now().isoformat().replace("+00:00", "Z"),
            "data": {"endpoint_id": endpoint.endpoint_id},
        }
        status, error = self._post(endpoint, json.dumps(event, separators=(",", ":")).encode(), event_id)
        return TestResult(error is None, status, error)

"""Status-change webhooks to the shop: signed JSON events delivered through the outbox with retries."""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from ..ports.clock import Clock
from ..ports.orders import OutboxEntry, Transactions, WebhookTransport
from .delivery import backoff

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Middleware-Signature"


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


class WebhookService:
    """Delivers queued status events to the configured URL."""

    def __init__(
        self,
        transactions: Transactions,
        transport: WebhookTransport,
        clock: Clock,
        *,
        url: str,
        secret: str,
        backoff_base: float,
        backoff_cap: float,
        max_age: int,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.tx = transactions
        self.transport = transport
        self.clock = clock
        self.url = url
        self.secret = secret
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_age = max_age
        self.rng = rng

    def deliver(self, entry: OutboxEntry) -> str:
        """POST one event; 2xx completes it, anything else retries with backoff until max age."""
        body = (entry.payload or "{}").encode()
        now = self.clock.now()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.secret, int(now.timestamp()), body),
            "X-Middleware-Event-Id": entry.subject,
        }
        try:
            status = self.transport.post(self.url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except Exception as exc:  # any transport failure is retried
            error = f"{type(exc).__name__}: {exc}"
        now = self.clock.now()
        with self.tx.write() as t:
            if error is None:
                t.outbox.complete(entry.id, entry.owner, now)
                return "delivered"
            if (now - entry.created_at).total_seconds() > self.max_age:
                log.warning("giving up status webhook %s: %s", entry.subject, error)
                t.outbox.give_up(entry.id, entry.owner, now, error)
                return "given_up"
            delay = backoff(entry.attempts, self.backoff_base, self.backoff_cap, self.rng)
            t.outbox.reschedule(entry.id, entry.owner, now + timedelta(seconds=delay), error)
        return "retry"

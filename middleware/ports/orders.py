"""Orders, their history and the delivery outbox as the core sees them; `middleware.store` implements them."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..domain.orders import ErpTotals, OrderEvent, OrderRecord, OrderStatus, PriceDeviation

KIND_ERP_ORDER = "erp_order"
KIND_WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A leased unit of work; `attempts` counts claims incl. this one, `owner` is the lease token."""

    id: int
    kind: str
    subject: str
    attempts: int
    created_at: datetime
    owner: str
    payload: str | None = None
    last_error: str | None = None


class OrderRepository(Protocol):
    """Orders and their events inside one transaction."""

    def add(self, record: OrderRecord) -> None:
        """Insert the order and its lines; DuplicateOrder (transaction then unusable) if taken."""
        ...

    def get(self, order_number: str) -> OrderRecord | None:
        """The order, or None."""
        ...

    def number_for_erp_order(self, erp_order_number: str) -> str | None:
        """Our order number for the ERP's order number, or None."""
        ...

    def get_by_idempotency_key(self, key: str) -> OrderRecord | None:
        """The order first stored under this Idempotency-Key, or None."""
        ...

    def set_status(
        self, order_number: str, status: OrderStatus, at: datetime, *, last_error: str | None = None
    ) -> None:
        """Change the status (the caller checked the state machine)."""
        ...

    def mark_submitting(self, order_numbers: Sequence[str], at: datetime) -> None:
        """Claimed: received -> submitting; still submitting (its worker died) -> submit_unknown."""
        ...

    def set_erp_result(
        self,
        order_number: str,
        erp_order_number: str,
        totals: ErpTotals | None,
        deviations: Sequence[PriceDeviation],
        at: datetime,
    ) -> None:
        """Store the ERP's order number, totals and the price deviations."""
        ...

    def add_event(self, order_number: str, event: OrderEvent) -> None:
        """Append to the order's history."""
        ...

    def events(self, order_number: str) -> list[OrderEvent]:
        """The order's history, oldest first."""
        ...

    def numbers_in_status(self, statuses: Sequence[OrderStatus], limit: int = 10_000) -> list[str]:
        """Order numbers currently in any of these statuses."""
        ...


class Outbox(Protocol):
    """Delivery entries inside one transaction; claims take a lease that fences other workers."""

    def enqueue(self, kind: str, subject: str, at: datetime, payload: str | None = None) -> None:
        """Add a pending entry due now (an existing pending entry for the subject is kept)."""
        ...

    def claim(
        self, kinds: Sequence[str], owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[OutboxEntry]:
        """Lease up to `limit` due entries whose lease is free or expired, under the unique token `owner`."""
        ...

    def complete(self, entry_id: int, owner: str, now: datetime) -> bool:
        """Mark done if `owner` still holds the lease."""
        ...

    def complete_subject(self, kind: str, subject: str, now: datetime) -> None:
        """Mark the subject's pending entry done, whoever holds it."""
        ...

    def reschedule(self, entry_id: int, owner: str, due: datetime, error: str) -> bool:
        """Release the lease and retry at `due`, if `owner` still holds the lease."""
        ...

    def give_up(self, entry_id: int, owner: str, now: datetime, error: str) -> bool:
        """Stop retrying (dead entry) if `owner` still holds the lease."""
        ...

    def requeue(self, kind: str, subject: str, now: datetime) -> None:
        """Make the subject's entry pending and due now (manual retry), creating it if needed."""
        ...

    def renew(self, owner_prefix: str, until: datetime, now: datetime) -> int:
        """Extend every pending lease held under a token starting with `owner_prefix`."""
        ...

    def release(self, owner_prefix: str, ids: Sequence[int] | None, now: datetime) -> int:
        """Hand back the leases held under `owner_prefix` (only those of `ids`, if given): due at once."""
        ...

    def wake(self, kinds: Sequence[str], now: datetime, limit: int | None = None) -> int:
        """Make deferred (backed-off, unleased) entries due now, the earliest `limit` of them or all."""
        ...

    def next_due(self, kinds: Sequence[str]) -> datetime | None:
        """When the earliest pending entry falls due (or its lease ends), or None."""
        ...

    def pending_count(self, kinds: Sequence[str]) -> int:
        """How many entries are not yet done or dead."""
        ...


class Transaction(Protocol):
    """One database transaction with the repositories bound to it."""

    @property
    def orders(self) -> OrderRepository:
        """The orders inside this transaction."""
        ...

    @property
    def outbox(self) -> Outbox:
        """The outbox inside this transaction."""
        ...


class Transactions(Protocol):
    """Opens transactions: `write()` commits on success, `read()` is read-only."""

    def write(self) -> AbstractContextManager[Transaction]:
        """A read-write transaction."""
        ...

    def read(self) -> AbstractContextManager[Transaction]:
        """A read-only transaction."""
        ...


class DuplicateOrder(Exception):
    """The order number or Idempotency-Key is already taken (raised by OrderRepository.add)."""


class WebhookTransport(Protocol):
    """Posts a signed event to the shop's webhook URL."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST and return the HTTP status; raise OSError-like errors when unreachable."""
        ...


def as_detail(**values: Any) -> dict[str, Any]:
    """Drop None values from an event detail."""
    return {k: v for k, v in values.items() if v is not None}

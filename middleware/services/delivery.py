"""Delivering orders to the ERP exactly once: leased outbox entries, ask-before-resend, backoff."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ..domain.erp import ErpOrder
from ..domain.order_deviations import needs_review, price_deviations
from ..domain.orders import ErpTotals, OrderEvent, OrderRecord, OrderStatus, is_awaiting_delivery
from ..errors import ErpRejected, ErpTimeout, ErpUnavailable
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.orders import KIND_ERP_ORDER, OutboxEntry, Transactions, as_detail
from .order_state import change_status
from .outbox_leases import OutboxLeases

log = logging.getLogger(__name__)

DUPLICATE = "DUPLICATE_EXTERNAL_DOCUMENT_NO"
S = OrderStatus


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How delivery retries and judges prices (values from Settings)."""

    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    max_age: int = 86400
    lease_seconds: int = 3  # renewed while the worker lives (OutboxLeases): a dead one frees them fast
    probe_interval: float = 1.0  # how often a backed-off order is tried early to see if the ERP is back
    price_tolerance: Decimal = Decimal("0.01")
    deviation_policy: str = "accept_erp_price"  # or hold_for_review
    push: bool = True


def backoff(attempts: int, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds until the next try: capped exponential with 'equal jitter' (half fixed, half random)."""
    ceiling = min(cap, base * float(2 ** max(0, min(attempts - 1, 30))))
    return ceiling / 2 + rng() * ceiling / 2


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What one delivery attempt found out."""

    outcome: str  # accepted | adopted | rejected | timeout | unavailable | error
    erp_order: ErpOrder | None = None
    error: str | None = None
    code: str | None = None
    asked_first: bool = False
    maybe_in_erp: bool = False


class DeliveryService:
    """Claims due erp_order entries and delivers each one to the ERP."""

    def __init__(
        self,
        transactions: Transactions,
        erp: Erp,
        clock: Clock,
        policy: DeliveryPolicy,
        *,
        webhooks: bool = False,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.tx = transactions
        self.erp = erp
        self.clock = clock
        self.policy = policy
        self.webhooks = webhooks
        self.rng = rng
        self.leases = OutboxLeases(transactions, clock, policy.lease_seconds, policy.probe_interval)

    def claim(
        self, kinds: Sequence[str], owner: str, limit: int, lease_seconds: int | None = None
    ) -> list[OutboxEntry]:
        """Lease due entries of these kinds; orders among them show as submitting."""
        now = self.clock.now()
        until = now + timedelta(seconds=lease_seconds or self.policy.lease_seconds)
        with self.tx.write() as t:
            entries = t.outbox.claim(kinds, owner, now, until, limit)
            numbers = [e.subject for e in entries if e.kind == KIND_ERP_ORDER]
            if numbers:
                t.orders.mark_submitting(numbers, now)
        return entries

    def next_due(self, kinds: Sequence[str]) -> datetime | None:
        """When the next unleased entry falls due."""
        with self.tx.read() as t:
            return t.outbox.next_due(kinds)

    def deliver(self, entry: OutboxEntry) -> str:
        """Deliver one claimed order entry; returns the attempt's outcome."""
        with self.tx.read() as t:
            record = t.orders.get(entry.subject)
        if record is None or not is_awaiting_delivery(record.status):
            with self.tx.write() as t:
                t.outbox.complete(entry.id, entry.owner, self.clock.now())
            return "skipped"
        started = time.monotonic()
        attempt = self._attempt(record, entry)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        if attempt.erp_order is not None:
            self._accept(record, entry, attempt, duration_ms)
        elif attempt.outcome == "rejected":
            self._reject(record, entry, attempt, duration_ms)
        else:
            self._retry_later(record, entry, attempt, duration_ms)
        return attempt.outcome

    def _attempt(self, record: OrderRecord, entry: OutboxEntry) -> _Attempt:
        # an earlier attempt (time-out, crash, lost lease) may have reached the ERP: ask before sending
        ambiguous = record.status is S.SUBMIT_UNKNOWN
        phase = "lookup"
        try:
            if ambiguous:
                existing = self.erp.get_sales_order(order_number=record.order_number)
                if existing is not None:
                    return _Attempt("adopted", existing, asked_first=True)
            phase = "create"
            created = self.erp.create_sales_order(record.order, record.erp_customer_no)
            return _Attempt("accepted", created, asked_first=ambiguous)
        except ErpRejected as exc:
            return self._rejected(record, exc, ambiguous)
        except ErpTimeout as exc:
            # a time-out while creating may have created; one while asking leaves the old doubt
            unknown = phase == "create" or ambiguous
            return _Attempt("timeout", error=str(exc), asked_first=ambiguous, maybe_in_erp=unknown)
        except ErpUnavailable as exc:
            return _Attempt(
                "unavailable",
                error=str(exc),
                asked_first=ambiguous,
                maybe_in_erp=phase == "lookup" and ambiguous,
            )
        except Exception as exc:  # a bug must not stop delivery of other orders; the order is retried
            log.exception("unexpected error delivering order %s", record.order_number)
            return _Attempt(
                "error",
                error=f"{type(exc).__name__}: {exc}",
                asked_first=ambiguous,
                maybe_in_erp=phase == "create" or ambiguous,
            )

    def _rejected(self, record: OrderRecord, exc: ErpRejected, asked: bool) -> _Attempt:
        if exc.code == DUPLICATE:
            try:
                existing = self.erp.get_sales_order(order_number=record.order_number)
            except ErpUnavailable as lookup_exc:
                return _Attempt(
                    "timeout",
                    error=f"duplicate, lookup failed: {lookup_exc}",
                    code=exc.code,
                    maybe_in_erp=True,
                )
            if existing is not None:
                return _Attempt("adopted", existing, code=exc.code, asked_first=True)
            return _Attempt("unavailable", error=str(exc), code=exc.code, maybe_in_erp=True)
        if exc.retryable:
            return _Attempt("unavailable", error=str(exc), code=exc.code, asked_first=asked)
        return _Attempt("rejected", error=exc.reason, code=exc.code, asked_first=asked)

    def _event(self, entry: OutboxEntry, attempt: _Attempt, duration_ms: float, at: datetime) -> OrderEvent:
        erp_number = attempt.erp_order.erp_order_number if attempt.erp_order else None
        return OrderEvent(
            at,
            "attempt",
            None,
            as_detail(
                attempt=entry.attempts,
                outcome=attempt.outcome,
                duration_ms=duration_ms,
                code=attempt.code,
                error=attempt.error,
                asked_first=attempt.asked_first or None,
                erp_order_number=erp_number,
            ),
        )

    def _accept(self, record: OrderRecord, entry: OutboxEntry, attempt: _Attempt, duration_ms: float) -> None:
        erp = attempt.erp_order
        assert erp is not None
        deviations = price_deviations(record.order, erp, self.policy.price_tolerance)
        totals = ErpTotals(erp.net, erp.tax, erp.gross, erp.invoice_discount)
        now = self.clock.now()
        with self.tx.write() as t:
            t.orders.add_event(record.order_number, self._event(entry, attempt, duration_ms, now))
            current = t.orders.get(record.order_number)
            if current is not None and is_awaiting_delivery(current.status):
                t.orders.set_erp_result(record.order_number, erp.erp_order_number, totals, deviations, now)
                change_status(
                    t,
                    record.order_number,
                    current.status,
                    S.ACCEPTED,
                    now,
                    webhooks=self.webhooks,
                    erp_order_number=erp.erp_order_number,
                )
                if deviations:
                    t.orders.add_event(
                        record.order_number,
                        OrderEvent(
                            now,
                            "price_deviation",
                            None,
                            {
                                "policy": self.policy.deviation_policy,
                                "deviations": [
                                    as_detail(
                                        kind=d.kind.value,
                                        field=d.field,
                                        line_ref=d.line_ref,
                                        quoted=str(d.quoted),
                                        erp=str(d.erp),
                                        reason=d.reason,
                                        explained=d.explained,
                                    )
                                    for d in deviations
                                ],
                            },
                        ),
                    )
                if self.policy.deviation_policy == "hold_for_review" and needs_review(deviations):
                    change_status(
                        t,
                        record.order_number,
                        S.ACCEPTED,
                        S.ON_HOLD,
                        now,
                        webhooks=self.webhooks,
                        erp_order_number=erp.erp_order_number,
                        detail={"reason": "price deviation"},
                    )
            t.outbox.complete(entry.id, entry.owner, now)
            self.leases.erp_answered(t, now, retried=entry.attempts > 1)

    def _reject(self, record: OrderRecord, entry: OutboxEntry, attempt: _Attempt, duration_ms: float) -> None:
        now = self.clock.now()
        error = f"{attempt.code}: {attempt.error}"
        with self.tx.write() as t:
            t.orders.add_event(record.order_number, self._event(entry, attempt, duration_ms, now))
            current = t.orders.get(record.order_number)
            if current is not None and is_awaiting_delivery(current.status):
                change_status(
                    t,
                    record.order_number,
                    current.status,
                    S.REJECTED,
                    now,
                    webhooks=self.webhooks,
                    last_error=error,
                    detail=as_detail(code=attempt.code, reason=attempt.error),
                )
            t.outbox.give_up(entry.id, entry.owner, now, error)  # never retried automatically
            self.leases.erp_answered(t, now, retried=entry.attempts > 1)

    def _retry_later(
        self, record: OrderRecord, entry: OutboxEntry, attempt: _Attempt, duration_ms: float
    ) -> None:
        now = self.clock.now()
        error = attempt.error or attempt.outcome
        too_old = (now - entry.created_at).total_seconds() > self.policy.max_age
        with self.tx.write() as t:
            t.orders.add_event(record.order_number, self._event(entry, attempt, duration_ms, now))
            current = t.orders.get(record.order_number)
            if current is None or not is_awaiting_delivery(current.status):
                t.outbox.complete(entry.id, entry.owner, now)
                return
            if too_old:
                change_status(
                    t,
                    record.order_number,
                    current.status,
                    S.NEEDS_ATTENTION,
                    now,
                    webhooks=self.webhooks,
                    last_error=error,
                    detail={"reason": "delivery_max_age exceeded"},
                )
                t.outbox.give_up(entry.id, entry.owner, now, error)
                return
            # moves between the delivery statuses are not history of their own: the attempt event says it
            new = S.SUBMIT_UNKNOWN if attempt.maybe_in_erp else S.RECEIVED
            t.orders.set_status(record.order_number, new, now, last_error=error)
            delay = backoff(entry.attempts, self.policy.backoff_base, self.policy.backoff_cap, self.rng)
            t.outbox.reschedule(entry.id, entry.owner, now + timedelta(seconds=delay), error)
        self.leases.deferred()

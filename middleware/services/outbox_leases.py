"""Short outbox leases a live worker renews, hands back on a clean stop, and the backlog an ERP outage left.

A worker claims entries for `lease_seconds` (a few seconds) and renews them while it works on them, so a
worker that dies (SIGKILL, power loss) loses its entries to another worker within one lease, not minutes.
Entries backed off during an ERP outage are woken as soon as the ERP answers again; while any are waiting,
the earliest one is tried every `probe_interval` seconds, so the end of an outage is noticed within seconds
whatever the backoff cap.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, Transaction, Transactions


class OutboxLeases:
    """Lease renewal and hand-back by owner, and waking the ERP-order backlog."""

    def __init__(
        self, transactions: Transactions, clock: Clock, lease_seconds: float, probe_interval: float = 1.0
    ) -> None:
        self.tx = transactions
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.probe_interval = timedelta(seconds=probe_interval)
        self._lock = threading.Lock()
        self._backlog = True  # unknown after a start: an earlier process may have left entries backed off
        self._last_probe: datetime | None = None
        self._last_wake: datetime | None = None

    def renew(self, owner: str) -> int:
        """Extend every lease the worker `owner` holds (its tokens are `owner:<n>`); returns how many."""
        now = self.clock.now()
        with self.tx.write() as t:
            return t.outbox.renew(owner + ":", now + self.lease, now)

    def release(self, owner: str, ids: Sequence[int] | None = None) -> int:
        """Hand back the worker's leases (only `ids`, if given): due again at once; returns how many."""
        with self.tx.write() as t:
            return t.outbox.release(owner + ":", ids, self.clock.now())

    def deferred(self) -> None:
        """An order was backed off: remember that there is a backlog to wake."""
        with self._lock:
            self._backlog = True

    def erp_answered(self, t: Transaction, now: datetime, retried: bool) -> None:
        """Inside the transaction recording an ERP answer: wake the backlog if there may be one.

        At most once per `probe_interval`: an order that fails on its own must not be retried after every
        other order's success.
        """
        with self._lock:
            recent = self._last_wake is not None and now - self._last_wake < self.probe_interval
            wake = (self._backlog or retried) and not recent
            if wake:
                self._backlog, self._last_wake = False, now
        if wake:
            t.outbox.wake([KIND_ERP_ORDER], now)

    def probe(self) -> bool:
        """While orders wait out a backoff, make the earliest due every `probe_interval`; True if one was."""
        now = self.clock.now()
        with self._lock:
            if not self._backlog or (self._last_probe and now - self._last_probe < self.probe_interval):
                return False
            self._last_probe = now
        with self.tx.write() as t:
            woken = t.outbox.wake([KIND_ERP_ORDER], now, limit=1)
        if not woken:
            with self._lock:
                self._backlog = False
        return bool(woken)

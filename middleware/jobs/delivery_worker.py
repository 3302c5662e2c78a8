"""The outbox delivery worker: a thread that claims due entries and hands them to a small pool."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from ..ports.clock import Clock
from ..ports.orders import OutboxEntry
from ..services.delivery import DeliveryService

log = logging.getLogger(__name__)

Handler = Callable[[OutboxEntry], str]


class DeliveryWorker:
    """Delivers outbox entries as soon as they are due; `notify()` wakes it, polling is the safety net."""

    def __init__(
        self,
        delivery: DeliveryService,
        handlers: Mapping[str, Handler],
        clock: Clock,
        *,
        concurrency: int = 4,
        poll_interval: float = 1.0,
        name: str | None = None,
    ) -> None:
        self.delivery = delivery
        self.handlers = dict(handlers)
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.poll_interval = poll_interval
        self.owner = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._claims = 0
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def running(self) -> bool:
        """Whether the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def notify(self) -> None:
        """Something new is due: look now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        """Start the background thread (idempotent)."""
        if self.running:
            return
        self._stop.clear()
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="delivery")
        self._thread = threading.Thread(target=self._loop, name="delivery-worker", daemon=True)
        self._thread.start()
        log.info("delivery worker %s started (kinds: %s)", self.owner, ", ".join(self.handlers))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming, let running deliveries finish (their leases cover a hard stop), join."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._thread = None
        self._pool = None

    def run_once(self) -> int:
        """Claim and deliver what is due right now, in this thread (tests, CLI); returns how many."""
        done = 0
        while True:
            entries = self._claim(self.concurrency)
            if not entries:
                return done
            for entry in entries:
                self._handle(entry)
            done += len(entries)

    def _claim(self, limit: int) -> list[OutboxEntry]:
        self._claims += 1
        token = f"{self.owner}:{self._claims}"
        return self.delivery.claim(list(self.handlers), token, limit)

    def _handle(self, entry: OutboxEntry) -> None:
        try:
            self.handlers[entry.kind](entry)
        except Exception:  # the lease expires and the entry is retaken; the worker itself must survive
            log.exception("delivering outbox entry %s (%s %s) failed", entry.id, entry.kind, entry.subject)

    def _run(self, entry: OutboxEntry) -> None:
        try:
            self._handle(entry)
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            with self._lock:
                free = self.concurrency - self._in_flight
            claimed: list[OutboxEntry] = []
            if free > 0:
                try:
                    claimed = self._claim(free)
                except Exception:
                    log.exception("claiming outbox entries failed; retrying shortly")
                    self._stop.wait(self.poll_interval)
                    continue
            for entry in claimed:
                with self._lock:
                    self._in_flight += 1
                assert self._pool is not None
                self._pool.submit(self._run, entry)
            if claimed and len(claimed) == free:
                continue  # there may be more due right now
            # all slots busy: a finishing delivery wakes us; else sleep until the next entry is due
            self._wake.wait(self.poll_interval if free <= 0 else self._idle_timeout())

    def _idle_timeout(self) -> float:
        try:
            due: datetime | None = self.delivery.next_due(list(self.handlers))
        except Exception:
            return self.poll_interval
        if due is None:
            return self.poll_interval
        return max(0.01, min(self.poll_interval, (due - self.clock.now()).total_seconds()))

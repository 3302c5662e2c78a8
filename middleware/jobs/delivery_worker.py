"""The outbox delivery worker: a thread that claims due entries and hands them to a small pool."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, OutboxEntry
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
        self._renewer: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._queued: dict[Future[None], int] = {}  # submitted deliveries -> outbox entry id
        self._stopped = threading.Event()

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
        self._stopped.clear()
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="delivery")
        self._thread = threading.Thread(target=self._loop, name="delivery-worker", daemon=True)
        self._renewer = threading.Thread(target=self._renew_leases, name="delivery-leases", daemon=True)
        self._thread.start()
        self._renewer.start()
        log.info("delivery worker %s started (kinds: %s)", self.owner, ", ".join(self.handlers))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming, hand back entries not yet started at once, let running deliveries finish, join."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            with self._lock:
                cancelled = [entry_id for future, entry_id in self._queued.items() if future.cancelled()]
            self._release(cancelled)
            self._pool.shutdown(wait=True)  # running deliveries keep renewing their leases meanwhile
        self._stopped.set()
        if self._renewer is not None:
            self._renewer.join(timeout)
            self._release(None)
        self._thread = self._renewer = self._pool = None
        self._queued.clear()
        self._in_flight = 0

    def _release(self, ids: list[int] | None) -> None:
        if ids == []:
            return
        try:
            released = self.delivery.leases.release(self.owner, ids)
        except Exception:  # the leases run out by themselves in a few seconds
            log.warning("handing back the leases of %s failed", self.owner, exc_info=True)
            return
        if released:
            log.info("delivery worker %s handed back %d entries", self.owner, released)

    def _renew_leases(self) -> None:
        interval = self.delivery.leases.lease.total_seconds() / 3
        while not self._stopped.wait(interval):
            with self._lock:
                busy = bool(self._queued)
            if not busy:
                continue
            try:
                self.delivery.leases.renew(self.owner)
            except Exception:  # a busy database: the next renewal is a third of a lease away
                log.warning("renewing the leases of %s failed", self.owner, exc_info=True)

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

    def _done(self, future: Future[None]) -> None:
        if future.cancelled():
            return  # stop() hands its entry back
        with self._lock:
            self._queued.pop(future, None)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            with self._lock:
                free = self.concurrency - self._in_flight
            claimed: list[OutboxEntry] = []
            if free > 0:
                try:
                    if KIND_ERP_ORDER in self.handlers:
                        self.delivery.leases.probe()  # is the ERP back for orders waiting out a backoff?
                    claimed = self._claim(free)
                except Exception:
                    log.exception("claiming outbox entries failed; retrying shortly")
                    self._stop.wait(self.poll_interval)
                    continue
            for entry in claimed:
                self._submit(entry)
            if claimed and len(claimed) == free:
                continue  # there may be more due right now
            # all slots busy: a finishing delivery wakes us; else sleep until the next entry is due
            self._wake.wait(self.poll_interval if free <= 0 else self._idle_timeout())

    def _submit(self, entry: OutboxEntry) -> None:
        assert self._pool is not None
        with self._lock:
            self._in_flight += 1
            future = self._pool.submit(self._run, entry)
            self._queued[future] = entry.id
        future.add_done_callback(self._done)

    def _idle_timeout(self) -> float:
        try:
            due: datetime | None = self.delivery.next_due(list(self.handlers))
        except Exception:
            return self.poll_interval
        if due is None:
            return self.poll_interval
        return max(0.01, min(self.poll_interval, (due - self.clock.now()).total_seconds()))

"""ERP call outcomes of this node summed per minute and written to the shared database every few seconds;
read back for all nodes, they make the admin's ERP link panel cover the whole cluster."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ..domain.latency import bucket_of, percentile_ms
from ..ports.admin import LinkEvent, OperationStats
from ..ports.erp_calls import LATENCY_BOUNDS_MS, ErpCallLog, MinuteStats
from .erp_recorder import LINK_FAILURES, REJECTED

log = logging.getLogger(__name__)
RETENTION = timedelta(days=2)
LAST_EVENT_WINDOW = 6 * 3600  # seconds: how far back the panel looks for the last success and failure


def node_name() -> str:
    """host:pid of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


class ClusterCallLog:
    """Aggregates this node's calls, flushes them, and answers the ERP link panel for every node."""

    def __init__(
        self, store: ErpCallLog, node: str | None = None, flush_seconds: float = 5.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.node = node or node_name()
        self.flush_seconds = flush_seconds
        self.now = now
        self._pending: dict[tuple[datetime, str], MinuteStats] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, operation: str, duration: float, outcome: str, detail: str = "") -> None:
        """Count one call (the CallWindow's listener)."""
        at = self.now()
        minute = at.replace(second=0, microsecond=0)
        buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
        buckets[bucket_of(LATENCY_BOUNDS_MS, duration * 1000)] = 1
        failed = outcome in LINK_FAILURES
        row = MinuteStats(minute, self.node, operation, 1, int(failed), int(outcome == REJECTED),
                          duration * 1000, tuple(buckets), None if failed else at, at if failed else None,
                          f"{operation}: {detail}"[:500] if failed else "")
        with self._lock:
            old = self._pending.get((minute, operation))
            self._pending[(minute, operation)] = row if old is None else old.plus(row)

    def flush(self) -> None:
        """Write what was counted since the last flush."""
        with self._lock:
            rows, self._pending = list(self._pending.values()), {}
        if rows:
            try:
                self.store.add(rows)
            except Exception:  # the database may be away for a moment: keep the counts for the next try
                log.warning("could not store ERP call counts; retrying", exc_info=True)
                with self._lock:
                    for row in rows:
                        key = (row.minute, row.operation)
                        self._pending[key] = row.plus(self._pending[key]) if key in self._pending else row

    def rows(self, window_seconds: float) -> list[MinuteStats]:
        """Stored rows of every node plus this node's unflushed counts."""
        start = (self.now() - timedelta(seconds=window_seconds)).replace(second=0, microsecond=0)
        with self._lock:
            pending = [r for r in self._pending.values() if r.minute >= start]
        return [*self.store.since(start), *pending]

    # -- ports.admin.ErpCallWindow -----------------------------------------------------------------
    def operation_stats(self, window_seconds: float) -> list[OperationStats]:
        """Per-operation counts and latency percentiles across the cluster."""
        by_op: dict[str, MinuteStats] = {}
        for row in self.rows(window_seconds):
            by_op[row.operation] = by_op[row.operation].plus(row) if row.operation in by_op else row
        def p(r: MinuteStats, q: float) -> float | None:
            return percentile_ms(LATENCY_BOUNDS_MS, r.buckets, q)

        return [OperationStats(op, r.calls, r.errors, r.rejected, p(r, 0.5), p(r, 0.95))
                for op, r in sorted(by_op.items())]

    def last_success(self) -> LinkEvent | None:
        """The latest answered call on any node (within six hours)."""
        rows = [r for r in self.rows(LAST_EVENT_WINDOW) if r.last_success_at]
        best = max(rows, key=lambda r: r.last_success_at or datetime.min.replace(tzinfo=UTC), default=None)
        return None if best is None or best.last_success_at is None else LinkEvent(
            best.last_success_at, best.operation, best.node)

    def last_failure(self) -> LinkEvent | None:
        """The latest link failure on any node (within six hours)."""
        rows = [r for r in self.rows(LAST_EVENT_WINDOW) if r.last_failure_at]
        worst = max(rows, key=lambda r: r.last_failure_at or datetime.min.replace(tzinfo=UTC), default=None)
        return None if worst is None or worst.last_failure_at is None else LinkEvent(
            worst.last_failure_at, worst.operation, f"{worst.last_failure} (on {worst.node})")

    # -- Background ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Flush every few seconds (idempotent)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="erp-call-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()
        self.flush()
        try:
            self.store.purge(self.now() - RETENTION)
        except Exception:
            log.warning("could not purge old ERP call counts", exc_info=True)

    def stop(self) -> None:
        """Flush and stop."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None

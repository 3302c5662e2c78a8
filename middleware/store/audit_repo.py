"""Audit repository: admin actions written at once, ERP messages through a bounded background queue."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select

from ..ports.admin import ADMIN, ERP_IN, AuditEntry, InboundCount
from ..ports.clock import Clock
from .audit_tables import as_utc, audit_log
from .db import Database

log = logging.getLogger(__name__)
BATCH = 200


def _row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "category": entry.category,
        "action": entry.action[:64],
        "kind": entry.kind[:16],
        "actor": entry.actor,
        "subject": (entry.subject or None) and entry.subject[:128],
        "outcome": entry.outcome and entry.outcome[:32],
        "request_id": entry.request_id,
        "duration_ms": entry.duration_ms,
        "body": entry.body,
        "detail": json.dumps(dict(entry.detail), default=str) if entry.detail else None,
    }


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        category=row.category,
        action=row.action,
        kind=row.kind,
        actor=row.actor,
        subject=row.subject,
        outcome=row.outcome,
        request_id=row.request_id,
        duration_ms=row.duration_ms,
        body=row.body,
        detail=json.loads(row.detail) if row.detail else {},
    )


class AuditRepository:
    """Implements ports.admin.AuditLog; also a Background component (start/stop) for its writer thread."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        retention_days: int,
        max_queue: int = 10_000,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.retention = timedelta(days=retention_days)
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=max_queue)
        self._on_drop = on_drop
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- writing ---------------------------------------------------------------------------------
    def record(self, entry: AuditEntry) -> None:
        """Admin actions are stored now (in the caller's thread); ERP messages are queued."""
        if entry.category == ADMIN:
            with self.db.write() as conn:
                conn.execute(insert(audit_log), [_row(entry)])
            return
        self.start()
        try:
            self._queue.put_nowait(_row(entry))
        except queue.Full:  # never slow the ERP path down for the audit trail; count the loss
            if self._on_drop is not None:
                self._on_drop()

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued entry is written (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Write what is queued and stop the writer."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first]
            while first is not None and len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows = [r for r in batch if r is not None]
            try:
                if rows:
                    with self.db.write() as conn:
                        conn.execute(insert(audit_log), rows)
            except Exception:
                log.exception("could not write %d audit entries", len(rows))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if None in batch:
                return

    def purge(self) -> int:
        """Delete entries older than the retention period; returns how many (housekeeping calls it)."""
        cutoff = self.clock.now() - self.retention
        with self.db.write() as conn:
            return conn.execute(delete(audit_log).where(audit_log.c.at < cutoff)).rowcount or 0

    # -- reading ---------------------------------------------------------------------------------
    def for_subject(self, subject: str, limit: int = 200) -> list[AuditEntry]:
        """Entries about one subject (order number), oldest first."""
        query = (
            select(audit_log)
            .where(audit_log.c.subject == subject)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_entry(r) for r in reversed(conn.execute(query).all())]

    def recent(self, category: str, limit: int = 50) -> list[AuditEntry]:
        """The latest entries of a category, newest first."""
        query = (
            select(audit_log)
            .where(audit_log.c.category == category)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_entry(r) for r in conn.execute(query).all()]

    def inbound_counts(self, since: datetime) -> list[InboundCount]:
        """Inbound SOAP calls since a time, by operation and outcome."""
        c = audit_log.c
        query = (
            select(c.action, c.outcome, func.count(), func.max(c.at))
            .where(c.category == ERP_IN, c.at >= since)
            .group_by(c.action, c.outcome)
            .order_by(c.action, c.outcome)
        )
        with self.db.read() as conn:
            return [
                InboundCount(
                    operation=a,
                    outcome=o or "",
                    count=n,
                    last_at=as_utc(last),  # type: ignore[arg-type]
                )
                for a, o, n, last in conn.execute(query).all()
            ]

    def get(self, entry_id: int) -> AuditEntry | None:
        """One entry by id."""
        with self.db.read() as conn:
            row = conn.execute(select(audit_log).where(audit_log.c.id == entry_id)).first()
        return _entry(row) if row else None

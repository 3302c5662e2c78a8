"""ERP call minute rows of every node (ports.erp_calls.ErpCallLog)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from ..ports.erp_calls import MinuteStats
from .db import Database
from .erp_call_tables import erp_call_minutes as table


def _row(r: Any) -> MinuteStats:
    buckets = tuple(json.loads(r.buckets))
    return MinuteStats(r.minute, r.node, r.operation, r.calls, r.errors, r.rejected, r.total_ms, buckets,
                       r.last_success_at, r.last_failure_at, r.last_failure or "")


class SqlErpCallLog:
    """Each node adds to its own rows only, so concurrent nodes never write the same row."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, rows: list[MinuteStats]) -> None:
        """Add counts to the stored rows or insert them."""
        with self.db.write() as conn:
            for row in rows:
                key = and_(table.c.minute == row.minute, table.c.node == row.node,
                           table.c.operation == row.operation)
                old = conn.execute(select(table).where(key)).first()
                if old is None:
                    conn.execute(insert(table).values(**self._values(row)))
                    continue
                merged = _row(old).plus(row)
                conn.execute(update(table).where(key).values(**self._values(merged)))

    @staticmethod
    def _values(row: MinuteStats) -> dict[str, Any]:
        return {"minute": row.minute, "node": row.node, "operation": row.operation, "calls": row.calls,
                "errors": row.errors, "rejected": row.rejected, "total_ms": row.total_ms,
                "buckets": json.dumps(list(row.buckets)), "last_success_at": row.last_success_at,
                "last_failure_at": row.last_failure_at, "last_failure": row.last_failure[:500]}

    def since(self, start: datetime) -> list[MinuteStats]:
        """Every row from `start` on."""
        with self.db.read() as conn:
            return [_row(r) for r in conn.execute(select(table).where(table.c.minute >= start)).all()]

    def purge(self, before: datetime) -> int:
        """Drop old rows."""
        with self.db.write() as conn:
            return int(conn.execute(delete(table).where(table.c.minute < before)).rowcount or 0)

"""ERP call outcomes per minute, node and operation, stored where every node of a cluster reads them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

# Upper bounds (ms) of the latency histogram kept per minute; the last bucket is open-ended.
LATENCY_BOUNDS_MS: tuple[float, ...] = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)


@dataclass(frozen=True, slots=True)
class MinuteStats:
    """One node's calls of one operation in one minute."""

    minute: datetime
    node: str
    operation: str
    calls: int
    errors: int  # failed on the link (unavailable, timeout, error)
    rejected: int  # business faults: the link worked
    total_ms: float
    buckets: tuple[int, ...]  # len(LATENCY_BOUNDS_MS) + 1 counts
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_failure: str = ""

    def plus(self, other: MinuteStats) -> MinuteStats:
        """Both rows' counts together (keys from self), the later timestamps, the newer failure text."""
        return replace(
            self,
            calls=self.calls + other.calls,
            errors=self.errors + other.errors,
            rejected=self.rejected + other.rejected,
            total_ms=self.total_ms + other.total_ms,
            buckets=tuple(a + b for a, b in zip(self.buckets, other.buckets, strict=True)),
            last_success_at=_later(self.last_success_at, other.last_success_at),
            last_failure_at=_later(self.last_failure_at, other.last_failure_at),
            last_failure=other.last_failure or self.last_failure,
        )


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((x for x in (a, b) if x is not None), default=None)


class ErpCallLog(Protocol):
    """Minute rows of every node (store.erp_call_log implements it)."""

    def add(self, rows: list[MinuteStats]) -> None:
        """Add these counts to the stored rows (same minute, node and operation) or store them."""
        ...

    def since(self, start: datetime) -> list[MinuteStats]:
        """Every row from `start` on, all nodes."""
        ...

    def purge(self, before: datetime) -> int:
        """Drop rows older than `before`."""
        ...

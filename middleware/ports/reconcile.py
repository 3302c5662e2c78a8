"""Findings, job runs and our side of reconciliation as the core sees them; the store implements them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..domain.erp import ErpOrder
from ..domain.orders import OrderStatus
from ..domain.reconcile import Finding, LocalOrder


@dataclass(frozen=True, slots=True)
class JobRun:
    """One recorded run of a scheduled job; `outcome` is running, ok, failed or skipped."""

    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    counts: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding as stored: first and last seen, and when (and how) it was resolved."""

    id: int
    job: str
    kind: str
    severity: str
    subject: str
    message: str
    detail: Mapping[str, object]
    repair: str
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None


class RunLog(Protocol):
    """Records every run of every job."""

    def start_run(self, job: str, at: datetime) -> int:
        """Record a run as started; returns its id."""
        ...

    def finish_run(
        self, run_id: int, at: datetime, outcome: str, counts: Mapping[str, int], error: str | None = None
    ) -> None:
        """Record the end of a run."""
        ...

    def list_runs(self, job: str | None = None, limit: int = 50) -> list[JobRun]:
        """Most recent runs first."""
        ...


class FindingStore(Protocol):
    """Findings, kept once per (kind, subject) while open."""

    def record(self, job: str, run_id: int, findings: Sequence[Finding], at: datetime) -> tuple[int, int]:
        """Insert new findings, refresh open ones (last seen, message, detail); returns (new, updated)."""
        ...

    def resolve_absent(
        self, job: str, run_id: int, kinds: Iterable[str], at: datetime, *, checked_only: bool
    ) -> int:
        """Resolve open findings of these kinds the run did not report; with `checked_only`, only
        subjects the run checked (see LocalOrders.mark_checked). Returns how many."""
        ...

    def resolve_subjects(
        self, job: str, run_id: int, kind: str, subjects: Iterable[str], at: datetime
    ) -> int:
        """Resolve open findings of `kind` for these checked subjects that the run did not report."""
        ...

    def list_findings(
        self, *, kind: str | None = None, severity: str | None = None, open_only: bool = True,
        limit: int = 100, offset: int = 0,
    ) -> list[StoredFinding]:
        """Findings, most recently seen first."""
        ...

    def count_open(self, *, severity: str | None = None) -> int:
        """How many open findings (of a severity)."""
        ...

    def resolve(self, finding_id: int, at: datetime, resolution: str) -> StoredFinding | None:
        """Resolve one finding by hand; None when there is no such finding."""
        ...


class LocalOrders(Protocol):
    """Our orders as reconciliation reads them, plus the per-run scratch list of checked subjects."""

    def snapshots(self, order_numbers: Sequence[str]) -> dict[str, LocalOrder]:
        """Our orders with these numbers (unknown numbers are absent)."""
        ...

    def mark_checked(self, run_id: int, pairs: Iterable[tuple[str, str | None]]) -> None:
        """Remember (order_number, erp_order_number) pairs this run saw in the ERP."""
        ...

    def duplicates(self, run_id: int) -> Iterator[tuple[str, list[str]]]:
        """Order numbers the run saw under more than one ERP order number."""
        ...

    def unchecked_in_window(
        self, run_id: int, since: datetime, statuses: Sequence[OrderStatus], chunk: int
    ) -> Iterator[list[LocalOrder]]:
        """Chunks of our orders updated since `since`, in these statuses, the run did not see in the ERP."""
        ...

    def in_statuses(
        self, statuses: Sequence[OrderStatus], updated_before: datetime, chunk: int
    ) -> Iterator[list[LocalOrder]]:
        """Chunks of our orders in these statuses not updated since `updated_before`."""
        ...

    def clear_checked(self, run_id: int) -> None:
        """Forget the run's scratch list."""
        ...


class OrderRepairs(Protocol):
    """The repairs reconciliation may make; the orders side implements them."""

    def apply_erp_status(self, order_number: str, erp: ErpOrder) -> None:
        """Apply the status the ERP reports, as if it had sent UpdateOrderStatus."""
        ...


class RunLock(Protocol):
    """Keeps a job from running twice at once, across processes."""

    def held(self, name: str, now: datetime) -> AbstractContextManager[bool]:
        """A block holding the lock; yields False (and holds nothing) when someone else has it."""
        ...

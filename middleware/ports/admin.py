"""What the admin status page reads and does, as small ports; adapters and services implement them.

Every source is optional: the admin service shows a panel as "not available" when its port is None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

# ---- ERP call timing (observability.erp_recorder implements it) ---------------------------------


@dataclass(frozen=True, slots=True)
class OperationStats:
    """Calls of one ERP operation over a recent window; latencies in milliseconds."""

    operation: str
    calls: int
    errors: int
    rejected: int
    p50_ms: float | None
    p95_ms: float | None

    @property
    def error_rate(self) -> float:
        """Share of calls that failed on the link (not business rejections)."""
        return self.errors / self.calls if self.calls else 0.0


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """The last time the link answered (or failed), and how."""

    at: datetime
    operation: str
    detail: str = ""


class ErpCallWindow(Protocol):
    """Recent ERP calls as recorded around the ERP port."""

    def operation_stats(self, window_seconds: float) -> list[OperationStats]:
        """Per-operation counts and latency percentiles of the last `window_seconds`."""
        ...

    def last_success(self) -> LinkEvent | None:
        """The latest call the ERP answered (an answer or a business fault)."""
        ...

    def last_failure(self) -> LinkEvent | None:
        """The latest call that failed on the link (refused, timeout, server error)."""
        ...


# ---- Audit of admin actions and ERP messages (store.audit_repo implements it) -------------------

ADMIN = "admin"  # an admin's action
ERP_OUT = "erp_out"  # a message we sent to the ERP, or its answer
ERP_IN = "erp_in"  # a SOAP call the ERP made to us


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited admin action or ERP message; `body` is the masked SOAP envelope, if any."""

    category: str
    action: str
    at: datetime
    kind: str = ""
    actor: str | None = None
    subject: str | None = None
    outcome: str | None = None
    request_id: str | None = None
    duration_ms: float | None = None
    body: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class InboundCount:
    """How many inbound SOAP calls of one operation ended with one outcome."""

    operation: str
    outcome: str
    count: int
    last_at: datetime


class AuditLog(Protocol):
    """Durable audit trail; ERP messages may be written asynchronously, admin actions never are."""

    def record(self, entry: AuditEntry) -> None:
        """Store one entry (admin actions synchronously)."""
        ...

    def for_subject(self, subject: str, limit: int = 200) -> list[AuditEntry]:
        """Entries about an order number (or other subject), oldest first."""
        ...

    def recent(self, category: str, limit: int = 50) -> list[AuditEntry]:
        """The latest entries of a category, newest first."""
        ...

    def inbound_counts(self, since: datetime) -> list[InboundCount]:
        """Inbound SOAP calls since a time, by operation and outcome."""
        ...

    def get(self, entry_id: int) -> AuditEntry | None:
        """One entry by id."""
        ...


# ---- Sources built by other parts of the system (adapted in services.admin) ---------------------


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """An order as the admin lists it."""

    order_number: str
    customer_id: str
    status: str
    updated_at: datetime | None = None
    erp_order_number: str | None = None
    attempts: int = 0
    last_error: str | None = None
    gross: str | None = None
    currency: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One entry of an order's history."""

    at: datetime
    kind: str
    status: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Order counts per status over a window, and the delivery queue."""

    counts: Mapping[str, int]
    queue_depth: int
    oldest_undelivered_at: datetime | None


class OrderAdmin(Protocol):
    """Order facts and actions the admin page needs."""

    def queue_stats(self, since: datetime) -> QueueStats:
        """Counts per status of orders received since a time, and the undelivered queue."""
        ...

    def needing_attention(self, limit: int = 50) -> list[OrderSummary]:
        """Orders an admin must look at (failed, unknown outcome, rejected)."""
        ...

    def price_deviations(self, limit: int = 50) -> list[OrderSummary]:
        """Orders whose ERP price differed from the quoted one."""
        ...

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Orders whose number or customer matches."""
        ...

    def get(self, order_number: str) -> tuple[OrderSummary, Sequence[TimelineEvent]] | None:
        """The order and its timeline, or None."""
        ...

    def retry(self, order_number: str, actor: str) -> str:
        """Queue the order for delivery again; returns a short result text."""
        ...

    def retry_all_failed(self, actor: str) -> int:
        """Queue every failed order again; returns how many."""
        ...

    def mark_resolved(self, order_number: str, actor: str, note: str) -> str:
        """Take the order off the attention list; returns a short result text."""
        ...


class OrderQueries(Protocol):
    """Read-only order facts for the admin page (store.admin_queries implements it with SQL)."""

    def queue_stats(self, since: datetime) -> QueueStats:
        """Counts per status of orders received since a time, and the undelivered queue."""
        ...

    def needing_attention(self, limit: int = 50) -> list[OrderSummary]:
        """Failed, unknown-outcome, rejected or repeatedly failing orders not marked resolved since."""
        ...

    def price_deviations(self, limit: int = 50) -> list[OrderSummary]:
        """Orders with unexplained differences between quoted and ERP prices."""
        ...

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Orders whose number or customer contains the text."""
        ...

    def summary(self, order_number: str) -> OrderSummary | None:
        """One order's summary, or None."""
        ...


@dataclass(frozen=True, slots=True)
class ReconRun:
    """One reconciliation run."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    findings: int = 0


@dataclass(frozen=True, slots=True)
class OpenFinding:
    """An open reconciliation finding."""

    finding_id: str
    kind: str
    severity: str
    subject: str
    detail: str
    found_at: datetime | None = None


class ReconciliationAdmin(Protocol):
    """Reconciliation facts and actions."""

    def recent_runs(self, limit: int = 10) -> list[ReconRun]:
        """The latest runs, newest first."""
        ...

    def open_findings(self, limit: int = 200) -> list[OpenFinding]:
        """Findings not yet resolved."""
        ...

    def resolve(self, finding_id: str, actor: str, note: str) -> None:
        """Mark a finding resolved."""
        ...

    def run_now(self) -> str:
        """Run a reconciliation now; returns a short result text."""
        ...


@dataclass(frozen=True, slots=True)
class JobInfo:
    """A scheduled job."""

    job_id: str
    name: str
    next_run: datetime | None
    last_run: datetime | None = None
    last_outcome: str | None = None


class SchedulerAdmin(Protocol):
    """The scheduler's jobs."""

    def jobs(self) -> list[JobInfo]:
        """Every job with its next and last run."""
        ...

    def run_now(self, job_id: str) -> str:
        """Run a job now; returns a short result text."""
        ...


@dataclass(frozen=True, slots=True)
class PriceCacheStats:
    """The price path's counters."""

    entries: int | None
    hits: int
    misses: int
    stale_served: int
    erp_calls: int | None = None
    breaker_state: str | None = None
    last_success: datetime | None = None
    last_failure: datetime | None = None

    @property
    def hit_ratio(self) -> float | None:
        """Hits / (hits + misses), None before the first lookup."""
        total = self.hits + self.misses
        return self.hits / total if total else None


class PriceStatsSource(Protocol):
    """The price service's counters."""

    def price_stats(self) -> PriceCacheStats:
        """Current counters."""
        ...

"""What the admin page's panels hold: plain frozen values built by services.admin.AdminService."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ..domain.pricing import ErpPriceAnswer
from ..ports.admin import (
    AuditEntry,
    LinkEvent,
    OpenFinding,
    OperationStats,
    OrderSummary,
    QueueStats,
    ReconRun,
    TimelineEvent,
)

T = TypeVar("T")
OK, UNAVAILABLE, ERROR = "ok", "unavailable", "error"


@dataclass(frozen=True)
class Panel(Generic[T]):
    """A panel's content; `state` unavailable means its source is not part of this build yet."""

    state: str
    data: T | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether data is present."""
        return self.state == OK


@dataclass(frozen=True)
class ErpLink:
    """The ERP link at a glance."""

    up: bool | None
    breaker_state: str | None
    last_success: LinkEvent | None
    last_failure: LinkEvent | None
    operations: list[OperationStats]
    window_minutes: int


@dataclass(frozen=True)
class OrdersOverview:
    """Order counts, queue and the lists that need an admin."""

    stats: QueueStats
    oldest_age_seconds: float | None
    attention: list[OrderSummary]
    deviations: list[OrderSummary]


@dataclass(frozen=True)
class ReconOverview:
    """Recent runs and open findings grouped by (kind, severity)."""

    runs: list[ReconRun]
    findings: list[OpenFinding]
    by_kind: dict[tuple[str, str], int]


@dataclass(frozen=True)
class OrderDetail:
    """An order's page: summary, timeline and the audited ERP messages."""

    order: OrderSummary
    timeline: list[TimelineEvent]
    messages: list[AuditEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Exploration:
    """The ERP's full price breakdown for one line."""

    customer_id: str
    erp_customer_no: str
    currency: str
    answer: ErpPriceAnswer

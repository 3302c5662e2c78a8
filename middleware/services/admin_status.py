"""The status page's panels and the numbers /metrics exports, each read from an optional source."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from ..ports.admin import (
    AuditLog,
    ErpCallWindow,
    InboundCount,
    JobInfo,
    OrderAdmin,
    PriceCacheStats,
    PriceStatsSource,
    ReconciliationAdmin,
    SchedulerAdmin,
)
from ..ports.clock import Clock
from ..ports.webhooks import WebhookDeliveries
from .admin_panels import ERROR, OK, UNAVAILABLE, ErpLink, OrdersOverview, Panel, ReconOverview

log = logging.getLogger(__name__)
T = TypeVar("T")


def read_panel(source: object | None, read: Callable[[], T]) -> Panel[T]:
    """A panel from its source: unavailable without one, an error (not an exception) when it fails."""
    if source is None:
        return Panel(UNAVAILABLE, reason="not available in this build yet")
    try:
        return Panel(OK, read())
    except Exception as exc:  # one broken source must not take the page down
        log.exception("admin panel failed")
        return Panel(ERROR, reason=f"{type(exc).__name__}: {str(exc)[:200]}")


class StatusBoard:
    """Reads every dashboard panel; the same numbers feed the scrape-time gauges."""

    def __init__(
        self,
        clock: Clock,
        *,
        audit: AuditLog | None = None,
        erp_window: ErpCallWindow | None = None,
        prices: PriceStatsSource | None = None,
        orders: OrderAdmin | None = None,
        reconciliation: ReconciliationAdmin | None = None,
        scheduler: SchedulerAdmin | None = None,
        breaker_state: Callable[[], str | None] | None = None,
        webhooks: WebhookDeliveries | None = None,
        finding_counts: Callable[[], dict[tuple[str, str], int]] | None = None,
        window_seconds: int = 300,
    ) -> None:
        self.clock = clock
        self.audit = audit
        self.erp_window = erp_window
        self.prices_source = prices
        self.orders_source = orders
        self.recon_source = reconciliation
        self.scheduler_source = scheduler
        self.breaker_state = breaker_state
        self.webhooks = webhooks
        self.finding_counts = finding_counts
        self.window_seconds = window_seconds

    def erp_link(self) -> Panel[ErpLink]:
        """Up/down, breaker, last success/failure, per-operation latency and errors."""
        return read_panel(self.erp_window, self._read_erp_link)

    def _read_erp_link(self) -> ErpLink:
        assert self.erp_window is not None
        success, failure = self.erp_window.last_success(), self.erp_window.last_failure()
        breaker = self.breaker_state() if self.breaker_state else None
        if breaker == "open":
            up: bool | None = False
        elif success is None and failure is None:
            up = None  # no call yet: unknown
        else:
            up = failure is None or (success is not None and success.at >= failure.at)
        operations = self.erp_window.operation_stats(self.window_seconds)
        return ErpLink(up, breaker, success, failure, operations, self.window_seconds // 60)

    def prices(self) -> Panel[PriceCacheStats]:
        """Cache entries, hit ratio, stale answers served."""
        return read_panel(self.prices_source, lambda: self.prices_source.price_stats())  # type: ignore[union-attr]

    def orders(self) -> Panel[OrdersOverview]:
        """Counts per status (24 h), queue, attention list, price deviations."""
        return read_panel(self.orders_source, self._read_orders)

    def _read_orders(self) -> OrdersOverview:
        assert self.orders_source is not None
        now = self.clock.now()
        since = now - timedelta(hours=24)
        stats = self.orders_source.queue_stats(since)
        oldest = stats.oldest_undelivered_at
        age = (now - oldest).total_seconds() if oldest else None
        return OrdersOverview(
            stats, age, self.orders_source.needing_attention(), self.orders_source.price_deviations(), since
        )

    def reconciliation(self) -> Panel[ReconOverview]:
        """Recent runs and open findings by kind and severity."""
        return read_panel(self.recon_source, self._read_recon)

    def _read_recon(self) -> ReconOverview:
        assert self.recon_source is not None
        findings = self.recon_source.open_findings(limit=20)
        return ReconOverview(self.recon_source.recent_runs(), findings, self._finding_counts())

    def _finding_counts(self) -> dict[tuple[str, str], int]:
        if self.finding_counts is not None:  # true counts, not those of a capped list
            return self.finding_counts()
        by_kind: dict[tuple[str, str], int] = {}
        for f in self.recon_source.open_findings() if self.recon_source else []:
            by_kind[(f.kind, f.severity)] = by_kind.get((f.kind, f.severity), 0) + 1
        return by_kind

    def jobs(self) -> Panel[list[JobInfo]]:
        """Scheduled jobs with next and last runs."""
        return read_panel(self.scheduler_source, lambda: self.scheduler_source.jobs())  # type: ignore[union-attr]

    def inbound(self) -> Panel[list[InboundCount]]:
        """SOAP calls from the ERP in the last 24 h by operation and outcome."""
        since = self.clock.now() - timedelta(hours=24)
        return read_panel(self.audit, lambda: self.audit.inbound_counts(since))  # type: ignore[union-attr]

    # -- numbers for /metrics ------------------------------------------------------------------------
    def price_numbers(self) -> PriceCacheStats | None:
        """Cache counters, or None when there is no price service."""
        return self.prices_source.price_stats() if self.prices_source else None

    def queue_numbers(self) -> tuple[int, float | None] | None:
        """(outbox depth, oldest undelivered age in seconds), or None."""
        if self.orders_source is None:
            return None
        now = self.clock.now()
        stats = self.orders_source.queue_stats(now - timedelta(hours=24))
        oldest = stats.oldest_undelivered_at
        return stats.queue_depth, (now - oldest).total_seconds() if oldest else None

    def breaker_open(self) -> bool | None:
        """Whether the ERP circuit breaker is open in this process, or None without one."""
        return None if self.breaker_state is None else self.breaker_state() == "open"

    def webhook_numbers(self) -> tuple[int, dict[str, int]] | None:
        """(events and deliveries queued, given-up deliveries per endpoint), or None."""
        if self.webhooks is None:
            return None
        return self.webhooks.pending_count(), {h.endpoint_id: h.failed for h in self.webhooks.health()}

    def finding_numbers(self) -> dict[tuple[str, str], int] | None:
        """Open findings by (kind, severity), or None."""
        return self._finding_counts() if self.recon_source else None

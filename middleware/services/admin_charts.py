"""The charts page: the last 24 hours of orders, ERP calls, queue depth and findings, hour by hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..domain.latency import percentile_ms
from ..ports.charts import Chart, ChartQueries, Series
from ..ports.clock import Clock
from ..ports.erp_calls import LATENCY_BOUNDS_MS, MinuteStats
from .admin_orders import need

HOURS = 24


class ChartDesk:
    """Builds the charts from the database (all nodes) and the cluster's ERP call log."""

    def __init__(
        self, clock: Clock, queries: ChartQueries | None = None,
        erp_rows: Callable[[float], list[MinuteStats]] | None = None,
    ) -> None:
        self.clock = clock
        self.queries = queries
        self.erp_rows = erp_rows

    def hours(self) -> tuple[datetime, ...]:
        """The starts of the last 24 hours, the current one last."""
        now = self.clock.now().replace(minute=0, second=0, microsecond=0)
        return tuple(now - timedelta(hours=HOURS - 1 - i) for i in range(HOURS))

    def charts(self) -> list[Chart]:
        """Every chart of the page."""
        queries = need(self.queries, "charts")
        hours = self.hours()
        flow = queries.order_flow(hours)
        lines = tuple(Series(name, tuple(flow[name])) for name in ("received", "accepted", "failed"))
        charts = [Chart("Orders per hour", "orders", hours, lines)]
        charts += self._erp_charts(hours)
        charts.append(Chart("Orders waiting for the ERP", "orders", hours,
                            (Series("queue depth", tuple(queries.queue_depth(hours))),)))
        charts.append(Chart("Open reconciliation findings", "findings", hours,
                            (Series("open", tuple(queries.open_findings(hours))),)))
        return charts

    def _erp_charts(self, hours: tuple[datetime, ...]) -> list[Chart]:
        if self.erp_rows is None:
            return []
        slots: list[MinuteStats | None] = [None] * len(hours)
        for row in self.erp_rows(HOURS * 3600):
            index = next((i for i, h in enumerate(hours) if h <= row.minute < h + timedelta(hours=1)), None)
            if index is not None:
                slots[index] = row if slots[index] is None else slots[index].plus(row)  # type: ignore[union-attr]
        calls = tuple(float(s.calls) / 60 if s else 0.0 for s in slots)
        errors = tuple((s.errors / s.calls * 100) if s and s.calls else None for s in slots)
        p95 = tuple(percentile_ms(LATENCY_BOUNDS_MS, s.buckets, 0.95) if s else None for s in slots)
        return [
            Chart("ERP calls per minute", "calls/min", hours, (Series("calls", calls),)),
            Chart("ERP error rate", "%", hours, (Series("link failures", errors),)),
            Chart("ERP call p95", "ms", hours, (Series("p95", p95),)),
        ]

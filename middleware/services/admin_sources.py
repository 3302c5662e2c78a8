"""Adapters from the other services' own APIs to the admin page's read ports (ports.admin)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..errors import Conflict, NotFound
from ..ports.admin import OrderQueries, OrderSummary, PriceCacheStats, QueueStats, TimelineEvent


def _int(values: Mapping[str, Any], *names: str) -> int:
    for name in names:
        if values.get(name) is not None:
            return int(values[name])
    return 0


class PriceStatsAdapter:
    """PriceService.stats() (a dict of counters) as a PriceStatsSource."""

    def __init__(self, stats: Callable[[], Mapping[str, Any]]) -> None:
        self._stats = stats

    def price_stats(self) -> PriceCacheStats:
        """Current counters of the price path."""
        v = self._stats()
        last_ok, last_fail = v.get("last_erp_success"), v.get("last_erp_failure")
        return PriceCacheStats(
            entries=v.get("cache_entries"),
            hits=_int(v, "hits", "cache_hits"),
            misses=_int(v, "misses", "cache_misses"),
            stale_served=_int(v, "stale", "stale_served"),
            erp_calls=_int(v, "erp_calls"),
            breaker_state=v.get("breaker_state"),
            last_success=last_ok if isinstance(last_ok, datetime) else None,
            last_failure=last_fail if isinstance(last_fail, datetime) else None,
        )


class OrderAdminAdapter:
    """OrderQueries (SQL read model) plus the OrderService's get/retry as the admin's OrderAdmin port."""

    def __init__(self, queries: OrderQueries, service: Any) -> None:
        self.queries = queries
        self.service = service  # services.orders.OrderService

    def queue_stats(self, since: datetime) -> QueueStats:
        """Counts per status and the queue."""
        return self.queries.queue_stats(since)

    def needing_attention(self, limit: int = 50) -> list[OrderSummary]:
        """Orders an admin must look at."""
        return self.queries.needing_attention(limit)

    def price_deviations(self, limit: int = 50) -> list[OrderSummary]:
        """Orders with price deviations."""
        return self.queries.price_deviations(limit)

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Orders by number or customer."""
        return self.queries.search(text, limit)

    def get(self, order_number: str) -> tuple[OrderSummary, list[TimelineEvent]] | None:
        """Summary and timeline."""
        summary = self.queries.summary(order_number)
        if summary is None:
            return None
        _, events = self.service.get(order_number)
        timeline = [
            TimelineEvent(e.at, e.kind, getattr(e.status, "value", e.status), dict(e.detail)) for e in events
        ]
        return summary, timeline

    def retry(self, order_number: str, actor: str) -> str:
        """Queue the order for delivery again."""
        status = self.service.retry(order_number, actor)
        return f"{order_number} queued for delivery ({getattr(status, 'value', status)})"

    def retry_all_failed(self, actor: str) -> int:
        """Queue every failed order again."""
        return len(self.service.retry_all_failed(actor))

    def mark_resolved(self, order_number: str, actor: str, note: str) -> str:
        """Acknowledge an order: an event in its history; the audited action clears the attention list."""
        summary = self.queries.summary(order_number)
        if summary is None:
            raise NotFound("order", order_number)
        if (
            summary.status in {"accepted", "released", "shipped", "invoiced", "cancelled"}
            and not summary.note
        ):
            raise Conflict(f"Order {order_number!r} is {summary.status}; nothing to resolve.")
        self.service.mark_resolved(order_number, actor, note)
        return f"{order_number} marked resolved"

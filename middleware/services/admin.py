"""The admin status page's use cases: read every panel, run admin actions, and audit who did what."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from ..domain.configuration import Configuration
from ..domain.pricing import PriceRequestLine
from ..errors import InputError, NotFound
from ..ports.admin import (
    ADMIN,
    ERP_IN,
    AuditEntry,
    AuditLog,
    ErpCallWindow,
    InboundCount,
    JobInfo,
    OrderAdmin,
    OrderSummary,
    PriceCacheStats,
    PriceStatsSource,
    ReconciliationAdmin,
    SchedulerAdmin,
)
from ..ports.clock import Clock
from ..ports.erp import Erp
from .admin_panels import (
    ERROR,
    OK,
    UNAVAILABLE,
    ErpLink,
    Exploration,
    OrderDetail,
    OrdersOverview,
    Panel,
    ReconOverview,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


CustomerLookup = Callable[[str], Any]  # customer_id -> domain Customer | None


class AdminService:
    """Reads panels from optional sources; each admin action is recorded with who and when."""

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
        erp: Erp | None = None,
        customers: CustomerLookup | None = None,
        breaker_state: Callable[[], str | None] | None = None,
        window_seconds: int = 300,
    ) -> None:
        self.clock = clock
        self.audit = audit
        self.erp_window = erp_window
        self.prices_source = prices
        self.orders_source = orders
        self.recon_source = reconciliation
        self.scheduler_source = scheduler
        self.erp = erp
        self.customers = customers
        self.breaker_state = breaker_state
        self.window_seconds = window_seconds

    # -- panels ------------------------------------------------------------------------------------
    @staticmethod
    def _panel(source: object | None, read: Callable[[], T]) -> Panel[T]:
        if source is None:
            return Panel(UNAVAILABLE, reason="not available in this build yet")
        try:
            return Panel(OK, read())
        except Exception as exc:  # one broken source must not take the page down
            log.exception("admin panel failed")
            return Panel(ERROR, reason=f"{type(exc).__name__}: {str(exc)[:200]}")

    def erp_link(self) -> Panel[ErpLink]:
        """Up/down, breaker, last success/failure, per-operation latency and errors."""
        return self._panel(self.erp_window, self._read_erp_link)

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
        return self._panel(self.prices_source, lambda: self.prices_source.price_stats())  # type: ignore[union-attr]

    def orders(self) -> Panel[OrdersOverview]:
        """Counts per status (24 h), queue, attention list, price deviations."""
        return self._panel(self.orders_source, self._read_orders)

    def _read_orders(self) -> OrdersOverview:
        assert self.orders_source is not None
        now = self.clock.now()
        stats = self.orders_source.queue_stats(now - timedelta(hours=24))
        oldest = stats.oldest_undelivered_at
        age = (now - oldest).total_seconds() if oldest else None
        return OrdersOverview(
            stats, age, self.orders_source.needing_attention(), self.orders_source.price_deviations()
        )

    def reconciliation(self) -> Panel[ReconOverview]:
        """Recent runs and open findings by kind and severity."""
        return self._panel(self.recon_source, self._read_recon)

    def _read_recon(self) -> ReconOverview:
        assert self.recon_source is not None
        findings = self.recon_source.open_findings()
        by_kind: dict[tuple[str, str], int] = {}
        for f in findings:
            by_kind[(f.kind, f.severity)] = by_kind.get((f.kind, f.severity), 0) + 1
        return ReconOverview(self.recon_source.recent_runs(), findings, by_kind)

    def jobs(self) -> Panel[list[JobInfo]]:
        """Scheduled jobs with next and last runs."""
        return self._panel(self.scheduler_source, lambda: self.scheduler_source.jobs())  # type: ignore[union-attr]

    def inbound(self) -> Panel[list[InboundCount]]:
        """SOAP calls from the ERP in the last 24 h by operation and outcome."""
        since = self.clock.now() - timedelta(hours=24)
        return self._panel(self.audit, lambda: self.audit.inbound_counts(since))  # type: ignore[union-attr]

    def recent_inbound(self, limit: int = 20) -> list[AuditEntry]:
        """The latest inbound SOAP calls."""
        return self.audit.recent(ERP_IN, limit) if self.audit else []

    def recent_actions(self, limit: int = 50) -> list[AuditEntry]:
        """The latest admin actions."""
        return self.audit.recent(ADMIN, limit) if self.audit else []

    def audit_entry(self, entry_id: int) -> AuditEntry:
        """One audit entry (a full SOAP message); NotFound if absent."""
        entry = self.audit.get(entry_id) if self.audit else None
        if entry is None:
            raise NotFound("audit entry", str(entry_id))
        return entry

    def order_detail(self, order_number: str) -> OrderDetail:
        """An order's summary, timeline and ERP messages; NotFound if unknown."""
        found = self.orders_source.get(order_number) if self.orders_source else None
        messages = self.audit.for_subject(order_number) if self.audit else []
        if found is None:
            raise NotFound("order", order_number)
        summary, timeline = found
        return OrderDetail(summary, list(timeline), [m for m in messages if m.category != ADMIN])

    def order_actions(self, order_number: str) -> list[AuditEntry]:
        """Admin actions taken on one order."""
        return [
            m for m in (self.audit.for_subject(order_number) if self.audit else []) if m.category == ADMIN
        ]

    def search(self, text: str) -> list[OrderSummary]:
        """Orders by number or customer."""
        text = text.strip()
        if not text:
            return []
        if len(text) > 100:
            raise InputError("search text is longer than 100 characters", "q")
        return self.orders_source.search(text) if self.orders_source else []

    # -- actions -----------------------------------------------------------------------------------
    def _audit(self, actor: str, action: str, subject: str | None, outcome: str, **detail: Any) -> None:
        if self.audit is not None:
            self.audit.record(
                AuditEntry(
                    category=ADMIN,
                    action=action,
                    kind="action",
                    at=self.clock.now(),
                    actor=actor,
                    subject=subject,
                    outcome=outcome[:32],
                    detail=detail,
                )
            )

    def _act(
        self, actor: str, action: str, subject: str | None, run: Callable[[], str], **detail: Any
    ) -> str:
        try:
            result = run()
        except Exception as exc:
            self._audit(actor, action, subject, "failed", error=str(exc)[:300], **detail)
            raise
        self._audit(actor, action, subject, "done", result=result, **detail)
        return result

    @staticmethod
    def _need(source: T | None, what: str) -> T:
        if source is None:
            raise NotFound("admin action", what)
        return source

    def retry_order(self, order_number: str, actor: str) -> str:
        """Queue one order for delivery again."""
        orders = self._need(self.orders_source, "retry order")
        return self._act(actor, "retry_order", order_number, lambda: orders.retry(order_number, actor))

    def retry_all_failed(self, actor: str) -> str:
        """Queue every failed order again."""
        orders = self._need(self.orders_source, "retry all failed")
        return self._act(
            actor, "retry_all_failed", None, lambda: f"{orders.retry_all_failed(actor)} queued again"
        )

    def resolve_order(self, order_number: str, actor: str, note: str) -> str:
        """Take an order off the attention list."""
        orders = self._need(self.orders_source, "resolve order")
        run = lambda: orders.mark_resolved(order_number, actor, note)  # noqa: E731
        return self._act(actor, "resolve_order", order_number, run, note=note)

    def resolve_finding(self, finding_id: str, actor: str, note: str) -> str:
        """Mark a reconciliation finding resolved."""
        recon = self._need(self.recon_source, "resolve finding")

        def run() -> str:
            recon.resolve(finding_id, actor, note)
            return "resolved"

        return self._act(actor, "resolve_finding", f"finding:{finding_id}", run, note=note)

    def run_reconciliation(self, actor: str) -> str:
        """Run a reconciliation now."""
        recon = self._need(self.recon_source, "run reconciliation")
        return self._act(actor, "run_reconciliation", None, recon.run_now)

    def run_job(self, job_id: str, actor: str) -> str:
        """Run a scheduled job now."""
        scheduler = self._need(self.scheduler_source, "run job")

        def run() -> str:
            try:
                return scheduler.run_now(job_id)
            except KeyError:
                raise NotFound("job", job_id) from None

        return self._act(actor, "run_job", f"job:{job_id}", run)

    def record_sign_in(self, actor: str, success: bool, remote: str | None) -> None:
        """Audit a sign-in attempt (the name typed, never the password)."""
        self._audit(actor[:64], "sign_in", None, "ok" if success else "refused", remote=remote)

    def explore_price(
        self, customer_id: str, sku: str, quantity: int, options: Mapping[str, str], actor: str
    ) -> Exploration:
        """Ask the ERP directly (no cache) for the full breakdown of one line."""
        if self.erp is None or self.customers is None:
            raise NotFound("admin action", "price explorer")
        customer = self.customers(customer_id)
        if customer is None:
            raise NotFound("customer", customer_id)
        try:
            line = PriceRequestLine("1", sku, quantity, Configuration.of(options))
        except ValueError as exc:
            raise InputError(str(exc), "quantity") from None
        answer = self.erp.simulate_prices(customer.erp_customer_no, customer.currency, [line])
        self._audit(actor, "explore_price", customer_id, "done", sku=sku, quantity=quantity)
        return Exploration(customer_id, customer.erp_customer_no, customer.currency, answer)

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

    def finding_numbers(self) -> dict[tuple[str, str], int] | None:
        """Open findings by (kind, severity), or None."""
        return self._read_recon().by_kind if self.recon_source else None

"""The admin's order desk: an order's page, search, and the retry/resolve actions (audited)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ..errors import InputError, NotFound
from ..ports.admin import ADMIN, AuditEntry, OrderAdmin, OrderSummary
from ..ports.order_browse import OrderBrowser, OrderFilter, OrderPage
from .admin_audit import AdminAudit
from .admin_panels import OrderDetail
from .order_corrections import ConfigurationCorrection

MAX_SEARCH = 100
PAGE_SIZE = 50
T = TypeVar("T")


def need(source: T | None, what: str) -> T:
    """The source of an action, or NotFound when it is not part of this build."""
    if source is None:
        raise NotFound("admin action", what)
    return source


class OrderDesk:
    """Orders as the admin sees and acts on them."""

    def __init__(
        self, audit: AdminAudit, orders: OrderAdmin | None = None, browser: OrderBrowser | None = None,
        corrections: ConfigurationCorrection | None = None,
    ) -> None:
        self.audit = audit
        self.source = orders
        self.browser = browser
        self.corrections = corrections

    def correct(
        self, order_number: str, line_ref: str, options: Mapping[str, str], actor: str, note: str
    ) -> str:
        """Correct a rejected order's line configuration and send the order again (audited)."""
        corrections = need(self.corrections, "correct configuration")
        run = lambda: corrections.correct(order_number, line_ref, options, actor, note)  # noqa: E731
        return self.audit.act(actor, "correct_configuration", order_number, run, note=note, line_ref=line_ref,
                              options=dict(options))

    def page(self, query: OrderFilter, page_no: int = 1) -> OrderPage:
        """One page (PAGE_SIZE) of orders matching the filter."""
        return need(self.browser, "orders list").page(query, (max(page_no, 1) - 1) * PAGE_SIZE, PAGE_SIZE)

    def detail(self, order_number: str) -> OrderDetail:
        """An order's summary, timeline and ERP messages; NotFound if unknown."""
        found = self.source.get(order_number) if self.source else None
        if found is None:
            raise NotFound("order", order_number)
        summary, timeline = found
        messages = [m for m in self.audit.about(order_number) if m.category != ADMIN]
        content = self.browser.content(order_number) if self.browser else None
        return OrderDetail(summary, list(timeline), messages, content)

    def actions(self, order_number: str) -> list[AuditEntry]:
        """Admin actions taken on one order."""
        return [m for m in self.audit.about(order_number) if m.category == ADMIN]

    def search(self, text: str) -> list[OrderSummary]:
        """Orders by number, ERP number, customer, tracking number or SKU."""
        text = text.strip()
        if not text:
            return []
        if len(text) > MAX_SEARCH:
            raise InputError(f"search text is longer than {MAX_SEARCH} characters", "q")
        if self.browser is not None:
            return self.browser.search(text)
        return self.source.search(text) if self.source else []

    def retry(self, order_number: str, actor: str, note: str = "") -> str:
        """Queue one order for delivery again."""
        source = need(self.source, "retry order")
        return self.audit.act(actor, "retry_order", order_number, lambda: source.retry(order_number, actor),
                              **({"note": note} if note else {}))

    def retry_all_failed(self, actor: str) -> str:
        """Queue every failed order again."""
        source = need(self.source, "retry all failed")
        return self.audit.act(
            actor, "retry_all_failed", None, lambda: f"{source.retry_all_failed(actor)} queued again"
        )

    def resolve(self, order_number: str, actor: str, note: str) -> str:
        """Take an order off the attention list."""
        source = need(self.source, "resolve order")
        run = lambda: source.mark_resolved(order_number, actor, note)  # noqa: E731
        return self.audit.act(actor, "resolve_order", order_number, run, note=note)

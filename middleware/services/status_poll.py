"""Status polling for an ERP that pushes nothing (NAV, X3): read what changed, feed the same status updates.

Each run pages the ERP's orders of the last `window` (changed or, without a modified-since listing, dated in
it), then asks for each of our open orders the listing did not show (a fully invoiced NAV order has left the
open-orders page: the connector finds it among posted invoices). Updates go through the same path as the
SOAP service's UpdateOrderStatus, so history, webhooks and the no-going-back rules are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from ..domain.erp import ErpOrder
from ..domain.orders import OrderStatus, StatusUpdate, StatusUpdateResult, UpdateOutcome
from ..domain.reconcile import LocalOrder
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.reconcile import LocalOrders

JOB = "status_poll"
OPEN = (OrderStatus.ACCEPTED, OrderStatus.ON_HOLD, OrderStatus.SHIPPED)
MAX_PAGES = 1_000


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How far back a poll reads and how much at a time."""

    window: timedelta = timedelta(days=30)
    page_size: int = 200
    chunk: int = 200


def _update(order: ErpOrder, number: str) -> StatusUpdate:
    return StatusUpdate(number, order.status, erp_order_number=order.erp_order_number,
                        changed_at=order.last_modified, tracking_no=order.tracking_no,
                        invoice_no=order.invoice_no)


def _news(local: LocalOrder, erp: ErpOrder) -> bool:
    return local.status is not erp.status or local.erp_order_number != erp.erp_order_number


class StatusPoller:
    """One poll of the ERP's order statuses into our records."""

    def __init__(
        self,
        erp: Erp,
        local: LocalOrders,
        apply: Callable[[Sequence[StatusUpdate]], list[StatusUpdateResult]],
        clock: Clock,
        policy: PollPolicy = PollPolicy(),
    ) -> None:
        self.erp = erp
        self.local = local
        self.apply = apply
        self.clock = clock
        self.policy = policy

    def run(self, run_id: int = 0) -> dict[str, int]:
        """Poll once; counts of what was read and applied."""
        counts = {"listed": 0, "looked_up": 0, "applied": 0, "ignored": 0, "not_in_erp": 0}
        seen: set[str] = set()
        for page in self._pages():
            counts["listed"] += len(page)
            numbers = [o.order_number for o in page if o.order_number]
            seen.update(numbers)
            ours = self.local.snapshots(numbers)
            self._apply([_update(o, o.order_number) for o in page
                         if o.order_number in ours and _news(ours[o.order_number], o)], counts)
        every_open = self.clock.now() + timedelta(days=1)  # 'not updated since' a time ahead: all of them
        for chunk in self.local.in_statuses(OPEN, every_open, self.policy.chunk):
            self._apply(self._look_up([o for o in chunk if o.order_number not in seen], counts), counts)
        return counts

    def _pages(self) -> Iterable[tuple[ErpOrder, ...]]:
        since = self.clock.now() - self.policy.window
        bookmark: str | None = None
        for _ in range(MAX_PAGES):
            page = self.erp.list_sales_orders(since, self.policy.page_size, bookmark)
            yield page.items
            bookmark = page.bookmark
            if bookmark is None:
                return

    def _look_up(self, orders: list[LocalOrder], counts: dict[str, int]) -> list[StatusUpdate]:
        updates = []
        for local in orders:
            counts["looked_up"] += 1
            if local.erp_order_number:
                found = self.erp.get_sales_order(erp_order_number=local.erp_order_number)
            else:
                found = self.erp.get_sales_order(order_number=local.order_number)
            if found is None:
                counts["not_in_erp"] += 1  # reconciliation reports it; a poll never re-sends anything
            elif _news(local, found):
                updates.append(_update(found, local.order_number))
        return updates

    def _apply(self, updates: list[StatusUpdate], counts: dict[str, int]) -> None:
        if not updates:
            return
        for result in self.apply(updates):
            counts["applied" if result.outcome is UpdateOutcome.APPLIED else "ignored"] += 1

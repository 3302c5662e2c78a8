"""Status reports from the ERP: idempotent, never backwards."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.orders import (
    StatusUpdate,
    StatusUpdateResult,
    UpdateOutcome,
    is_awaiting_delivery,
    status_report_applies,
)
from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, Transaction, Transactions, as_detail
from .order_state import change_status


class OrderStatusService:
    """Applies the ERP's status reports to our orders."""

    def __init__(self, transactions: Transactions, clock: Clock, *, webhooks: bool = False) -> None:
        self.tx = transactions
        self.clock = clock
        self.webhooks = webhooks

    def apply_status_updates(self, updates: Sequence[StatusUpdate]) -> list[StatusUpdateResult]:
        """Apply each report in its own transaction; one bad report does not block the others."""
        results = []
        for update in updates:
            with self.tx.write() as t:
                results.append(self._apply(t, update))
        return results

    def _apply(self, t: Transaction, update: StatusUpdate) -> StatusUpdateResult:
        number = update.order_number or t.orders.number_for_erp_order(update.erp_order_number or "") or ""
        record = t.orders.get(number) if number else None
        if record is None:
            return StatusUpdateResult(update.order_number, UpdateOutcome.UNKNOWN_ORDER, None, "no such order")
        known = record.erp_order_number
        if update.erp_order_number and known and update.erp_order_number != known:
            reason = f"ERP order number {update.erp_order_number} does not match {known}"
            return StatusUpdateResult(number, UpdateOutcome.IGNORED, record.status, reason)
        applies, reason = status_report_applies(record.status, update.status)
        if not applies:
            return StatusUpdateResult(number, UpdateOutcome.IGNORED, record.status, reason)
        now = self.clock.now()
        erp_number = update.erp_order_number or known
        if is_awaiting_delivery(record.status):
            # the ERP has the order although our delivery did not hear so: stop sending it
            t.outbox.complete_subject(KIND_ERP_ORDER, number, now)
            if erp_number:
                t.orders.set_erp_result(number, erp_number, None, record.deviations, now)
        detail = as_detail(
            source="erp",
            changed_at=update.changed_at.isoformat() if update.changed_at else None,
            tracking_no=update.tracking_no,
            invoice_no=update.invoice_no,
            note=update.note,
        )
        change_status(
            t,
            number,
            record.status,
            update.status,
            now,
            webhooks=self.webhooks,
            erp_order_number=erp_number,
            detail=detail,
            force=True,
        )
        return StatusUpdateResult(number, UpdateOutcome.APPLIED, update.status)

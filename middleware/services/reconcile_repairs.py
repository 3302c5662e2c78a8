"""The repairs reconciliation makes, done through the orders side (outbox, history, status reports)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..domain.erp import ErpOrder
from ..domain.orders import OrderEvent, OrderStatus, StatusUpdate, StatusUpdateResult
from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, Transactions
from .order_state import change_status

ApplyStatusUpdates = Callable[[Sequence[StatusUpdate]], list[StatusUpdateResult]]


class OrderRepairService:
    """Re-queues lost orders; applies missed ERP statuses as if UpdateOrderStatus had arrived."""

    def __init__(
        self, transactions: Transactions, clock: Clock, apply_status_updates: ApplyStatusUpdates
    ) -> None:
        self.tx = transactions
        self.clock = clock
        self.apply_status_updates = apply_status_updates

    def requeue(self, order_number: str, reason: str) -> None:
        """Send the order to the ERP again (CreateSalesOrder is keyed by its number, so this is safe)."""
        now = self.clock.now()
        with self.tx.write() as t:
            record = t.orders.get(order_number)
            if record is None:
                return
            t.orders.add_event(order_number, OrderEvent(now, "reconcile_requeue", record.status,
                                                        {"reason": reason[:500]}))
            # the ERP lost an order we thought it had: the state machine has no edge back, so force it
            change_status(t, order_number, record.status, OrderStatus.RECEIVED, now, webhooks=False,
                          force=True, detail={"source": "reconciliation"})
            t.outbox.requeue(KIND_ERP_ORDER, order_number, now)

    def apply_erp_status(self, order_number: str, erp: ErpOrder) -> None:
        """Apply the ERP's status through the status-report use case (never moves an order backwards)."""
        self.apply_status_updates([StatusUpdate(
            order_number=order_number, status=erp.status, erp_order_number=erp.erp_order_number,
            changed_at=erp.last_modified, tracking_no=erp.tracking_no, invoice_no=erp.invoice_no,
            note="found by reconciliation",
        )])

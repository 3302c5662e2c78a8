"""The repairs reconciliation makes, done through the orders side (status reports only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..domain.erp import ErpOrder
from ..domain.orders import StatusUpdate, StatusUpdateResult
from ..ports.clock import Clock
from ..ports.orders import Transactions

ApplyStatusUpdates = Callable[[Sequence[StatusUpdate]], list[StatusUpdateResult]]


class OrderRepairService:
    """Applies missed ERP statuses as if UpdateOrderStatus had arrived (never re-sends an order)."""

    def __init__(
        self, transactions: Transactions, clock: Clock, apply_status_updates: ApplyStatusUpdates
    ) -> None:
        self.tx = transactions
        self.clock = clock
        self.apply_status_updates = apply_status_updates

    def apply_erp_status(self, order_number: str, erp: ErpOrder) -> None:
        """Apply the ERP's status through the status-report use case (never moves an order backwards)."""
        self.apply_status_updates([StatusUpdate(
            order_number=order_number, status=erp.status, erp_order_number=erp.erp_order_number,
            changed_at=erp.last_modified, tracking_no=erp.tracking_no, invoice_no=erp.invoice_no,
            note="found by reconciliation",
        )])

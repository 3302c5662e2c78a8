"""Pull mode: the ERP fetches undelivered orders under a lease and acknowledges them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from ..domain.orders import (
    OrderAck,
    OrderEvent,
    OrderRecord,
    OrderStatus,
    StatusUpdateResult,
    UpdateOutcome,
    is_awaiting_delivery,
)
from ..ports.clock import Clock
from ..ports.orders import KIND_ERP_ORDER, Transaction, Transactions, as_detail
from .delivery import DeliveryService
from .order_state import change_status

MAX_FETCH = 500


class PullDeliveryService:
    """FetchNewOrders / AcknowledgeOrders on top of the same outbox as push delivery."""

    def __init__(
        self,
        transactions: Transactions,
        delivery: DeliveryService,
        clock: Clock,
        *,
        webhooks: bool = False,
        lease_seconds: int = 300,
    ) -> None:
        self.tx = transactions
        self.lease_seconds = lease_seconds
        self.delivery = delivery
        self.clock = clock
        self.webhooks = webhooks

    def fetch_new_orders(self, max_count: int, lease_seconds: int | None = None) -> list[OrderRecord]:
        """Offer up to `max_count` undelivered orders; unacknowledged ones come again after the lease."""
        max_count = max(1, min(max_count, MAX_FETCH))
        lease_seconds = lease_seconds or self.lease_seconds
        owner = f"pull:{uuid.uuid4().hex[:12]}"
        entries = self.delivery.claim([KIND_ERP_ORDER], owner, max_count, lease_seconds=max(1, lease_seconds))
        offered = []
        with self.tx.read() as t:
            for entry in entries:
                record = t.orders.get(entry.subject)
                if record is not None and is_awaiting_delivery(record.status):
                    offered.append(record)
        return offered

    def count_pending(self) -> int:
        """Orders not yet delivered to (or acknowledged by) the ERP."""
        with self.tx.read() as t:
            return t.outbox.pending_count([KIND_ERP_ORDER])

    def acknowledge_orders(self, acks: Sequence[OrderAck]) -> list[StatusUpdateResult]:
        """Record the ERP's order numbers or rejections; repeating an acknowledgement is harmless."""
        results = []
        for ack in acks:
            with self.tx.write() as t:
                results.append(self._ack(t, ack))
        return results

    def _ack(self, t: Transaction, ack: OrderAck) -> StatusUpdateResult:
        record = t.orders.get(ack.order_number)
        if record is None:
            return StatusUpdateResult(ack.order_number, UpdateOutcome.UNKNOWN_ORDER, None, "no such order")
        if self.delivery.policy.push and is_awaiting_delivery(record.status):
            # in push mode the middleware sends the order itself: an ack here would accept an order the
            # ERP never received, on a number nobody can check
            reason = "orders are delivered by push (CreateSalesOrder); acknowledgements apply in pull mode"
            return StatusUpdateResult(ack.order_number, UpdateOutcome.IGNORED, record.status, reason)
        if not is_awaiting_delivery(record.status):
            same = ack.erp_order_number is not None and ack.erp_order_number == record.erp_order_number
            reason = "already acknowledged" if same else f"order is already {record.status.value}"
            return StatusUpdateResult(ack.order_number, UpdateOutcome.IGNORED, record.status, reason)
        now = self.clock.now()
        t.outbox.complete_subject(KIND_ERP_ORDER, ack.order_number, now)
        detail = as_detail(
            mode="pull",
            erp_order_number=ack.erp_order_number,
            code=ack.rejection_code,
            reason=ack.rejection_reason,
        )
        t.orders.add_event(ack.order_number, OrderEvent(now, "acknowledged", None, detail))
        if ack.erp_order_number:
            t.orders.set_erp_result(ack.order_number, ack.erp_order_number, None, (), now)
            new = OrderStatus.ACCEPTED
            error = None
        else:
            new = OrderStatus.REJECTED
            error = f"{ack.rejection_code or 'REJECTED'}: {ack.rejection_reason or 'rejected by the ERP'}"
        change_status(
            t,
            ack.order_number,
            record.status,
            new,
            now,
            webhooks=self.webhooks,
            erp_order_number=ack.erp_order_number,
            last_error=error,
        )
        return StatusUpdateResult(ack.order_number, UpdateOutcome.APPLIED, new)

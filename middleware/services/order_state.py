"""Status changes of an order: state machine check, history event and status webhook in one transaction."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from ..domain.orders import OrderEvent, OrderStatus, can_transition, is_awaiting_delivery
from ..ports.orders import KIND_WEBHOOK, Transaction


def change_status(
    t: Transaction,
    order_number: str,
    old: OrderStatus,
    new: OrderStatus,
    at: datetime,
    *,
    webhooks: bool,
    erp_order_number: str | None = None,
    last_error: str | None = None,
    detail: dict[str, Any] | None = None,
    force: bool = False,
) -> None:
    """Move the order to `new`, record the change and queue the status webhook (if configured)."""
    if old == new:
        return
    if not force and not can_transition(old, new):
        raise ValueError(f"order {order_number}: {old.value} cannot change to {new.value}")
    t.orders.set_status(order_number, new, at, last_error=last_error)
    t.orders.add_event(
        order_number, OrderEvent(at, "status_changed", new, {"from": old.value, **(detail or {})})
    )
    if webhooks and not (is_awaiting_delivery(new) and new is not OrderStatus.NEEDS_ATTENTION):
        event_id = uuid.uuid4().hex
        payload = {
            "id": event_id,
            "type": "order.status_changed",
            "occurred_at": at.isoformat().replace("+00:00", "Z"),
            "order_number": order_number,
            "status": new.value,
            "previous_status": old.value,
            "erp_order_number": erp_order_number,
        }
        t.outbox.enqueue(KIND_WEBHOOK, event_id, at, json.dumps(payload, separators=(",", ":")))

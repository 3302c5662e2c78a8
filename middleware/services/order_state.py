"""Status changes of an order: state machine check, history event and status webhook in one transaction."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from ..domain.orders import OrderEvent, OrderStatus, can_transition
from ..domain.webhooks import order_key, status_event
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
    """Move the order to `new`, record the change and queue the shop's event for it (if any)."""
    if old == new:
        return
    if not force and not can_transition(old, new):
        raise ValueError(f"order {order_number}: {old.value} cannot change to {new.value}")
    t.orders.set_status(order_number, new, at, last_error=last_error)
    t.orders.add_event(
        order_number, OrderEvent(at, "status_changed", new, {"from": old.value, **(detail or {})})
    )
    event = status_event(uuid.uuid4().hex, order_number, new, at, erp_order_number, detail or {})
    if not webhooks:
        event = None
    if event is not None:  # queued in the same transaction as the change: never lost, never without it
        subject = f"{order_key(order_number)}:{event['id']}"
        t.outbox.enqueue(KIND_WEBHOOK, subject, at, json.dumps(event, separators=(",", ":")))

"""Webhook events the shop can subscribe to, built from an order's status changes, and the endpoints."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .orders import OrderStatus

# Only the changes a shop acts on; internal states (submitting, submit_unknown, needs_attention) never leave.
EVENT_FOR_STATUS: Mapping[OrderStatus, str] = {
    OrderStatus.ACCEPTED: "order.accepted",
    OrderStatus.REJECTED: "order.rejected",
    OrderStatus.ON_HOLD: "order.on_hold",
    OrderStatus.SHIPPED: "order.shipped",
    OrderStatus.INVOICED: "order.invoiced",
    OrderStatus.CANCELLED: "order.cancelled",
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_FOR_STATUS.values())
TEST_EVENT = "webhook.test"
ENV_ENDPOINT_ID = "env"  # the endpoint configured by MIDDLEWARE_STATUS_WEBHOOK_URL / _SECRET


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """Where events go, which ones, and the secret their signatures use."""

    endpoint_id: str
    url: str
    event_types: tuple[str, ...]
    secret: str
    created_at: datetime | None = None
    description: str = ""

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint subscribed to the event type."""
        return event_type in self.event_types

    def __repr__(self) -> str:  # never print the secret
        return f"WebhookEndpoint({self.endpoint_id!r}, {self.url!r}, {self.event_types!r})"


def order_key(order_number: str) -> str:
    """A short fixed-alphabet key of an order number (outbox subjects keep events of one order together)."""
    return hashlib.sha256(order_number.encode()).hexdigest()[:16]


def _text(detail: Mapping[str, Any], name: str) -> str | None:
    value = detail.get(name)
    return str(value) if value not in (None, "") else None


def status_event(
    event_id: str,
    order_number: str,
    status: OrderStatus,
    at: datetime,
    erp_order_number: str | None,
    detail: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The event a shop receives for a status change, or None when the shop does not hear of it."""
    event_type = EVENT_FOR_STATUS.get(status)
    if event_type is None:
        return None
    data: dict[str, Any] = {"order_number": order_number, "status": status.value,
                            "erp_order_number": erp_order_number}
    if status is OrderStatus.REJECTED:
        data["reason"] = _text(detail, "reason") or "rejected by the ERP"
        data["code"] = _text(detail, "code")
    elif status is OrderStatus.SHIPPED:
        data["tracking_number"] = _text(detail, "tracking_no")
    elif status is OrderStatus.INVOICED:
        data["invoice_number"] = _text(detail, "invoice_no")
    elif status in (OrderStatus.ON_HOLD, OrderStatus.CANCELLED):
        data["reason"] = _text(detail, "note") or _text(detail, "reason")
    return {"id": event_id, "type": event_type, "created_at": at.isoformat().replace("+00:00", "Z"),
            "data": data}

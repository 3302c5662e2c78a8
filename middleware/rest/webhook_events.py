"""The events a shop receives at its webhook endpoints, documented in the OpenAPI `webhooks` section."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from ..domain.webhooks import EVENT_TYPES
from .openapi import documented_webhook


class WebhookEventData(BaseModel):
    """The order the event is about; the fields that matter for its type are filled."""

    order_number: str
    status: Literal["accepted", "rejected", "on_hold", "shipped", "invoiced", "cancelled"]
    erp_order_number: str | None = None
    reason: str | None = None
    code: str | None = None
    tracking_number: str | None = None
    invoice_number: str | None = None


class WebhookEvent(BaseModel):
    """One event; `id` is the same on every retry (de-duplicate on it)."""

    id: str
    type: Literal["order.accepted", "order.rejected", "order.on_hold", "order.shipped", "order.invoiced",
                  "order.cancelled"]
    created_at: datetime
    data: WebhookEventData


ERP_NO: dict[str, str | None] = {"erp_order_number": "SO-000123"}
DESCRIPTIONS: dict[str, tuple[str, dict[str, str | None]]] = {
    "order.accepted": ("The ERP accepted the order", ERP_NO),
    "order.rejected": ("The ERP rejected the order; `reason` says why, `code` is the ERP's",
                       {"reason": "engraving longer than 20 characters", "code": "INVALID_OPTION"}),
    "order.on_hold": ("The ERP put the order on hold", {**ERP_NO, "reason": "credit check"}),
    "order.shipped": ("The order shipped; `tracking_number` when the ERP gave one",
                      {**ERP_NO, "tracking_number": "1Z999AA10123456784"}),
    "order.invoiced": ("The order was invoiced", {**ERP_NO, "invoice_number": "INV-4711"}),
    "order.cancelled": ("The ERP cancelled the order", {**ERP_NO, "reason": None}),
}
assert set(DESCRIPTIONS) == set(EVENT_TYPES)

for event_type, (summary, fields) in DESCRIPTIONS.items():
    documented_webhook(event_type, summary, WebhookEvent, {
        "id": "0f8e1c2d3b4a59687766554433221100", "type": event_type, "created_at": "2026-11-23T10:05:00Z",
        "data": {"order_number": "WEB-100001", "status": event_type.removeprefix("order."), **fields},
    })

"""The Oscar order's status as the middleware reports it (webhooks) or the transfer decides."""

from __future__ import annotations

from typing import Any

from oscar.core.loading import get_model

OrderNote = get_model("order", "OrderNote")
OrderStatusChange = get_model("order", "OrderStatusChange")

# middleware status -> Oscar order status (the plugin's pipeline, see docs/shops/oscar.md)
STATUSES = {
    "received": "Sent to ERP",
    "accepted": "Accepted",
    "on_hold": "On hold",
    "shipped": "Shipped",
    "invoiced": "Complete",
    "cancelled": "Cancelled",
    "rejected": "Rejected",
    "awaiting": "Awaiting ERP",  # ours: queued in Oscar, the middleware was not reachable yet
}


def move_order(order: Any, status: str, *, reason: str = "", tracking_no: str = "", erp_no: str = "") -> bool:
    """Set the Oscar status for a middleware status, with a note; False when nothing changed."""
    new = STATUSES.get(status)
    if new is None or order.status == new:
        return False
    OrderStatusChange.objects.create(order=order, old_status=order.status, new_status=new)
    order.status = new
    order.save(update_fields=["status"])
    details = [
        f"ERP order {erp_no}" if erp_no else "",
        f"tracking {tracking_no}" if tracking_no else "",
        reason,
    ]
    note = "; ".join(d for d in details if d)
    OrderNote.objects.create(
        order=order, note_type="System", message=f"ERP: {status}" + (f" ({note})" if note else "")
    )
    return True

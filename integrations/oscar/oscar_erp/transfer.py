"""Placed Oscar orders to the middleware: queued in Oscar's database, sent (and resent) until acknowledged.

Why queue rather than refuse: when the customer confirms, Oscar has already created the order (and a
payment step may have run). Refusing then would mean undoing both; a queue row written in the same
transaction as the order cannot be lost, and resending is safe because the middleware is idempotent on the
order number and the `Idempotency-Key`, and the body is frozen at the first attempt that could quote it
(a resend is byte-identical).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

from .client import MiddlewareClient, MiddlewareRejected, MiddlewareUnavailable, shared_client
from .conf import erp_settings
from .models import ErpProduct, OrderTransfer
from .status import move_order
from .strategy import erp_options

log = logging.getLogger(__name__)

PREFIX = "OSC-"


def middleware_order_number(order: Any) -> str:
    """The shop's order number as the middleware and the ERP know it."""
    return f"{PREFIX}{order.number}"


def _lines(order: Any) -> list[dict[str, Any]]:
    metas = {
        e.product_id: e
        for e in ErpProduct.objects.filter(product__in=[ln.product_id for ln in order.lines.all()])
    }
    out = []
    for n, line in enumerate(order.lines.all(), start=1):
        erp = metas[line.product_id]
        out.append(
            {
                "line_ref": str(n),
                "sku": erp.sku,
                "quantity": line.quantity,
                "options": erp_options(erp.options, line.attributes.all()),
            }
        )
    return out


def _address(order: Any) -> dict[str, str]:
    a = order.shipping_address
    return {
        "name": (a.name or a.line1)[:100],
        "street": a.line1[:100],
        "street2": (a.line2 or "")[:100],
        "postal_code": a.postcode[:20],
        "city": (a.line4 or a.state or "-")[:100],
        "country": a.country.iso_3166_1_a2,
    }


def build_body(transfer: OrderTransfer, client: MiddlewareClient) -> dict[str, Any]:
    """The order body with a fresh quote (one call; the basket's prices are in the middleware's cache)."""
    order = transfer.order
    lines = _lines(order)
    quote = client.prices(transfer.customer_id, lines)
    bad = [ln for ln in quote["lines"] if ln["status"] != "ok"]
    if bad:
        raise MiddlewareRejected(422, {"detail": f"line {bad[0]['line_ref']}: {bad[0]['status']}"})
    for line, priced in zip(lines, quote["lines"], strict=True):
        line.update(unit_price=priced["net_unit_price"], quote_id=quote["quote_id"])
    return {
        "order_number": middleware_order_number(order),
        "customer_id": transfer.customer_id,
        "currency": quote["currency"],
        "placed_at": order.date_placed.isoformat(),
        "lines": lines,
        "shipping_address": _address(order),
        "totals": quote["totals"],
    }


def queue(order: Any, customer_id: str) -> OrderTransfer:
    """Record that this order must reach the middleware (call inside the order's transaction)."""
    return OrderTransfer.objects.create(
        order=order,
        customer_id=customer_id,
        next_attempt_at=timezone.now(),
        idempotency_key=middleware_order_number(order),
    )


def send(transfer: OrderTransfer, client: MiddlewareClient | None = None) -> str:
    """One attempt; returns the transfer's state afterwards."""
    client = client or shared_client()
    transfer.attempts += 1
    try:
        if transfer.body is None:
            transfer.body = build_body(transfer, client)
        answer = client.place_order(transfer.body, transfer.idempotency_key)
    except MiddlewareUnavailable as exc:
        transfer.last_error = str(exc)
        transfer.next_attempt_at = timezone.now() + timedelta(seconds=erp_settings().retry_seconds)
        transfer.save()
        move_order(transfer.order, "awaiting", reason=str(exc))
        log.warning("order %s queued for the middleware: %s", transfer.order.number, exc)
        return transfer.state
    except MiddlewareRejected as exc:
        transfer.state, transfer.last_error = OrderTransfer.REFUSED, str(exc.problem.get("detail", exc))
        transfer.save()
        move_order(transfer.order, "rejected", reason=transfer.last_error)
        return transfer.state
    transfer.state, transfer.last_error = OrderTransfer.SENT, ""
    transfer.middleware_status = answer.get("status", "")
    transfer.save()
    move_order(transfer.order, transfer.middleware_status)
    return transfer.state


def send_due(client: MiddlewareClient | None = None) -> dict[str, int]:
    """Attempt every pending transfer that is due (a cron job or the demo's loop runs this)."""
    counts: dict[str, int] = {}
    due = OrderTransfer.objects.filter(state=OrderTransfer.PENDING, next_attempt_at__lte=timezone.now())
    for transfer in due.select_related("order"):
        state = send(transfer, client)
        counts[state] = counts.get(state, 0) + 1
    return counts

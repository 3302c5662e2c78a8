"""Order posting through the control API: ship, invoice; a fully invoiced order becomes a posted invoice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from erpsim.admin_orders import set_status

if TYPE_CHECKING:
    from erpsim.nav.app import NavSimulator


def post_order(sim: NavSimulator, no: str, body: dict[str, Any]) -> dict[str, Any]:
    """{"ship": true, "invoice": true, "tracking_no": "..."}: ship posts Quantity_Shipped, invoice deletes
    the order from the SalesOrder page and shows it as a PostedSalesInvoice with Order_No."""
    ship, invoice = bool(body.get("ship", True)), bool(body.get("invoice", False))
    result: dict[str, Any] = {}
    if ship:
        result = set_status(sim.state, no, {"status": "SHIPPED", "tracking_no": body.get("tracking_no")})
    if invoice:
        result = set_status(sim.state, no, {"status": "INVOICED", "invoice_no": body.get("invoice_no")})
    return result


def post_route(sim: NavSimulator) -> tuple[str, re.Pattern[str], Callable[..., Any]]:
    """POST /_control/orders/<no>/post."""
    return ("POST", re.compile(r"^orders/(?P<no>[^/]+)/post/?$"), lambda b, no: post_order(sim, no, b))

"""Helpers for tests and benches against the reference ERP: control API calls and order bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests


def control(sim_url: str, method: str, path: str, body: Any = None) -> Any:
    """Call the simulator's JSON control API."""
    response = requests.request(method, f"{sim_url}/_control/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def erp_orders(sim_url: str) -> dict[str, list[dict[str, Any]]]:
    """The ERP's orders grouped by external document number (the shop's order number)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for order in control(sim_url, "GET", "orders?limit=1000000")["orders"]:
        grouped.setdefault(order["external_document_no"], []).append(order)
    return grouped


def tote_order(number: str, quantity: int = 2) -> dict[str, Any]:
    """An order of the demo catalog's tote bags for customer C10000."""
    return {
        "order_number": number,
        "customer_id": "C10000",
        "currency": "EUR",
        "placed_at": datetime.now(UTC).isoformat(),
        "lines": [
            {"line_ref": "1", "sku": "TOTE-01", "quantity": quantity, "unit_price": "6.50"},
            {
                "line_ref": "2",
                "sku": "MUG-01",
                "quantity": 1,
                "options": {"color": "gold"},
                "unit_price": "10.00",
            },
        ],
        "shipping_address": {
            "name": "Ada Coffee Roasters GmbH",
            "street": "Hauptstr. 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "totals": {"net": f"{6.5 * quantity + 10:.2f}", "tax": "0.00", "gross": f"{6.5 * quantity + 10:.2f}"},
    }

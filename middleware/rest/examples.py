"""Example bodies for the OpenAPI document: what a shop developer copies to make a first call work."""

from __future__ import annotations

from typing import Any

PRICE_REQUEST: dict[str, Any] = {
    "customer_id": "C10000",
    "currency": "EUR",
    "items": [
        {"line_ref": "1", "sku": "MUG-01", "quantity": 60,
         "options": {"color": "gold", "engraving": "Happy Birthday"}}
    ],
}

PRICE_QUOTE: dict[str, Any] = {
    "quote_id": "q_3c1f0e9a", "customer_id": "C10000", "currency": "EUR", "source": "erp",
    "prices_include_tax": False,
    "fetched_at": "2026-11-23T10:00:00Z", "valid_until": "2026-11-23T10:01:00Z",
    "lines": [{
        "line_ref": "1", "sku": "MUG-01", "quantity": 60, "options": PRICE_REQUEST["items"][0]["options"],
        "status": "ok", "source": "erp", "fetched_at": "2026-11-23T10:00:00Z",
        "list_unit_price": "12.00", "base_unit_price": "9.00", "price_origin": "customer_group",
        "surcharges": [{"code": "color", "basis": "percent", "rate": "10", "amount": "0.90"}],
        "discounts": [{"code": "line_discount", "basis": "percent", "rate": "5", "amount": "0.67"}],
        "net_unit_price": "12.73", "net_amount": "763.80", "tax_rate": "19", "tax_amount": "145.12",
        "gross_amount": "908.92", "next_break": {"min_quantity": 100, "base_unit_price": "8.50"},
    }],
    "totals": {"net": "763.80", "tax": "145.12", "gross": "908.92"},
}

ORDER: dict[str, Any] = {
    "order_number": "WEB-100001",
    "customer_id": "C10000",
    "currency": "EUR",
    "placed_at": "2026-11-23T10:02:00Z",
    "lines": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60,
               "options": {"color": "gold", "engraving": "Happy Birthday"},
               "unit_price": "12.73", "quote_id": "q_3c1f0e9a"}],
    "shipping_address": {"name": "Ada Shop GmbH", "street": "Hauptstr. 1", "postal_code": "10115",
                         "city": "Berlin", "country": "DE"},
    "totals": {"net": "763.80", "tax": "145.12", "gross": "908.92"},
}

ORDER_ACCEPTED: dict[str, Any] = {
    "order_number": "WEB-100001", "status": "received", "received_at": "2026-11-23T10:02:01Z",
    "url": "/api/v1/orders/WEB-100001",
}

ORDER_OUT: dict[str, Any] = {
    "order_number": "WEB-100001", "status": "accepted", "erp_order_number": "SO-000123",
    "customer_id": "C10000", "currency": "EUR", "received_at": "2026-11-23T10:02:01Z",
    "updated_at": "2026-11-23T10:02:02Z",
    "totals": {"net": "763.80", "tax": "145.12", "gross": "908.92", "invoice_discount": None},
    "erp_totals": {"net": "763.80", "tax": "145.12", "gross": "908.92", "invoice_discount": "0.00"},
    "deviations": [], "last_error": None,
    "history": [
        {"at": "2026-11-23T10:02:01Z", "kind": "received", "status": "received", "detail": {}},
        {"at": "2026-11-23T10:02:02Z", "kind": "status_changed", "status": "accepted",
         "detail": {"from": "submitting"}},
    ],
}

PRODUCT: dict[str, Any] = {
    "sku": "MUG-01", "name": "Ceramic mug", "unit": "PCS", "list_price": "12.00", "currency": "EUR",
    "tax_class": "standard", "blocked": False, "active": True,
    "options": [
        {"code": "color", "label": "Colour", "kind": "select", "required": True,
         "values": [{"code": "white", "label": "White", "sort_order": 0},
                    {"code": "gold", "label": "Gold", "sort_order": 1}],
         "max_length": None, "default": "white"},
        {"code": "engraving", "label": "Engraving", "kind": "text", "required": False, "values": [],
         "max_length": 20, "default": None},
    ],
}

PRODUCT_PAGE: dict[str, Any] = {"items": [PRODUCT], "offset": 0, "limit": 100, "total": 1}

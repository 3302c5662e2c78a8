"""Control API order operations: orphan, bulk, duplicate, altered and re-statused orders."""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from erpsim.errors import ErpError
from erpsim.model import ORDER_STATUSES, Customer, SalesOrder, ShipTo
from erpsim.orders import OrderLineRequest, build_order, price_order_lines, recalculate
from erpsim.pricing import LineRequest, price_line, vat_percent
from erpsim.store import ErpState, us_to_dt

Json = dict[str, Any]


def dec(value: Any) -> Decimal:
    """Decimal from a JSON number or string."""
    return Decimal(str(value))


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def order_json(o: SalesOrder) -> Json:
    """An order as JSON (decimals as strings)."""
    return {
        "no": o.no,
        "external_document_no": o.ext_no,
        "customer_no": o.customer_no,
        "currency": o.currency,
        "status": o.status,
        "order_date": o.order_date,
        "last_modified": us_to_dt(o.modified_us),
        "prices_including_vat": o.prices_incl_vat,
        "tracking_no": o.tracking_no,
        "invoice_no": o.invoice_no,
        "invoice_discount_amount": o.inv_disc,
        "amount": o.amount,
        "vat_amount": o.vat_amount,
        "amount_including_vat": o.amount_incl_vat,
        "ship_to": asdict(o.ship_to) if o.ship_to else None,
        "lines": [{**asdict(ln), "options": {c: v for c, v, _ in ln.options}} for ln in o.lines],
    }


def list_orders(state: ErpState, query: dict[str, str]) -> Json:
    """Orders filtered by external_document_no/status, newest first, at most `limit` (default 100)."""
    limit = int(query.get("limit", 100))
    with state.lock:
        rows = list(state.orders.values())
    if "external_document_no" in query:
        rows = [o for o in rows if o.ext_no == query["external_document_no"]]
    if "status" in query:
        rows = [o for o in rows if o.status == query["status"]]
    rows.sort(key=lambda o: o.seq, reverse=True)
    return {"count": len(rows), "orders": [order_json(o) for o in rows[:limit]]}


def _requests(body: Json) -> list[OrderLineRequest]:
    lines = body.get("lines") or [
        {
            "item_no": body.get("item_no", "MUG-01"),
            "quantity": body.get("quantity", 1),
            "options": body.get("options") or {},
        }
    ]
    return [
        OrderLineRequest(
            LineRequest(
                int(ln.get("line_no", (i + 1) * 10000)),
                ln["item_no"],
                dec(ln["quantity"]),
                tuple((k, str(v)) for k, v in (ln.get("options") or {}).items()),
            )
        )
        for i, ln in enumerate(lines)
    ]


def _template(state: ErpState, body: Json) -> tuple[Customer, str, date, list[Any]]:
    customer = state.catalog.customers.get(body.get("customer_no", "C10000"))
    if customer is None:
        raise ErpError("CUSTOMER_NOT_FOUND", "unknown customer_no", "customer_no")
    currency = body.get("currency") or customer.currency
    day = _day(body.get("order_date")) or datetime.now(UTC).date()
    unblocked = replace(customer, blocked=False)  # control API may create orders for blocked customers
    lines = [ln for ln, _ in price_order_lines(state.catalog, unblocked, _requests(body), currency, day)]
    return unblocked, currency, day, lines


def create_order(state: ErpState, body: Json) -> Json:
    """Create an order directly (e.g. an orphan with any external_document_no); duplicates allowed."""
    ext_no = body.get("external_document_no")
    if not ext_no:
        raise ValueError("external_document_no is required")
    status = body.get("status", "OPEN")
    if status not in ORDER_STATUSES:
        raise ValueError(f"status must be one of {ORDER_STATUSES}")
    with state.lock:
        if not body.get("allow_duplicate", True) and state.find_ext(ext_no):
            raise ErpError("DUPLICATE_EXTERNAL_DOCUMENT_NO", f"{ext_no} exists", "external_document_no")
        customer, currency, day, lines = _template(state, body)
        seq, no = state.new_no()
        order = build_order(
            seq,
            no,
            ext_no,
            customer,
            currency,
            day,
            lines,
            state.catalog,
            state.stamp(),
            ShipTo(**body["ship_to"]) if body.get("ship_to") else None,
            status,
        )
        return order_json(state.insert(order))


def bulk_create(state: ErpState, body: Json) -> Json:
    """Create `count` identical orders fast: external numbers prefix + zero-padded start+i."""
    count = int(body["count"])
    if not 1 <= count <= 1_000_000:
        raise ValueError("count must be 1..1000000")
    prefix, start, width = body.get("prefix", "BULK-"), int(body.get("start", 1)), int(body.get("width", 7))
    status = body.get("status", "OPEN")
    if status not in ORDER_STATUSES:
        raise ValueError(f"status must be one of {ORDER_STATUSES}")
    began = time.perf_counter()
    with state.lock:
        customer, currency, day, lines = _template(state, body)
        proto = build_order(0, "", "", customer, currency, day, lines, state.catalog, 0, None, status)
        attrs = {k: getattr(proto, k) for k in SalesOrder.__slots__}
        first = last = ""
        for i in range(count):
            seq, no = state.new_no()
            us = state.stamp()
            state.insert(
                SalesOrder(
                    **{
                        **attrs,
                        "seq": seq,
                        "no": no,
                        "ext_no": f"{prefix}{start + i:0{width}d}",
                        "modified_us": us,
                        "status_changed_us": us,
                    }
                )
            )
            first = first or no
            last = no
    return {
        "created": count,
        "first_no": first,
        "last_no": last,
        "seconds": round(time.perf_counter() - began, 3),
        "total_orders": len(state.orders),
    }


def duplicate_order(state: ErpState, no: str, body: Json) -> Json:
    """A second ERP order copying `no` (same external number unless given), status OPEN."""
    with state.lock:
        src = state.get(no)
        seq, new_no = state.new_no()
        us = state.stamp()
        dup = src.copy()
        dup.seq, dup.no, dup.modified_us, dup.status_changed_us = seq, new_no, us, us
        dup.ext_no = body.get("external_document_no", src.ext_no)
        dup.status, dup.tracking_no, dup.invoice_no = body.get("status", "OPEN"), None, None
        return order_json(state.insert(dup))


def alter_order(state: ErpState, no: str, body: Json) -> Json:
    """Change lines (quantity/unit_price/item_no/options), remove/add lines, header fields or totals."""
    with state.lock:
        order = state.get(no)
        lines = {ln.line_no: ln for ln in order.lines}
        for patch in body.get("lines", []):
            ln = lines[int(patch["line_no"])]
            changes: Json = {}
            for key in ("quantity", "unit_price", "line_fee"):
                if key in patch:
                    changes[key] = dec(patch[key])
            if "item_no" in patch:
                changes["item_no"] = patch["item_no"]
            if "options" in patch:
                changes["options"] = tuple((k, str(v), None) for k, v in patch["options"].items())
            lines[ln.line_no] = replace(ln, **changes)
        for line_no in body.get("remove_lines", []):
            del lines[int(line_no)]
        customer = state.catalog.customers.get(order.customer_no)
        for add in body.get("add_lines", []):
            line_no = int(add.get("line_no", max(lines, default=0) + 10000))
            lines[line_no] = _new_line(state, order, customer, line_no, add)
        fields: Json = {"lines": tuple(sorted(lines.values(), key=lambda ln: ln.line_no))}
        if body.get("recalculate", True):
            fields["lines"], totals = recalculate(
                state.catalog, customer, fields["lines"], order.prices_incl_vat
            )
            fields.update(totals)
        for key, attr in (
            ("amount", "amount"),
            ("vat_amount", "vat_amount"),
            ("amount_including_vat", "amount_incl_vat"),
            ("invoice_discount_amount", "inv_disc"),
        ):
            if key in body:
                fields[attr] = dec(body[key])
        for key, attr in (
            ("external_document_no", "ext_no"),
            ("customer_no", "customer_no"),
            ("currency", "currency"),
        ):
            if key in body:
                fields[attr] = body[key]
        return order_json(state.replace_order(order, touch=body.get("touch", True), **fields))


def _new_line(state: ErpState, order: SalesOrder, customer: Customer | None, line_no: int, add: Json) -> Any:
    from erpsim.model import OrderLine

    item = state.catalog.items.get(add["item_no"])
    qty = dec(add["quantity"])
    opts = tuple((k, str(v)) for k, v in (add.get("options") or {}).items())
    unit = dec(add["unit_price"]) if "unit_price" in add else None
    if unit is None and customer is not None:
        r = price_line(
            state.catalog,
            replace(customer, blocked=False),
            LineRequest(0, add["item_no"], qty, opts),
            order.currency,
            order.order_date,
        )
        unit = r.net_unit_price
    if unit is None:
        raise ValueError("unit_price is required for this line")
    vat = vat_percent(item.tax_class if item else "STANDARD", customer.vat_group if customer else "DOMESTIC")
    zero = Decimal("0.00")
    return OrderLine(
        line_no,
        add["item_no"],
        item.description if item else add["item_no"],
        qty,
        tuple((c, v, None) for c, v in opts),
        unit,
        dec(add.get("line_fee", 0)),
        zero,
        zero,
        vat,
        zero,
        zero,
    )


def set_status(state: ErpState, no: str, body: Json) -> Json:
    """Set status; SHIPPED/INVOICED get a generated TrackingNo/InvoiceNo unless given."""
    status = body.get("status")
    if status not in ORDER_STATUSES:
        raise ValueError(f"status must be one of {ORDER_STATUSES}")
    with state.lock:
        order = state.get(no)
        changes: Json = {"status": status}
        if status == "SHIPPED":
            changes["tracking_no"] = (
                body.get("tracking_no") or order.tracking_no or state.next_counter("tracking", "TRK")
            )
        if status == "INVOICED":
            changes["invoice_no"] = (
                body.get("invoice_no") or order.invoice_no or state.next_counter("invoice", "SI-")
            )
            changes["tracking_no"] = body.get("tracking_no", order.tracking_no)
        return order_json(state.replace_order(order, **changes))

"""The SOH object (sales orders): save, read, query, delete on erpsim's shared order store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from erpsim.errors import ErpError
from erpsim.model import SalesOrder, ShipTo
from erpsim.orders import OrderLineRequest, build_order, price_order_lines
from erpsim.pricing import LineRequest
from erpsim.store import ErpState, us_to_dt
from erpsim.x3 import dictionary as d
from erpsim.x3.codec import matches, parse_date, parse_decimal, x3_date
from erpsim.x3.errors import X3Error
from erpsim.x3.objxml import Fields, X3Object, result

MAX_LINES = 500
# our order store's statuses as X3 status fields: ORDSTA, DLVSTA, INVSTA, ALLSTA, APPFLG
STATUS_FIELDS = {
    "OPEN": (d.ORDER_OPEN, d.NOT_DELIVERED, d.NOT_INVOICED, d.NOT_ALLOCATED, d.APPROVAL_NOT_MANAGED),
    "RELEASED": (d.ORDER_OPEN, d.NOT_DELIVERED, d.NOT_INVOICED, d.ALLOCATED, d.APPROVAL_NOT_MANAGED),
    "ON_HOLD": (d.ORDER_OPEN, d.NOT_DELIVERED, d.NOT_INVOICED, d.NOT_ALLOCATED, d.NOT_APPROVED),
    "SHIPPED": (d.ORDER_OPEN, d.DELIVERED, d.NOT_INVOICED, d.ALLOCATED, d.APPROVAL_NOT_MANAGED),
    "INVOICED": (d.ORDER_CLOSED, d.DELIVERED, d.INVOICED, d.ALLOCATED, d.APPROVAL_NOT_MANAGED),
    "CANCELLED": (d.ORDER_CLOSED, d.NOT_DELIVERED, d.NOT_INVOICED, d.NOT_ALLOCATED, d.APPROVAL_NOT_MANAGED),
}
ERP_FIELDS = {"CUSTOMER_NOT_FOUND": "BPCORD", "CUSTOMER_BLOCKED": "BPCORD", "ITEM_NOT_FOUND": "ITMREF"}


def _stamp(us: int) -> str:
    return us_to_dt(us).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def header(o: SalesOrder) -> dict[str, Any]:
    """SOH0_1: identity, customer, dates and the status fields the connector polls."""
    ordsta, dlvsta, invsta, allsta, appflg = STATUS_FIELDS[o.status]
    return {
        "SALFCY": "FR011",
        "SOHTYP": "SOI",
        "SOHNUM": o.no,
        "BPCORD": o.customer_no,
        "CUSORDREF": o.ext_no,
        "ORDDAT": x3_date(o.order_date),
        "CUR": o.currency,
        "PRITYP": d.YES if o.prices_incl_vat else d.NO,
        "ORDSTA": ordsta,
        "DLVSTA": dlvsta,
        "INVSTA": invsta,
        "ALLSTA": allsta,
        "APPFLG": appflg,
        "LASTDLVNUM": o.tracking_no or "",
        "LASTINVNUM": o.invoice_no or "",
        "UPDDATTIM": _stamp(o.modified_us),
    }


def _line(ln: Any) -> dict[str, Any]:
    row = {"ITMREF": ln.item_no, "ITMDES": ln.description, "QTY": ln.quantity, "NETPRI": ln.unit_price}
    row.update({d.option_field(code): value for code, value, _ in ln.options})
    row.update(
        {
            "YLINFEE": ln.line_fee,
            "AMTNOTLIN": ln.line_amount,
            "VATRAT": ln.vat_percent,
            "AMTATILIN": ln.amount_incl_vat,
            "AMTVATLIN": ln.vat_amount,
        }
    )
    return row


def order_xml(o: SalesOrder) -> str:
    """The whole SOH object as resultXml."""
    ship = o.ship_to or ShipTo("")
    ship_fields = {
        "BPDNAM": ship.name,
        "BPDADDLIG1": ship.address or "",
        "BPDADDLIG2": ship.address2 or "",
        "BPDPOSCOD": ship.post_code or "",
        "BPDCTY": ship.city or "",
        "BPDCRY": ship.country_code or "",
    }
    totals = {
        "INVDTAAMT": o.inv_disc,
        "ORDINVNOT": o.amount,
        "ORDINVVAT": o.vat_amount,
        "ORDINVATI": o.amount_incl_vat,
    }
    return result(
        [(d.SOH_HEADER, header(o)), (d.SOH_SHIPTO, ship_fields), (d.SOH_TOTALS, totals)],
        [(d.SOH_LINES, [_line(ln) for ln in o.lines])],
    )


def _requests(state: ErpState, rows: list[Fields]) -> list[OrderLineRequest]:
    if not rows or len(rows) > MAX_LINES:
        raise X3Error(f"Between 1 and {MAX_LINES} lines are required", d.SOH_LINES)
    known = {d.option_field(o.code): o.code for i in state.catalog.items.values() for o in i.options}
    out = []
    for n, row in enumerate(rows, start=1):
        qty = parse_decimal(row.get("QTY"), "QTY")
        if qty is None or qty <= 0:
            raise X3Error(f"Line {n}: quantity must be positive", "QTY")
        opts = tuple((known[f], v) for f, v in row.items() if f in known and v.strip())
        out.append(OrderLineRequest(LineRequest(n, (row.get("ITMREF") or "").strip(), qty, opts)))
    return out


def _ship_to(obj: X3Object) -> ShipTo | None:
    g = d.SOH_SHIPTO
    if obj.value(g, "BPDNAM") is None:
        return None
    return ShipTo(
        obj.value(g, "BPDNAM") or "",
        obj.value(g, "BPDADDLIG1"),
        obj.value(g, "BPDADDLIG2"),
        obj.value(g, "BPDPOSCOD"),
        obj.value(g, "BPDCTY"),
        obj.value(g, "BPDCRY"),
    )


def _required(obj: X3Object, name: str, max_len: int) -> str:
    value = obj.value(d.SOH_HEADER, name)
    if value is None or len(value) > max_len:
        raise X3Error(f"Mandatory field (max. {max_len} characters)", name)
    return value


def save(state: ErpState, obj: X3Object) -> str:
    """Create a sales order; CUSORDREF must be unused (a specific control of this folder)."""
    for name, size in (("SALFCY", 5), ("SOHTYP", 5)):
        _required(obj, name, size)
    ref = _required(obj, "CUSORDREF", 30)
    requests = _requests(state, obj.tables.get(d.SOH_LINES, []))
    day = parse_date(obj.value(d.SOH_HEADER, "ORDDAT"), "ORDDAT") or datetime.now(UTC).date()
    with state.lock:
        existing = state.find_ext(ref)
        if existing is not None:
            raise X3Error(f"Customer order reference {ref} already used on order {existing.no}", "CUSORDREF")
        customer = state.catalog.customers.get(obj.value(d.SOH_HEADER, "BPCORD") or "")
        if customer is None:
            raise X3Error("Customer : record does not exist", "BPCORD")
        currency = obj.value(d.SOH_HEADER, "CUR") or customer.currency
        if currency != state.catalog.local_currency and currency not in state.catalog.exchange_rates:
            raise X3Error(f"Currency {currency} : record does not exist", "CUR")
        try:
            priced = price_order_lines(state.catalog, customer, requests, currency, day)
        except ErpError as exc:
            raise X3Error(exc.message, ERP_FIELDS.get(exc.code, "ITMREF")) from None
        seq, no = state.new_no()
        order = build_order(
            seq,
            no,
            ref,
            customer,
            currency,
            day,
            [ln for ln, _ in priced],
            state.catalog,
            state.stamp(),
            _ship_to(obj),
        )
        state.insert(order)
    return order_xml(order)


def _by_key(state: ErpState, keys: list[tuple[str, str]]) -> SalesOrder:
    no = dict(keys).get("SOHNUM", "")
    order = state.orders.get(no)
    if order is None:
        raise X3Error(f"Sales order {no} : record does not exist", "SOHNUM")
    return order


def read(state: ErpState, keys: list[tuple[str, str]]) -> str:
    """Read by SOHNUM."""
    with state.lock:
        return order_xml(_by_key(state, keys))


def delete(state: ErpState, keys: list[tuple[str, str]]) -> str:
    """Delete = close the undelivered order (kept, ORDSTA closed); delivered orders cannot be deleted."""
    with state.lock:
        order = _by_key(state, keys)
        if order.status in ("SHIPPED", "INVOICED"):
            raise X3Error(f"Sales order {order.no} is delivered, deletion impossible", "SOHNUM")
    if order.status != "CANCELLED":
        order = state.replace_order(order, status="CANCELLED")
    return order_xml(order)


def query(state: ErpState, keys: list[tuple[str, str]], size: int) -> str:
    """Left list of SOH ordered by SOHNUM, filtered by criteria on its header fields."""
    with state.lock:
        ref = dict(keys).get("CUSORDREF")
        candidates = (
            [state.orders[n] for n in state.by_ext.get(ref, [])] if ref else list(state.orders.values())
        )
        rows = [header(o) for o in candidates]
    rows = sorted(
        (r for r in rows if all(matches(str(r.get(k, "")), v) for k, v in keys)), key=lambda r: r["SOHNUM"]
    )
    return result(tables=[(d.SOH_QUERY, rows[:size])])

"""The published pricing subprogram YSHOPPRICE (called with `run`): a table of lines in, priced lines out.

GRP1 (in/out): YBPCNUM customer, YCUR currency, YPRIDAT price date; out also YPRIINCL (1/2), YVALDAT.
GRP2 (in): YITMREF, YQTY and one specific field per option (YCOLOR, YENGRAVING, ...); out also YSTA (0 ok,
1 not found, 2 blocked, 3 no price, 4 invalid configuration), YSTAMSG, YLISPRI, YBASPRI, YPRIORI, YNETPRI,
YAMTNOT, YVATRAT, YAMTVAT, YAMTATI, YNXTQTY, YNXTPRI.
GRP3 (out): surcharges, discounts: YADJLIN (line number), YADJTYP (S/D), YADJCOD, YADJBAS, YADJRAT, YADJAMT.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from erpsim.config import SimConfig
from erpsim.pricing import LineRequest, LineResult, price_line
from erpsim.store import ErpState
from erpsim.x3 import dictionary as d
from erpsim.x3.codec import parse_date, parse_decimal
from erpsim.x3.errors import X3Error
from erpsim.x3.objxml import Fields, X3Object, result


def _requests(state: ErpState, rows: list[Fields], cfg: SimConfig) -> list[LineRequest]:
    if not rows or len(rows) > cfg.max_lines:
        raise X3Error(f"Between 1 and {cfg.max_lines} lines are required", d.PRICE_LINES)
    known = {d.option_field(o.code): o.code for i in state.catalog.items.values() for o in i.options}
    out = []
    for n, row in enumerate(rows, start=1):
        qty = parse_decimal(row.get("YQTY"), "YQTY")
        if qty is None or qty <= 0:
            raise X3Error(f"Line {n}: quantity must be positive", "YQTY")
        opts = tuple((known[f], v) for f, v in row.items() if f in known and v.strip())
        out.append(LineRequest(n, (row.get("YITMREF") or "").strip(), qty, opts))
    return out


def _line(r: LineResult) -> dict[str, Any]:
    row: dict[str, Any] = {
        "YITMREF": r.item_no,
        "YQTY": r.quantity,
        "YSTA": d.PRICE_STATUS[r.status],
        "YSTAMSG": r.status_text or "",
    }
    if r.status == "OK":
        nb = r.next_break
        row.update(
            {
                "YLISPRI": "" if r.list_unit_price is None else r.list_unit_price,
                "YBASPRI": r.base_unit_price,
                "YPRIORI": r.price_origin,
                "YNETPRI": r.net_unit_price,
                "YAMTNOT": r.line_amount,
                "YVATRAT": r.vat_percent,
                "YAMTVAT": r.vat_amount,
                "YAMTATI": r.amount_incl_vat,
                "YNXTQTY": "" if nb is None else nb[0],
                "YNXTPRI": "" if nb is None else nb[1],
            }
        )
    return row


def _adjustments(results: list[LineResult]) -> list[dict[str, Any]]:
    return [
        {
            "YADJLIN": r.line_no,
            "YADJTYP": kind,
            "YADJCOD": a.code,
            "YADJBAS": a.basis,
            "YADJRAT": a.rate,
            "YADJAMT": a.amount,
        }
        for r in results
        for kind, rows in (("S", r.surcharges), ("D", r.discounts))
        for a in rows
    ]


def valid_until(results: list[LineResult], now: datetime, ttl_seconds: int) -> datetime:
    """The quote's end: the TTL, or earlier when a price or discount entry ends sooner."""
    end = now + timedelta(seconds=ttl_seconds)
    for r in results:
        if r.valid_through is not None:
            end = min(end, datetime.combine(r.valid_through + timedelta(days=1), time(0), UTC))
    return end.replace(microsecond=0)


def run(state: ErpState, cfg: SimConfig, obj: X3Object) -> str:
    """Price every line for the customer; line problems are line statuses, not errors."""
    lines = _requests(state, obj.tables.get(d.PRICE_LINES, []), cfg)
    now = datetime.now(UTC)
    day = parse_date(obj.value(d.PRICE_IN, "YPRIDAT"), "YPRIDAT") or now.date()
    with state.lock:
        catalog = state.catalog
        customer = catalog.customers.get(obj.value(d.PRICE_IN, "YBPCNUM") or "")
        if customer is None:
            raise X3Error("Customer : record does not exist", "YBPCNUM")
        currency = obj.value(d.PRICE_IN, "YCUR") or customer.currency
        if currency != catalog.local_currency and currency not in catalog.exchange_rates:
            raise X3Error(f"Currency {currency} : record does not exist", "YCUR")
    results = [price_line(catalog, customer, line, currency, day) for line in lines]
    head = {
        "YBPCNUM": customer.customer_no,
        "YCUR": currency,
        "YPRIDAT": day.strftime("%Y%m%d"),
        "YPRIINCL": d.YES if customer.prices_incl_vat else d.NO,
        "YVALDAT": valid_until(results, now, cfg.quote_ttl_seconds).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return result(
        [(d.PRICE_IN, head)],
        [(d.PRICE_LINES, [_line(r) for r in results]), (d.PRICE_ADJ, _adjustments(results))],
    )

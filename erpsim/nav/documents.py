"""Sales documents through NAV pages: create (priced by NAV's rules), update, delete; quotes kept apart."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from erpsim.model import Customer, OrderLine, SalesOrder, ShipTo
from erpsim.nav.faults import CONCURRENCY, NavFault
from erpsim.nav.lines import NavLine, check_customer, comment_line, nav_line, price_no, totals, with_vat
from erpsim.nav.records import Record, make_key, nav_line_record, parse_key
from erpsim.orders import apply_invoice_discount
from erpsim.pricing import invoice_discount_percent
from erpsim.store import ErpState

ZERO = Decimal("0.00")


@dataclass
class Quote:
    """A sales quote held by the NAV dialect (never part of the order store)."""

    no: str
    customer: Customer
    currency: str
    day: date
    lines: list[NavLine]
    version: int
    header: Record = field(default_factory=dict)

    def record(self) -> Record:
        """The quote as the SalesQuote page shows it."""
        sums = totals(self.lines, self.customer.prices_incl_vat)
        return {
            "Key": make_key(36, self.no, self.version),
            "No": self.no,
            "Sell_to_Customer_No": self.customer.customer_no,
            "Sell_to_Customer_Name": self.customer.name,
            **self.header,
            "Order_Date": self.day,
            "Document_Date": self.day,
            "Status": "Open",
            "Currency_Code": "" if self.currency == "EUR" else self.currency,
            "Prices_Including_VAT": self.customer.prices_incl_vat,
            "VAT_Bus_Posting_Group": self.customer.vat_group,
            "SalesLines": [nav_line_record(self.no, ln, self.version, sums) for ln in self.lines],
        }


def _decimal(raw: Any, name: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise NavFault.broker(f"The value '{raw}' of {name} is not a decimal.") from None
    if not value.is_finite() or value < 0:
        raise NavFault.validation(f"{name} must not be negative.")
    return value


def price_lines(
    state: ErpState, customer: Customer, rows: list[Record], currency: str, day: date
) -> list[NavLine]:
    """Validate and price the requested lines the way NAV fills a line on entering Type/No/Quantity."""
    out = []
    for i, row in enumerate(rows, start=1):
        line_no = int(row.get("Line_No") or i * 10000)
        kind = row.get("Type") or ("Item" if row.get("No") else "_blank_")
        if kind == "_blank_":
            out.append(comment_line(line_no, str(row.get("Description") or "")))
            continue
        if kind != "Item":
            raise NavFault.validation(
                f"Type must be equal to 'Item'  in Sales Line: Line No.={line_no}. Current value is '{kind}'."
            )
        qty = _decimal(row.get("Quantity") or 0, "Quantity")
        variant = str(row.get("Variant_Code") or "")
        priced = price_no(state.catalog, customer, str(row.get("No") or ""), variant, qty, currency, day)
        out.append(nav_line(line_no, priced, variant, qty))
    return out


def _customer_and_day(state: ErpState, rec: Record) -> tuple[Customer, str, date]:
    customer = check_customer(state.catalog, str(rec.get("Sell_to_Customer_No") or ""))
    currency = rec.get("Currency_Code") or customer.currency
    if currency != state.catalog.local_currency and currency not in state.catalog.exchange_rates:
        raise NavFault.not_found(
            f"The Currency does not exist. Identification fields and values: Code='{currency}'"
        )
    day = rec.get("Order_Date") or datetime.now(UTC).date()
    return customer, currency, day


def _store_line(ln: NavLine, prices_incl_vat: bool) -> OrderLine:
    opts = tuple((c, v, None) for c, v in ln.options)
    gross = ln.line_amount - ln.inv_discount + (ZERO if prices_incl_vat else ln.vat_amount)
    return OrderLine(
        ln.line_no,
        ln.no,
        ln.description,
        ln.quantity,
        opts,
        ln.unit_price,
        ZERO,
        ln.line_amount,
        ln.inv_discount,
        ln.vat_percent,
        ln.vat_amount,
        gross,
    )


def _with_invoice_discount(state: ErpState, customer: Customer, lines: list[NavLine]) -> list[NavLine]:
    items = [ln for ln in lines if ln.type != "_blank_"]
    net = sum((ln.line_amount for ln in items), ZERO)
    pct = invoice_discount_percent(state.catalog, customer, net)
    shaped = [
        OrderLine(ln.line_no, ln.no, "", ln.quantity, (), ZERO, ZERO, ln.line_amount, ZERO, ZERO, ZERO, ZERO)
        for ln in items
    ]
    shares = {s.line_no: s.inv_disc for s in apply_invoice_discount(shaped, pct)[0]}
    return [
        replace(ln, inv_discount=shares.get(ln.line_no, ZERO)) if ln.type != "_blank_" else ln for ln in lines
    ]


def _ship_to(rec: Record) -> ShipTo | None:
    if not rec.get("Ship_to_Name"):
        return None
    return ShipTo(
        rec["Ship_to_Name"],
        rec.get("Ship_to_Address"),
        rec.get("Ship_to_Address_2"),
        rec.get("Ship_to_Post_Code"),
        rec.get("Ship_to_City"),
        rec.get("Ship_to_Country_Region_Code"),
    )


def create_order(state: ErpState, rec: Record) -> SalesOrder:
    """Insert an order: NAV prices the lines, adds invoice discount and VAT; no uniqueness check."""
    ext_no = str(rec.get("External_Document_No") or "")
    if len(ext_no) > 35:
        raise NavFault.validation(
            f"The length of the string is {len(ext_no)}, but it must be less than or equal to 35 "
            f"characters. Value: {ext_no}"
        )
    with state.lock:
        customer, currency, day = _customer_and_day(state, rec)
        lines = price_lines(state, customer, rec.get("SalesLines") or [], currency, day)
        lines = with_vat(_with_invoice_discount(state, customer, lines), customer.prices_incl_vat)
        amount, vat, gross = totals(lines, customer.prices_incl_vat)
        seq, no = state.new_no()
        us = state.stamp()
        order = SalesOrder(
            seq=seq,
            no=no,
            ext_no=ext_no,
            customer_no=customer.customer_no,
            currency=currency,
            status="OPEN",
            order_date=day,
            modified_us=us,
            status_changed_us=us,
            prices_incl_vat=customer.prices_incl_vat,
            ship_to=_ship_to(rec),
            lines=tuple(_store_line(ln, customer.prices_incl_vat) for ln in lines),
            inv_disc=sum((ln.inv_discount for ln in lines), ZERO),
            amount=amount,
            vat_amount=vat,
            amount_incl_vat=gross,
            tracking_no=None,
            invoice_no=None,
        )
        return state.insert(order)


def _concurrency(table: str, no: str) -> NavFault:
    return NavFault(
        CONCURRENCY, f'Other user has modified "{table}" "Document Type=CONST(Order),No.=CONST({no})".'
    )


def open_order(state: ErpState, key: str | None) -> SalesOrder:
    """The order a Key names, checking the Key's version (NAV's optimistic concurrency)."""
    _, no, version = parse_key(key)
    order = state.orders.get(no)
    if order is None or order.status in ("INVOICED", "CANCELLED"):
        raise NavFault.not_found(
            "The Sales Header does not exist. Identification fields and values: "
            f"Document Type='Order',No.='{no}'"
        )
    if order.modified_us != version:
        raise _concurrency("Sales Header", no)
    return order


UPDATABLE = {"External_Document_No": "ext_no"}


def update_order(state: ErpState, rec: Record) -> SalesOrder:
    """Update header fields of an order (stale Key: 'Other user has modified')."""
    with state.lock:
        order = open_order(state, rec.get("Key"))
        changes: dict[str, Any] = {attr: rec[name] for name, attr in UPDATABLE.items() if name in rec}
        if any(k.startswith("Ship_to_") for k in rec):
            changes["ship_to"] = _ship_to(rec)
        return state.replace_order(order, **changes)


def delete_order(state: ErpState, key: str | None) -> None:
    """Delete an order that has shipped nothing."""
    with state.lock:
        order = open_order(state, key)
        if order.status == "SHIPPED":
            raise NavFault.dialog(
                f"You cannot delete Sales Header Order {order.no} because it has been shipped."
            )
        state.delete(order.no)


class QuoteBook:
    """The quotes of the NAV dialect (thread-safe)."""

    def __init__(self) -> None:
        """No quotes."""
        self.lock = threading.Lock()
        self.quotes: dict[str, Quote] = {}
        self.seq = 1000

    def create(self, state: ErpState, rec: Record) -> Quote:
        """Insert a priced quote (no invoice discount: NAV calculates it on demand only)."""
        customer, currency, day = _customer_and_day(state, rec)
        lines = with_vat(
            price_lines(state, customer, rec.get("SalesLines") or [], currency, day), customer.prices_incl_vat
        )
        with self.lock:
            self.seq += 1
            quote = Quote(
                f"SQ-{self.seq}",
                customer,
                currency,
                day,
                lines,
                state.stamp(),
                {k: rec[k] for k in ("External_Document_No",) if rec.get(k)},
            )
            self.quotes[quote.no] = quote
        return quote

    def get(self, no: str) -> Quote | None:
        """A quote by number."""
        return self.quotes.get(no)

    def open(self, key: str | None) -> Quote:
        """The quote a Key names, version-checked."""
        _, no, version = parse_key(key)
        quote = self.quotes.get(no)
        if quote is None:
            raise NavFault.not_found(
                "The Sales Header does not exist. Identification fields and values: "
                f"Document Type='Quote',No.='{no}'"
            )
        if quote.version != version:
            raise NavFault(
                CONCURRENCY,
                f'Other user has modified "Sales Header" "Document Type=CONST(Quote),No.=CONST({no})".',
            )
        return quote

    def delete(self, key: str | None) -> None:
        """Delete a quote."""
        with self.lock:
            self.quotes.pop(self.open(key).no)

    def reset(self) -> None:
        """Drop every quote."""
        with self.lock:
            self.quotes.clear()

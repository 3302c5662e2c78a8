"""Turning priced lines into sales orders: line records, invoice discount, totals, recalculation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from erpsim.errors import ErpError
from erpsim.model import Catalog, Customer, OrderLine, SalesOrder, ShipTo
from erpsim.pricing import (
    HUNDRED,
    LineRequest,
    LineResult,
    invoice_discount_percent,
    line_amounts,
    price_line,
    round2,
)

ZERO = Decimal("0.00")
LINE_FAULTS = {
    "NOT_FOUND": ("ITEM_NOT_FOUND", "ItemNo"),
    "BLOCKED": ("VALIDATION", "ItemNo"),
    "INVALID_CONFIGURATION": ("INVALID_CONFIGURATION", "Options"),
    "NO_PRICE": ("VALIDATION", "ItemNo"),
}


@dataclass(frozen=True)
class OrderLineRequest:
    """A requested order line: the priced part plus labels and the price the shop expects."""

    line: LineRequest
    labels: tuple[str | None, ...] = ()
    expected_unit_price: Decimal | None = None


def line_field(line_no: int, name: str) -> str:
    """Fault Field path of a line element, e.g. Lines/Line[LineNo=2]/ItemNo."""
    return f"Lines/Line[LineNo={line_no}]/{name}"


def _label(catalog: Catalog, item_no: str, code: str, value: str, given: str | None) -> str | None:
    if given:
        return given
    item = catalog.items[item_no]
    for opt in item.options:
        if opt.code == code:
            return next((v.label for v in opt.values if v.code == value), None)
    return None


def price_order_lines(
    catalog: Catalog, customer: Customer, requests: Sequence[OrderLineRequest], currency: str, day: date
) -> list[tuple[OrderLine, LineResult]]:
    """Price every line at order time; the first non-OK line raises the matching fault."""
    if customer.blocked:
        raise ErpError("CUSTOMER_BLOCKED", f"Customer {customer.customer_no} is blocked", "CustomerNo")
    out = []
    for req in requests:
        r = price_line(catalog, customer, req.line, currency, day)
        if r.status != "OK":
            code, name = LINE_FAULTS[r.status]
            raise ErpError(code, f"Line {r.line_no}: {r.status_text}", line_field(r.line_no, name))
        assert r.net_unit_price is not None and r.line_amount is not None and r.vat_percent is not None
        assert r.vat_amount is not None and r.amount_incl_vat is not None
        labels = req.labels or (None,) * len(req.line.options)
        opts = tuple(
            (c, v, _label(catalog, r.item_no, c, v, lab))
            for (c, v), lab in zip(req.line.options, labels, strict=True)
        )
        out.append(
            (
                OrderLine(
                    r.line_no,
                    r.item_no,
                    catalog.items[r.item_no].description,
                    r.quantity,
                    opts,
                    r.net_unit_price,
                    r.line_fee,
                    r.line_amount,
                    ZERO,
                    r.vat_percent,
                    r.vat_amount,
                    r.amount_incl_vat,
                ),
                r,
            )
        )
    return out


def apply_invoice_discount(
    lines: Sequence[OrderLine], percent: Decimal
) -> tuple[tuple[OrderLine, ...], dict[str, Decimal]]:
    """Allocate round(net x percent) over the lines pro rata (remainder on the largest) and recompute VAT."""
    net = sum((ln.line_amount for ln in lines), ZERO)
    total = round2(net * percent / HUNDRED) if percent and net > 0 else ZERO
    out = list(lines)
    if total:
        shares = [round2(total * ln.line_amount / net) for ln in lines]
        biggest = max(range(len(lines)), key=lambda i: lines[i].line_amount)
        shares[biggest] += total - sum(shares, ZERO)
        for i, (ln, share) in enumerate(zip(lines, shares, strict=True)):
            vat = round2((ln.line_amount - share) * ln.vat_percent / HUNDRED)
            out[i] = replace(ln, inv_disc=share, vat_amount=vat, amount_incl_vat=ln.line_amount - share + vat)
    vat_total = sum((ln.vat_amount for ln in out), ZERO)
    amount = net - total
    return tuple(out), {
        "inv_disc": total,
        "amount": amount,
        "vat_amount": vat_total,
        "amount_incl_vat": amount + vat_total,
    }


def recalculate(
    catalog: Catalog, customer: Customer | None, lines: Sequence[OrderLine], prices_incl_vat: bool
) -> tuple[tuple[OrderLine, ...], dict[str, Decimal]]:
    """Recompute line amounts from unit price x quantity + fee, then the invoice discount and totals."""
    fresh = []
    for ln in lines:
        amount, vat, gross = line_amounts(
            ln.unit_price, ln.quantity, ln.line_fee, ln.vat_percent, prices_incl_vat
        )
        fresh.append(replace(ln, line_amount=amount, inv_disc=ZERO, vat_amount=vat, amount_incl_vat=gross))
    net = sum((ln.line_amount for ln in fresh), ZERO)
    percent = invoice_discount_percent(catalog, customer, net) if customer else Decimal("0")
    return apply_invoice_discount(fresh, percent)


def build_order(
    seq: int,
    no: str,
    ext_no: str,
    customer: Customer,
    currency: str,
    order_date: date,
    lines: Sequence[OrderLine],
    catalog: Catalog,
    modified_us: int,
    ship_to: ShipTo | None = None,
    status: str = "OPEN",
) -> SalesOrder:
    """Assemble a SalesOrder with invoice discount and totals."""
    net = sum((ln.line_amount for ln in lines), ZERO)
    final, totals = apply_invoice_discount(lines, invoice_discount_percent(catalog, customer, net))
    return SalesOrder(
        seq=seq,
        no=no,
        ext_no=ext_no,
        customer_no=customer.customer_no,
        currency=currency,
        status=status,
        order_date=order_date,
        modified_us=modified_us,
        status_changed_us=modified_us,
        prices_incl_vat=customer.prices_incl_vat,
        ship_to=ship_to,
        lines=final,
        tracking_no=None,
        invoice_no=None,
        **totals,
    )

"""Pure pricing engine: best price, quantity breaks, option surcharges, line/invoice discounts, VAT."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from erpsim.model import (
    ALL_CUSTOMERS,
    CAMPAIGN,
    CUSTOMER,
    CUSTOMER_DISC_GROUP,
    CUSTOMER_PRICE_GROUP,
    ITEM,
    ITEM_DISC_GROUP,
    Catalog,
    Customer,
    Item,
    LineDiscount,
    PriceEntry,
)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
VAT_RATES = {("DOMESTIC", "STANDARD"): Decimal("19"), ("DOMESTIC", "REDUCED"): Decimal("7")}
# on equal prices the more specific origin wins
ORIGIN_RANK = {CUSTOMER: 0, CUSTOMER_PRICE_GROUP: 1, ALL_CUSTOMERS: 2, CAMPAIGN: 3}


def round2(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineRequest:
    """One line to price: item, quantity and the chosen options as (code, value) pairs."""

    line_no: int
    item_no: str
    quantity: Decimal
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Adjustment:
    """A surcharge or discount; amount is per unit except for basis PER_LINE."""

    code: str
    basis: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LineResult:
    """The priced line; price fields are None unless status is OK."""

    line_no: int
    item_no: str
    quantity: Decimal
    status: str
    status_text: str | None = None
    list_unit_price: Decimal | None = None
    base_unit_price: Decimal | None = None
    price_origin: str | None = None
    surcharges: tuple[Adjustment, ...] = ()
    discounts: tuple[Adjustment, ...] = ()
    net_unit_price: Decimal | None = None
    line_fee: Decimal = Decimal("0.00")
    line_amount: Decimal | None = None  # always excluding VAT
    vat_percent: Decimal | None = None
    vat_amount: Decimal | None = None
    amount_incl_vat: Decimal | None = None
    next_break: tuple[Decimal, Decimal] | None = None  # (min quantity, base unit price)
    valid_through: date | None = None  # last day of the price/discount entries used


def vat_percent(tax_class: str, vat_group: str) -> Decimal:
    """VAT rate for a product tax class and a customer VAT business posting group."""
    return VAT_RATES.get((vat_group, tax_class), Decimal("0"))


def _in_validity(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _sales_code(sales_type: str, customer: Customer) -> str | None:
    if sales_type == CUSTOMER:
        return customer.customer_no
    if sales_type == CUSTOMER_PRICE_GROUP:
        return customer.price_group
    if sales_type == CUSTOMER_DISC_GROUP:
        return customer.disc_group
    return None  # ALL_CUSTOMERS and CAMPAIGN apply to everybody


def applicable_entries(
    catalog: Catalog, customer: Customer, item_no: str, currency: str, day: date
) -> list[PriceEntry]:
    """Price entries for this customer, item, currency and date, ignoring the minimum quantity."""
    out = []
    for e in catalog.price_entries:
        if e.item_no != item_no or e.currency != currency or not _in_validity(e.starting, e.ending, day):
            continue
        if e.sales_type in (ALL_CUSTOMERS, CAMPAIGN) or e.sales_code == _sales_code(e.sales_type, customer):
            out.append(e)
    return out


def best_entry(entries: Sequence[PriceEntry], qty: Decimal) -> PriceEntry | None:
    """Lowest-priced entry whose minimum quantity is reached (ties: most specific origin)."""
    reached = [e for e in entries if e.min_qty <= qty]
    if not reached:
        return None
    return min(reached, key=lambda e: (e.unit_price, ORIGIN_RANK[e.sales_type], -e.min_qty))


def next_break(entries: Sequence[PriceEntry], qty: Decimal, base: Decimal) -> tuple[Decimal, Decimal] | None:
    """The smallest higher minimum quantity whose best price is lower than base."""
    for m in sorted({e.min_qty for e in entries if e.min_qty > qty}):
        best = best_entry(entries, m)
        if best is not None and best.unit_price < base:
            return m, best.unit_price
    return None


def to_currency(catalog: Catalog, amount: Decimal, currency: str) -> Decimal | None:
    """Convert a local-currency amount; None when there is no exchange rate."""
    if currency == catalog.local_currency:
        return amount
    rate = catalog.exchange_rates.get(currency)
    return None if rate is None else round2(amount * rate)


def validate_options(item: Item, options: Sequence[tuple[str, str]]) -> str | None:
    """Return an explanation when the chosen options are not a valid configuration."""
    known = {o.code: o for o in item.options}
    seen: set[str] = set()
    for code, value in options:
        opt = known.get(code)
        if opt is None:
            return f"Item {item.item_no} has no option '{code}'"
        if code in seen:
            return f"Option '{code}' is given more than once"
        seen.add(code)
        if opt.kind == "SELECT" and value not in {v.code for v in opt.values}:
            allowed = ", ".join(v.code for v in opt.values)
            return f"Value '{value}' is not allowed for option '{code}' (allowed: {allowed})"
        if opt.kind == "TEXT" and opt.max_length is not None and len(value) > opt.max_length:
            return f"Option '{code}' is longer than {opt.max_length} characters"
    for opt in item.options:
        if opt.required and not dict(options).get(opt.code):
            return f"Option '{opt.code}' is required"
    return None


def line_discount(
    catalog: Catalog, customer: Customer, item: Item, qty: Decimal, currency: str, day: date
) -> LineDiscount | None:
    """Highest applicable line discount, or None when none applies or the price group disallows it."""
    group = catalog.price_groups.get(customer.price_group or "")
    if group is not None and not group.allow_line_disc:
        return None
    best: LineDiscount | None = None
    for d in catalog.line_discounts:
        if d.target_type == ITEM and d.target_code != item.item_no:
            continue
        if d.target_type == ITEM_DISC_GROUP and d.target_code != item.item_disc_group:
            continue
        if d.sales_type != ALL_CUSTOMERS and d.sales_code != _sales_code(d.sales_type, customer):
            continue
        if d.min_qty > qty or d.currency not in ("", currency) or not _in_validity(d.starting, d.ending, day):
            continue
        if best is None or d.percent > best.percent:
            best = d
    return best


def _earliest(*days: date | None) -> date | None:
    real = [d for d in days if d is not None]
    return min(real) if real else None


def line_amounts(
    unit_price: Decimal, qty: Decimal, fee: Decimal, vat: Decimal, prices_incl_vat: bool
) -> tuple[Decimal, Decimal, Decimal]:
    """(amount excl. VAT, VAT, amount incl. VAT) of a line; gross prices derive VAT from the gross amount."""
    amount = round2(unit_price * qty + fee)
    if prices_incl_vat:
        vat_amount = round2(amount * vat / (HUNDRED + vat))
        return amount - vat_amount, vat_amount, amount
    vat_amount = round2(amount * vat / HUNDRED)
    return amount, vat_amount, amount + vat_amount


def price_line(
    catalog: Catalog, customer: Customer, req: LineRequest, currency: str, day: date
) -> LineResult:
    """Price one line for a customer in a currency on a date (rules 1-6)."""
    if customer.blocked:
        return LineResult(
            req.line_no, req.item_no, req.quantity, "BLOCKED", f"Customer {customer.customer_no} is blocked"
        )
    item = catalog.items.get(req.item_no)
    if item is None:
        return LineResult(
            req.line_no, req.item_no, req.quantity, "NOT_FOUND", f"Item {req.item_no} does not exist"
        )
    if item.blocked:
        return LineResult(req.line_no, req.item_no, req.quantity, "BLOCKED", f"Item {req.item_no} is blocked")
    problem = validate_options(item, req.options)
    if problem:
        return LineResult(req.line_no, req.item_no, req.quantity, "INVALID_CONFIGURATION", problem)
    qty = req.quantity
    entries = applicable_entries(catalog, customer, item.item_no, currency, day)
    entry = best_entry(entries, qty)
    list_price = None if item.unit_price is None else to_currency(catalog, item.unit_price, currency)
    if entry is None and list_price is None:
        return LineResult(
            req.line_no, req.item_no, qty, "NO_PRICE", f"No price for {req.item_no} in {currency}"
        )
    base, origin = (entry.unit_price, entry.sales_type) if entry else (list_price, "LIST")
    assert base is not None
    vat = vat_percent(item.tax_class, customer.vat_group)
    factor = (1 + vat / HUNDRED) if customer.prices_incl_vat else Decimal(1)

    def basis(net: Decimal) -> Decimal:
        return round2(net * factor)

    base_b = basis(base)
    chosen = dict(req.options)
    surcharges = []
    for rule in item.surcharges:
        value = chosen.get(rule.option_code)
        if not value or (rule.value_code is not None and rule.value_code != value):
            continue
        if rule.basis == "PERCENT":
            surcharges.append(
                Adjustment(rule.code, "PERCENT", rule.rate, round2(base_b * rule.rate / HUNDRED))
            )
            continue
        fx = to_currency(catalog, rule.rate, currency)
        if fx is None:
            return LineResult(req.line_no, req.item_no, qty, "NO_PRICE", f"No surcharge price in {currency}")
        surcharges.append(Adjustment(rule.code, rule.basis, basis(fx), basis(fx)))
    per_unit = sum((s.amount for s in surcharges if s.basis != "PER_LINE"), Decimal("0"))
    fee = sum((s.amount for s in surcharges if s.basis == "PER_LINE"), Decimal("0"))
    disc = line_discount(catalog, customer, item, qty, currency, day)
    discounts: tuple[Adjustment, ...] = ()
    if disc is not None:
        discounts = (
            Adjustment(
                "line_discount", "PERCENT", disc.percent, round2((base_b + per_unit) * disc.percent / HUNDRED)
            ),
        )
    net_unit = round2(base_b + per_unit - sum((d.amount for d in discounts), Decimal("0")))
    line_amount, vat_amount, gross = line_amounts(net_unit, qty, fee, vat, customer.prices_incl_vat)
    nb = next_break(entries, qty, base)
    return LineResult(
        req.line_no,
        req.item_no,
        qty,
        "OK",
        None,
        None if list_price is None else basis(list_price),
        base_b,
        origin,
        tuple(surcharges),
        discounts,
        net_unit,
        fee,
        line_amount,
        vat,
        vat_amount,
        gross,
        None if nb is None else (nb[0], basis(nb[1])),
        _earliest(entry.ending if entry else None, disc.ending if disc else None),
    )


def invoice_discount_percent(catalog: Catalog, customer: Customer, net_amount: Decimal) -> Decimal:
    """Invoice discount percent for an order's net amount (customer terms, else the '' terms)."""
    code = customer.invoice_disc_code if customer.invoice_disc_code in catalog.invoice_discounts else ""
    terms = catalog.invoice_discounts.get(code)
    if terms is None or net_amount < terms.min_amount:
        return Decimal("0")
    return terms.percent

"""NAV's line arithmetic: unit price and line discount per line, VAT per VAT group on the document."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from erpsim.model import Catalog, Customer, Item
from erpsim.nav.faults import NavFault
from erpsim.nav.setup import ChargeItem, charge_items, variants
from erpsim.pricing import (
    HUNDRED,
    applicable_entries,
    best_entry,
    line_discount,
    round2,
    to_currency,
    vat_percent,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricedNo:
    """What NAV knows about an item number for a customer: unit price, line discount %, VAT."""

    no: str
    description: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_group: str
    vat_percent: Decimal
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NavLine:
    """A document line as NAV computes it (amounts excl. or incl. VAT like the document)."""

    line_no: int
    type: str
    no: str
    variant: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    discount_amount: Decimal
    line_amount: Decimal
    vat_group: str
    vat_percent: Decimal
    options: tuple[tuple[str, str], ...] = ()
    inv_discount: Decimal = ZERO
    vat_amount: Decimal = ZERO


def _not_found(table: str, ident: str) -> NavFault:
    return NavFault.not_found(f"The {table} does not exist. Identification fields and values: {ident}")


def check_customer(catalog: Catalog, no: str) -> Customer:
    """The customer or a NAV 'does not exist' fault; blocked customers fault like NAV's TestField."""
    customer = catalog.customers.get(no)
    if customer is None:
        raise _not_found("Customer", f"No.='{no}'")
    if customer.blocked:
        raise NavFault.validation(
            f"You cannot create this type of document when Customer {no} is blocked with type All"
        )
    return customer


def _basis(customer: Customer, item: Item, amount: Decimal) -> Decimal:
    if not customer.prices_incl_vat:
        return amount
    return round2(amount * (1 + vat_percent(item.tax_class, customer.vat_group) / HUNDRED))


def _fx(catalog: Catalog, amount: Decimal, currency: str) -> Decimal:
    converted = to_currency(catalog, amount, currency)
    if converted is None:
        raise _not_found("Currency Exchange Rate", f"Currency Code='{currency}'")
    return converted


def _item_price(
    catalog: Catalog, customer: Customer, item: Item, variant: str, qty: Decimal, currency: str, day: date
) -> PricedNo:
    options: tuple[tuple[str, str], ...] = ()
    if variant:
        found = variants(item).get(variant)
        if found is None:
            raise _not_found("Item Variant", f"Item No.='{item.item_no}',Code='{variant}'")
        options = found
    entry = best_entry(applicable_entries(catalog, customer, item.item_no, currency, day), qty)
    base = (
        entry.unit_price
        if entry
        else (None if item.unit_price is None else _fx(catalog, item.unit_price, currency))
    )
    unit = ZERO if base is None else _basis(customer, item, base)
    chosen = dict(options)
    for rule in item.surcharges:
        if rule.value_code is None or chosen.get(rule.option_code) != rule.value_code:
            continue
        if rule.basis == "PERCENT":
            unit += round2(_basis(customer, item, base or ZERO) * rule.rate / HUNDRED)
        elif rule.basis == "PER_UNIT":
            unit += _basis(customer, item, _fx(catalog, rule.rate, currency))
    disc = line_discount(catalog, customer, item, qty, currency, day)
    vat = vat_percent(item.tax_class, customer.vat_group)
    pct = disc.percent if disc else Decimal("0")
    return PricedNo(item.item_no, item.description, unit, pct, item.tax_class, vat, options)


def _charge_price(
    catalog: Catalog, customer: Customer, charge: ChargeItem, qty: Decimal, currency: str, day: date
) -> PricedNo:
    main = charge.main
    unit = sum((_basis(customer, main, _fx(catalog, r.rate, currency)) for r in charge.rules), ZERO)
    pct = Decimal("0")
    if charge.basis == "PER_UNIT":
        disc = line_discount(catalog, customer, main, qty, currency, day)
        pct = disc.percent if disc else pct
    vat = vat_percent(main.tax_class, customer.vat_group)
    return PricedNo(charge.no, charge.description, unit, pct, main.tax_class, vat)


def price_no(
    catalog: Catalog, customer: Customer, no: str, variant: str, qty: Decimal, currency: str, day: date
) -> PricedNo:
    """Unit price and line discount % NAV finds for an item (or charge item) number."""
    item = catalog.items.get(no)
    if item is not None:
        if item.blocked:
            raise NavFault.validation(
                f"Blocked must be equal to 'No'  in Item: No.={no}. Current value is 'Yes'."
            )
        return _item_price(catalog, customer, item, variant, qty, currency, day)
    charge = charge_items(catalog).get(no)
    if charge is None:
        raise _not_found("Item", f"No.='{no}'")
    return _charge_price(catalog, customer, charge, qty, currency, day)


def nav_line(line_no: int, p: PricedNo, variant: str, qty: Decimal) -> NavLine:
    """An item line: Line Amount = round(qty x price) - round(qty x price x discount %)."""
    gross = round2(qty * p.unit_price)
    disc = round2(gross * p.discount_percent / HUNDRED)
    return NavLine(
        line_no,
        "Item",
        p.no,
        variant,
        p.description,
        qty,
        p.unit_price,
        p.discount_percent,
        disc,
        gross - disc,
        p.vat_group,
        p.vat_percent,
        p.options,
    )


def comment_line(line_no: int, text: str) -> NavLine:
    """A text line (Type blank): carries a description only."""
    return NavLine(line_no, "_blank_", "", "", text, ZERO, ZERO, ZERO, ZERO, ZERO, "", ZERO)


def with_vat(lines: list[NavLine], prices_incl_vat: bool) -> list[NavLine]:
    """VAT per VAT % on the sum of the lines (after invoice discount), spread over the lines with carry."""
    out = list(lines)
    for pct in {ln.vat_percent for ln in lines if ln.type != "_blank_"}:
        base = assigned = ZERO
        for i, ln in enumerate(lines):
            if ln.type == "_blank_" or ln.vat_percent != pct:
                continue
            base += ln.line_amount - ln.inv_discount
            divisor = HUNDRED + pct if prices_incl_vat else HUNDRED
            vat = round2(base * pct / divisor) - assigned
            assigned += vat
            out[i] = replace(ln, vat_amount=vat)
    return out


def totals(lines: list[NavLine], prices_incl_vat: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(amount excl. VAT, VAT, amount incl. VAT) of a document."""
    amount = sum((ln.line_amount - ln.inv_discount for ln in lines), ZERO)
    vat = sum((ln.vat_amount for ln in lines), ZERO)
    if prices_incl_vat:
        return amount - vat, vat, amount
    return amount, vat, amount + vat

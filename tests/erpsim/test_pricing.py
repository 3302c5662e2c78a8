"""Unit tests of the pricing engine, rule by rule, and the worked MUG-01 case."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

import pytest

from erpsim.model import (
    ALL_CUSTOMERS,
    CUSTOMER,
    CUSTOMER_PRICE_GROUP,
    ITEM_DISC_GROUP,
    Catalog,
    LineDiscount,
    PriceEntry,
)
from erpsim.pricing import LineRequest, LineResult, price_line, round2
from tests.erpsim.helpers import TODAY

WORKED = (("color", "gold"), ("engraving", "Happy Birthday"))


def price(
    catalog: Catalog,
    customer: str,
    item: str,
    qty: object,
    options: tuple = (),
    currency: str = "",
    day=TODAY,
) -> LineResult:  # type: ignore[no-untyped-def]
    cust = catalog.customers[customer]
    return price_line(
        catalog, cust, LineRequest(1, item, D(str(qty)), options), currency or cust.currency, day
    )


def test_worked_case(catalog: Catalog) -> None:
    r = price(catalog, "C10000", "MUG-01", 60, WORKED)
    assert (r.status, r.list_unit_price, r.base_unit_price, r.price_origin) == (
        "OK",
        D("12.00"),
        D("9.00"),
        "CUSTOMER_PRICE_GROUP",
    )
    assert [(s.code, s.basis, s.rate, s.amount) for s in r.surcharges] == [
        ("color", "PERCENT", D("10"), D("0.90")),
        ("engraving", "PER_UNIT", D("3.50"), D("3.50")),
        ("engraving_setup", "PER_LINE", D("15.00"), D("15.00")),
    ]
    assert [(d.code, d.basis, d.rate, d.amount) for d in r.discounts] == [
        ("line_discount", "PERCENT", D("5"), D("0.67"))
    ]
    assert (r.net_unit_price, r.line_amount, r.vat_percent, r.vat_amount, r.amount_incl_vat) == (
        D("12.73"),
        D("778.80"),
        D("19"),
        D("147.97"),
        D("926.77"),
    )
    assert r.next_break == (D("100"), D("8.50"))


# rule 1: best price among customer, price group, all-customers and campaign entries; else list price
@pytest.mark.parametrize(
    "customer,qty,base,origin",
    [
        ("C10000", 10, "10.00", "CUSTOMER_PRICE_GROUP"),
        ("C10000", 100, "8.50", "CUSTOMER"),
        ("C70000", 5, "12.00", "LIST"),
        ("C70000", 30, "11.50", "ALL_CUSTOMERS"),
        ("C40000", 30, "9.80", "CUSTOMER_PRICE_GROUP"),  # lower than the all-customers 11.50
        ("C20000", 30, "11.00", "CUSTOMER_PRICE_GROUP"),
    ],
)
def test_rule1_best_price(catalog: Catalog, customer: str, qty: int, base: str, origin: str) -> None:
    r = price(catalog, customer, "MUG-01", qty)
    assert (r.base_unit_price, r.price_origin) == (D(base), origin)


def test_rule1_campaign_validity(catalog: Catalog) -> None:
    assert price(catalog, "C70000", "GIFTBOX-01", 1).price_origin == "CAMPAIGN"
    assert price(catalog, "C70000", "GIFTBOX-01", 1).base_unit_price == D("29.90")
    assert price(catalog, "C70000", "GIFTBOX-01", 1, day=TODAY + timedelta(days=21)).base_unit_price == D(
        "35.00"
    )
    assert price(catalog, "C70000", "GIFTBOX-01", 1, day=TODAY - timedelta(days=11)).price_origin == "LIST"
    assert price(catalog, "C70000", "COFFEE-250", 1).base_unit_price == D("7.90")  # SUMMER campaign expired
    assert price(catalog, "C70000", "GIFTBOX-01", 1).valid_through == TODAY + timedelta(days=20)


def test_rule1_currency_must_match(catalog: Catalog) -> None:
    usd = price(catalog, "C60000", "MUG-01", 1)
    assert (usd.base_unit_price, usd.price_origin, usd.list_unit_price) == (
        D("11.90"),
        "CUSTOMER_PRICE_GROUP",
        D("13.02"),
    )
    cap = price(catalog, "C60000", "CAP-01", 1)
    assert (cap.base_unit_price, cap.price_origin) == (D("10.31"), "LIST")  # 9.50 x 1.0850
    assert price(catalog, "C20000", "DESIGN-SVC", 1).status == "NO_PRICE"
    assert price(catalog, "C10000", "DESIGN-SVC", 1).base_unit_price == D("95.00")


def test_rule1_tie_prefers_specific_origin(catalog: Catalog) -> None:
    extra = (
        PriceEntry("TOTE-01", ALL_CUSTOMERS, "", D("5.00")),
        PriceEntry("TOTE-01", CUSTOMER, "C10000", D("5.00")),
    )
    r = price(replace(catalog, price_entries=catalog.price_entries + extra), "C10000", "TOTE-01", 1)
    assert (r.base_unit_price, r.price_origin) == (D("5.00"), "CUSTOMER")


# rule 2: quantity breaks apply to all units; next break names the next cheaper tier
def test_rule2_quantity_breaks(catalog: Catalog) -> None:
    r49, r50 = price(catalog, "C10000", "MUG-01", 49), price(catalog, "C10000", "MUG-01", 50)
    assert (r49.base_unit_price, r49.next_break) == (D("10.00"), (D("50"), D("9.00")))
    assert r50.base_unit_price == D("9.00")
    assert r50.line_amount == round2(D("50") * (D("9.00") - D("0.45")))  # every unit at the reached tier
    assert price(catalog, "C10000", "MUG-01", 100).next_break is None
    assert price(catalog, "C70000", "PEN-01", 1).next_break == (D("100"), D("1.00"))
    assert price(catalog, "C70000", "PEN-01", 100).next_break == (D("500"), D("0.85"))


def test_rule2_next_break_skips_tiers_that_are_not_cheaper(catalog: Catalog) -> None:
    extra = (PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "B2B-GOLD", D("9.50"), "EUR", D("70")),)
    r = price(replace(catalog, price_entries=catalog.price_entries + extra), "C10000", "MUG-01", 60)
    assert r.next_break == (D("100"), D("8.50"))


# rule 3: option surcharges
def test_rule3_surcharges(catalog: Catalog) -> None:
    assert price(catalog, "C10000", "MUG-01", 1, (("color", "white"),)).surcharges == ()
    assert price(catalog, "C10000", "MUG-01", 1, (("engraving", ""),)).surcharges == ()
    xxl = price(catalog, "C70000", "TSHIRT-01", 2, (("size", "XXL"), ("print", "Team")))
    assert [(s.code, s.basis, s.amount) for s in xxl.surcharges] == [
        ("size_xxl", "PER_UNIT", D("2.00")),
        ("print", "PER_UNIT", D("4.00")),
        ("print_setup", "PER_LINE", D("25.00")),
    ]
    assert xxl.net_unit_price == D("21.00") and xxl.line_amount == D("67.00")  # 2 x 21.00 + 25.00
    gold = price(catalog, "C70000", "MUG-01", 1, (("color", "gold"),))
    assert gold.surcharges[0].amount == D("1.20")  # 10 % of the list price 12.00


# rule 4: the highest line discount on base + per-unit surcharges, unless the price group disallows it
def test_rule4_line_discount(catalog: Catalog) -> None:
    assert price(catalog, "C10000", "MUG-01", 9).discounts == ()  # minimum quantity 10
    assert price(catalog, "C10000", "MUG-01", 10).discounts[0].rate == D("5")
    assert price(catalog, "C20000", "MUG-01", 10).discounts[0].rate == D("3")
    assert price(catalog, "C10000", "PEN-01", 1).discounts[0].rate == D("10")  # customer + item
    assert price(catalog, "C70000", "TOTE-01", 100).discounts[0].rate == D("2")  # all customers + group
    no_disc = price(catalog, "C40000", "MUG-01", 60, WORKED)  # NET-PRICE group disallows line discounts
    assert no_disc.discounts == () and no_disc.net_unit_price == D("9.80") + D("0.98") + D("3.50")


def test_rule4_highest_wins_and_ignores_per_line_fees(catalog: Catalog) -> None:
    extra = (LineDiscount(ITEM_DISC_GROUP, "MUGS", ALL_CUSTOMERS, "", D("7"), D("1")),)
    r = price(replace(catalog, line_discounts=catalog.line_discounts + extra), "C10000", "MUG-01", 60, WORKED)
    assert r.discounts[0].rate == D("7")
    assert r.discounts[0].amount == round2(D("13.40") * D("0.07"))  # 9.00 + 0.90 + 3.50, not the 15.00 fee


# rule 5: rounding, VAT by tax class and VAT group, prices including VAT
def test_rule5_vat(catalog: Catalog) -> None:
    assert price(catalog, "C10000", "BOOK-01", 1).vat_percent == D("7")
    assert price(catalog, "C20000", "MUG-01", 1).vat_amount == D("0.00")  # EU
    assert price(catalog, "C60000", "MUG-01", 1).vat_percent == D("0")  # EXPORT
    assert round2(D("0.125")) == D("0.13") and round2(D("-0.125")) == D("-0.13")


def test_rule5_prices_including_vat(catalog: Catalog) -> None:
    r = price(catalog, "C30000", "MUG-01", 3)
    assert (r.list_unit_price, r.base_unit_price, r.net_unit_price) == (D("14.28"), D("14.28"), D("14.28"))
    assert (r.amount_incl_vat, r.vat_amount, r.line_amount) == (D("42.84"), D("6.84"), D("36.00"))
    book = price(catalog, "C30000", "BOOK-01", 1)
    assert (book.net_unit_price, book.vat_amount, book.line_amount) == (D("25.68"), D("1.68"), D("24.00"))


# rule 6: unknown, blocked, invalid configuration: a status, never a price
@pytest.mark.parametrize(
    "customer,item,options,status",
    [
        ("C10000", "NOPE-99", (), "NOT_FOUND"),
        ("C50000", "MUG-01", (), "BLOCKED"),
        ("C10000", "UMBRELLA-01", (), "BLOCKED"),
        ("C10000", "MUG-01", (("color", "pink"),), "INVALID_CONFIGURATION"),
        ("C10000", "MUG-01", (("handle", "left"),), "INVALID_CONFIGURATION"),
        ("C10000", "MUG-01", (("color", "gold"), ("color", "white")), "INVALID_CONFIGURATION"),
        ("C10000", "MUG-01", (("engraving", "x" * 31),), "INVALID_CONFIGURATION"),
        ("C10000", "TSHIRT-01", (), "INVALID_CONFIGURATION"),  # size is required
    ],
)
def test_rule6_statuses_without_price(
    catalog: Catalog, customer: str, item: str, options: tuple, status: str
) -> None:
    r = price(catalog, customer, item, 1, options)
    assert r.status == status and r.status_text
    assert r.base_unit_price is None and r.net_unit_price is None and r.line_amount is None

"""Demo master data: the default catalog of the simulator (items, customers, prices, discounts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

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
    InvoiceDiscount,
    Item,
    ItemOption,
    LineDiscount,
    OptionValue,
    PriceEntry,
    PriceGroup,
    SurchargeRule,
)

DEMO_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _values(*pairs: str) -> tuple[OptionValue, ...]:
    return tuple(OptionValue(p.split(":")[0], p.split(":")[1]) for p in pairs)


COLOR_MUG = ItemOption("color", "Colour", "SELECT", False, _values("white:White", "black:Black", "gold:Gold"))
ENGRAVING = ItemOption("engraving", "Engraving text", "TEXT", False, (), 30)
SIZE = ItemOption("size", "Size", "SELECT", True, _values("S:S", "M:M", "L:L", "XL:XL", "XXL:XXL"))
PRINT = ItemOption("print", "Print text", "TEXT", False, (), 20)
RULING = ItemOption(
    "ruling", "Ruling", "SELECT", False, _values("plain:Plain", "lined:Lined", "dotted:Dotted")
)
COLOR_BASIC = ItemOption(
    "color", "Colour", "SELECT", False, _values("white:White", "black:Black", "navy:Navy")
)


def _engraving(per_unit: str, setup: str) -> tuple[SurchargeRule, ...]:
    return (
        SurchargeRule("engraving", None, "engraving", "PER_UNIT", D(per_unit)),
        SurchargeRule("engraving", None, "engraving_setup", "PER_LINE", D(setup)),
    )


def demo_items() -> list[Item]:
    """Items: the worked-case mug plus realistic merchandise (one REDUCED, one blocked, one without price)."""
    gold = (SurchargeRule("color", "gold", "color", "PERCENT", D("10")),)
    return [
        Item(
            "MUG-01",
            "Coffee mug",
            D("12.00"),
            "STANDARD",
            "MUGS",
            options=(COLOR_MUG, ENGRAVING),
            surcharges=gold + _engraving("3.50", "15.00"),
        ),
        Item("MUG-02", "Travel mug, insulated", D("19.90"), "STANDARD", "MUGS", options=(COLOR_BASIC,)),
        Item(
            "BOTTLE-01",
            "Steel bottle 0.75 l",
            D("18.50"),
            "STANDARD",
            "DRINKWARE",
            options=(COLOR_BASIC, ENGRAVING),
            surcharges=_engraving("4.00", "15.00"),
        ),
        Item(
            "TSHIRT-01",
            "Organic T-shirt",
            D("15.00"),
            "STANDARD",
            "TEXTILE",
            options=(SIZE, PRINT),
            surcharges=(
                SurchargeRule("size", "XXL", "size_xxl", "PER_UNIT", D("2.00")),
                SurchargeRule("print", None, "print", "PER_UNIT", D("4.00")),
                SurchargeRule("print", None, "print_setup", "PER_LINE", D("25.00")),
            ),
        ),
        Item("CAP-01", "Baseball cap", D("9.50"), "STANDARD", "TEXTILE", options=(COLOR_BASIC,)),
        Item("TOTE-01", "Cotton tote bag", D("6.50"), "STANDARD", "TEXTILE"),
        Item(
            "PEN-01",
            "Ballpoint pen",
            D("1.20"),
            "STANDARD",
            "WRITING",
            options=(ENGRAVING,),
            surcharges=_engraving("0.80", "10.00"),
        ),
        Item("NOTEBOOK-A5", "Notebook A5, 96 sheets", D("4.90"), "STANDARD", "PAPER", options=(RULING,)),
        Item("BOOK-01", "The Barista Handbook", D("24.00"), "REDUCED", "BOOKS"),
        Item("COFFEE-250", "Coffee beans 250 g", D("7.90"), "REDUCED", "FOOD"),
        Item("GIFTBOX-01", "Gift box: mug and beans", D("35.00"), "STANDARD", "MUGS"),
        Item("UMBRELLA-01", "Storm umbrella (discontinued)", D("22.00"), "STANDARD", None, blocked=True),
        Item(
            "DESIGN-SVC", "Custom design service (price on request)", None, "STANDARD", None, base_uom="HOUR"
        ),
    ]


def demo_customers() -> list[Customer]:
    """Customers: gold, EU, B2C gross prices, net-price group, blocked, USD export, no invoice discount."""
    return [
        Customer(
            "C10000", "Ada Coffee Roasters GmbH", "EUR", "B2B-GOLD", "B2B-GOLD", shop_customer_id="C10000"
        ),
        Customer(
            "C20000",
            "Brasserie Lumière SARL",
            "EUR",
            "B2B-SILVER",
            "B2B-SILVER",
            vat_group="EU",
            shop_customer_id="C20000",
        ),
        Customer(
            "C30000",
            "Web shop consumers (B2C)",
            "EUR",
            "RETAIL",
            None,
            prices_incl_vat=True,
            shop_customer_id="B2C",
        ),
        Customer("C40000", "Kontor Nord GmbH", "EUR", "NET-PRICE", "B2B-GOLD", shop_customer_id="C40000"),
        Customer(
            "C50000",
            "Closed Corner Café Ltd",
            "EUR",
            "B2B-SILVER",
            "B2B-SILVER",
            blocked=True,
            shop_customer_id="C50000",
        ),
        Customer(
            "C60000",
            "Maple Street Coffee Inc.",
            "USD",
            "B2B-SILVER",
            "B2B-SILVER",
            vat_group="EXPORT",
            shop_customer_id="C60000",
        ),
        Customer(
            "C70000",
            "Stadtbibliothek Musterstadt",
            "EUR",
            None,
            None,
            invoice_disc_code="NONE",
            shop_customer_id="C70000",
        ),
    ]


def demo_price_entries(today: date) -> list[PriceEntry]:
    """Sales prices: group and customer breaks, all-customer breaks, USD prices, a campaign with validity."""
    return [
        PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "B2B-GOLD", D("10.00"), "EUR", D("1")),
        PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "B2B-GOLD", D("9.00"), "EUR", D("50")),
        PriceEntry("MUG-01", CUSTOMER, "C10000", D("8.50"), "EUR", D("100")),
        PriceEntry("MUG-01", ALL_CUSTOMERS, "", D("11.50"), "EUR", D("24")),
        PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "B2B-SILVER", D("11.00"), "EUR", D("1")),
        PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "B2B-SILVER", D("11.90"), "USD", D("1")),
        PriceEntry("MUG-01", CUSTOMER_PRICE_GROUP, "NET-PRICE", D("9.80"), "EUR", D("1")),
        PriceEntry("TSHIRT-01", CUSTOMER_PRICE_GROUP, "B2B-GOLD", D("13.00"), "EUR", D("1")),
        PriceEntry("TSHIRT-01", ALL_CUSTOMERS, "", D("12.50"), "EUR", D("250")),
        PriceEntry("PEN-01", ALL_CUSTOMERS, "", D("1.00"), "EUR", D("100")),
        PriceEntry("PEN-01", ALL_CUSTOMERS, "", D("0.85"), "EUR", D("500")),
        PriceEntry("DESIGN-SVC", CUSTOMER, "C10000", D("95.00"), "EUR", D("1")),
        PriceEntry(
            "GIFTBOX-01",
            CAMPAIGN,
            "XMAS",
            D("29.90"),
            "EUR",
            D("1"),
            today - timedelta(days=10),
            today + timedelta(days=20),
        ),
        PriceEntry(
            "COFFEE-250",
            CAMPAIGN,
            "SUMMER",
            D("6.50"),
            "EUR",
            D("1"),
            today - timedelta(days=200),
            today - timedelta(days=100),
        ),
    ]


def demo_line_discounts() -> list[LineDiscount]:
    """Line discounts by item discount group or item, for discount groups, customers and everybody."""
    return [
        LineDiscount(ITEM_DISC_GROUP, "MUGS", CUSTOMER_DISC_GROUP, "B2B-GOLD", D("5"), D("10")),
        LineDiscount(ITEM_DISC_GROUP, "MUGS", CUSTOMER_DISC_GROUP, "B2B-SILVER", D("3"), D("10")),
        LineDiscount(ITEM_DISC_GROUP, "TEXTILE", ALL_CUSTOMERS, "", D("2"), D("100")),
        LineDiscount(ITEM, "PEN-01", CUSTOMER, "C10000", D("10"), D("0")),
    ]


def demo_catalog(today: date | None = None) -> Catalog:
    """Build the full demo catalog; campaign windows are relative to today (UTC)."""
    today = today or datetime.now(UTC).date()
    items = {i.item_no: _stamp(i) for i in demo_items()}
    customers = {c.customer_no: _stamp(c) for c in demo_customers()}
    groups = [
        PriceGroup("B2B-GOLD", "Gold resellers"),
        PriceGroup("B2B-SILVER", "Silver resellers"),
        PriceGroup("RETAIL", "Consumers"),
        PriceGroup("NET-PRICE", "Net prices, no line discount", False),
    ]
    return Catalog(
        items=items,
        customers=customers,
        price_groups={g.code: g for g in groups},
        price_entries=tuple(demo_price_entries(today)),
        line_discounts=tuple(demo_line_discounts()),
        invoice_discounts={
            "": InvoiceDiscount("", D("1000.00"), D("2")),
            "NONE": InvoiceDiscount("NONE", D("0"), D("0")),
        },
        exchange_rates={"USD": D("1.0850"), "GBP": D("0.8600"), "CHF": D("0.9400")},
    )


def _stamp(record):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(record, last_modified=DEMO_EPOCH)

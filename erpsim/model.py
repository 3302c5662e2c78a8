"""Master data and order records of the simulated ERP (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# sales types of price entries (NAV "Sales Type")
CUSTOMER = "CUSTOMER"
CUSTOMER_PRICE_GROUP = "CUSTOMER_PRICE_GROUP"
ALL_CUSTOMERS = "ALL_CUSTOMERS"
CAMPAIGN = "CAMPAIGN"
# sales types of line discounts
CUSTOMER_DISC_GROUP = "CUSTOMER_DISC_GROUP"
# line discount targets
ITEM = "ITEM"
ITEM_DISC_GROUP = "ITEM_DISC_GROUP"

ORDER_STATUSES = ("OPEN", "RELEASED", "ON_HOLD", "SHIPPED", "INVOICED", "CANCELLED")


@dataclass(frozen=True)
class OptionValue:
    """One allowed value of a SELECT option."""

    code: str
    label: str


@dataclass(frozen=True)
class ItemOption:
    """A configurable option of an item (SELECT with values, or free TEXT)."""

    code: str
    label: str
    kind: str = "SELECT"
    required: bool = False
    values: tuple[OptionValue, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class SurchargeRule:
    """A surcharge triggered by an option; value_code None means any non-empty value."""

    option_code: str
    value_code: str | None
    code: str
    basis: str  # PERCENT | PER_UNIT | PER_LINE
    rate: Decimal  # percent, or an amount in the item's currency (EUR)


@dataclass(frozen=True)
class Item:
    """An item card; unit_price is the net list price in EUR (None: price on request)."""

    item_no: str
    description: str
    unit_price: Decimal | None
    tax_class: str = "STANDARD"
    item_disc_group: str | None = None
    base_uom: str = "PCS"
    blocked: bool = False
    options: tuple[ItemOption, ...] = ()
    surcharges: tuple[SurchargeRule, ...] = ()
    last_modified: datetime | None = None


@dataclass(frozen=True)
class PriceGroup:
    """A customer price group; allow_line_disc false disables line discounts."""

    code: str
    description: str
    allow_line_disc: bool = True


@dataclass(frozen=True)
class Customer:
    """A customer card."""

    customer_no: str
    name: str
    currency: str = "EUR"
    price_group: str | None = None
    disc_group: str | None = None
    prices_incl_vat: bool = False
    vat_group: str = "DOMESTIC"
    blocked: bool = False
    shop_customer_id: str | None = None
    invoice_disc_code: str = ""
    last_modified: datetime | None = None


@dataclass(frozen=True)
class PriceEntry:
    """A sales price (NAV table 7002): unit price for a sales type/code from a minimum quantity."""

    item_no: str
    sales_type: str
    sales_code: str
    unit_price: Decimal
    currency: str = "EUR"
    min_qty: Decimal = Decimal("0")
    starting: date | None = None
    ending: date | None = None


@dataclass(frozen=True)
class LineDiscount:
    """A sales line discount (NAV table 7004) by item or item discount group."""

    target_type: str  # ITEM | ITEM_DISC_GROUP
    target_code: str
    sales_type: str  # CUSTOMER | CUSTOMER_DISC_GROUP | ALL_CUSTOMERS
    sales_code: str
    percent: Decimal
    min_qty: Decimal = Decimal("0")
    currency: str = ""  # "" = any currency
    starting: date | None = None
    ending: date | None = None


@dataclass(frozen=True)
class InvoiceDiscount:
    """Invoice discount terms: percent of the order's net amount from a minimum amount."""

    code: str
    min_amount: Decimal
    percent: Decimal


@dataclass(frozen=True)
class Catalog:
    """All master data the pricing engine needs."""

    items: dict[str, Item]
    customers: dict[str, Customer]
    price_groups: dict[str, PriceGroup]
    price_entries: tuple[PriceEntry, ...]
    line_discounts: tuple[LineDiscount, ...]
    invoice_discounts: dict[str, InvoiceDiscount] = field(default_factory=dict)
    exchange_rates: dict[str, Decimal] = field(default_factory=dict)  # EUR -> currency
    local_currency: str = "EUR"


@dataclass(frozen=True)
class OrderLine:
    """A stored sales order line (immutable; shared between bulk-created orders)."""

    line_no: int
    item_no: str
    description: str
    quantity: Decimal
    options: tuple[tuple[str, str, str | None], ...]  # (code, value, label)
    unit_price: Decimal
    line_fee: Decimal
    line_amount: Decimal
    inv_disc: Decimal
    vat_percent: Decimal
    vat_amount: Decimal
    amount_incl_vat: Decimal


@dataclass(frozen=True)
class ShipTo:
    """A ship-to address."""

    name: str
    address: str | None = None
    address2: str | None = None
    post_code: str | None = None
    city: str | None = None
    country_code: str | None = None


class SalesOrder:
    """A stored sales order header (slots keep 100k orders compact)."""

    __slots__ = (
        "amount",
        "amount_incl_vat",
        "currency",
        "customer_no",
        "ext_no",
        "inv_disc",
        "invoice_no",
        "lines",
        "modified_us",
        "no",
        "order_date",
        "prices_incl_vat",
        "seq",
        "ship_to",
        "status",
        "status_changed_us",
        "tracking_no",
        "vat_amount",
    )

    seq: int
    no: str
    ext_no: str
    customer_no: str
    currency: str
    status: str
    order_date: date
    modified_us: int
    status_changed_us: int
    prices_incl_vat: bool
    ship_to: ShipTo | None
    lines: tuple[OrderLine, ...]
    inv_disc: Decimal
    amount: Decimal
    vat_amount: Decimal
    amount_incl_vat: Decimal
    tracking_no: str | None
    invoice_no: str | None

    def __init__(self, **kw: object) -> None:
        """Set every slot from keywords; tracking/invoice/ship-to default to None."""
        self.tracking_no = self.invoice_no = None
        self.ship_to = None
        for k, v in kw.items():
            setattr(self, k, v)

    def copy(self) -> SalesOrder:
        """Return a shallow copy (lines are immutable tuples)."""
        return SalesOrder(**{k: getattr(self, k) for k in self.__slots__ if hasattr(self, k)})

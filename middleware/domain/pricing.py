"""Price queries and quotes: what the shop asks and what the ERP answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .configuration import Configuration
from .money import ZERO, round_money

MAX_ITEMS = 200
MAX_QUANTITY = 1_000_000


class LineStatus(str, enum.Enum):
    """Outcome of pricing one line; only `ok` carries prices."""

    OK = "ok"
    NOT_FOUND = "not_found"
    BLOCKED = "blocked"
    NO_PRICE = "no_price"
    INVALID_CONFIGURATION = "invalid_configuration"


class PriceSource(str, enum.Enum):
    """Where a price came from."""

    ERP = "erp"
    CACHE = "cache"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class PriceRequestLine:
    """One line of a price query."""

    line_ref: str
    sku: str
    quantity: int
    configuration: Configuration = Configuration()

    def __post_init__(self) -> None:
        if not 0 < self.quantity <= MAX_QUANTITY:
            raise ValueError(f"quantity must be between 1 and {MAX_QUANTITY}")


@dataclass(frozen=True, slots=True)
class PriceQuery:
    """A batch of lines priced for one customer in one currency."""

    customer_id: str
    currency: str
    lines: tuple[PriceRequestLine, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.lines) <= MAX_ITEMS:
            raise ValueError(f"a price query has 1 to {MAX_ITEMS} items")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A surcharge or discount; `basis` is percent, per_unit or per_line (then the amount is per line)."""

    code: str
    basis: str
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class NextBreak:
    """The next quantity that lowers the base price."""

    min_quantity: int
    base_unit_price: Decimal


@dataclass(frozen=True, slots=True)
class LinePrice:
    """The ERP's breakdown for one (sku, quantity, configuration); prices only when status is ok."""

    sku: str
    quantity: int
    configuration: Configuration
    status: LineStatus
    status_text: str = ""
    list_unit_price: Decimal | None = None
    base_unit_price: Decimal | None = None
    price_origin: str | None = None
    surcharges: tuple[Adjustment, ...] = ()
    discounts: tuple[Adjustment, ...] = ()
    net_unit_price: Decimal | None = None
    net_amount: Decimal | None = None
    tax_rate: Decimal | None = None
    tax_amount: Decimal | None = None
    gross_amount: Decimal | None = None
    next_break: NextBreak | None = None


@dataclass(frozen=True, slots=True)
class ErpPriceAnswer:
    """What the ERP answered for a batch of lines."""

    currency: str
    prices_include_tax: bool
    valid_until: datetime | None
    lines: tuple[LinePrice, ...]


@dataclass(frozen=True, slots=True)
class QuotedLine:
    """A priced line as served to the shop, with its own provenance."""

    line_ref: str
    source: PriceSource
    fetched_at: datetime
    price: LinePrice


@dataclass(frozen=True, slots=True)
class Totals:
    """Net, tax and gross sums of the priced lines."""

    net: Decimal = ZERO
    tax: Decimal = ZERO
    gross: Decimal = ZERO


def totals_of(lines: tuple[LinePrice, ...] | list[LinePrice]) -> Totals:
    """Sum the ok lines; other lines contribute nothing (never a 0.00 price)."""
    net = tax = gross = ZERO
    for line in lines:
        if line.status is LineStatus.OK:
            net += line.net_amount or ZERO
            tax += line.tax_amount or ZERO
            gross += line.gross_amount or ZERO
    return Totals(round_money(net), round_money(tax), round_money(gross))


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """The answer to a price query."""

    quote_id: str
    customer_id: str
    currency: str
    source: PriceSource
    prices_include_tax: bool
    fetched_at: datetime
    valid_until: datetime
    lines: tuple[QuotedLine, ...]
    totals: Totals = field(default_factory=Totals)

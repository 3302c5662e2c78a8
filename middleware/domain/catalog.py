"""Customers and products as mirrored from the ERP."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class OptionKind(str, enum.Enum):
    """How an option is chosen."""

    SELECT = "select"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class OptionValue:
    """One choice of a select option."""

    code: str
    label: str


@dataclass(frozen=True, slots=True)
class ProductOption:
    """A configurable option of a product (colour, engraving, ...).

    `values` are in the ERP's order (their sort order); `max_length` bounds a text option's value;
    `default` is the value a configurator preselects (None: the ERP states none).
    """

    code: str
    label: str
    kind: OptionKind
    required: bool = False
    values: tuple[OptionValue, ...] = ()
    max_length: int | None = None
    default: str | None = None

    def label_for(self, value: str) -> str:
        """Human-readable label of a chosen value (text options echo the text)."""
        for option_value in self.values:
            if option_value.code == value:
                return option_value.label
        return value


@dataclass(frozen=True, slots=True)
class Product:
    """A sellable item: `sku` in the shop is `ItemNo` in the ERP."""

    sku: str
    name: str
    unit: str
    list_price: Decimal | None  # None: price on request (the ERP has no list price)
    currency: str
    tax_class: str
    blocked: bool = False
    active: bool = True
    options: tuple[ProductOption, ...] = ()
    updated_at: datetime | None = None

    def option(self, code: str) -> ProductOption | None:
        """The option with this code, if the product has it."""
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer: `customer_id` in the shop is `CustomerNo` in the ERP."""

    customer_id: str
    erp_customer_no: str
    name: str
    price_group: str
    discount_group: str
    currency: str
    prices_include_tax: bool
    blocked: bool = False
    vat_group: str = "DOMESTIC"
    active: bool = True
    updated_at: datetime | None = None

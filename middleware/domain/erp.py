"""Orders and pages as the ERP holds them, in our own vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from .configuration import Configuration
from .orders import OrderStatus

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ErpOrderLine:
    """A line of an ERP sales order."""

    line_no: int
    sku: str
    quantity: Decimal
    configuration: Configuration
    unit_price: Decimal
    net_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal


@dataclass(frozen=True, slots=True)
class ErpOrder:
    """A sales order in the ERP; `order_number` is its ExternalDocumentNo (the shop's number)."""

    erp_order_number: str
    order_number: str | None
    erp_customer_no: str
    currency: str
    status: OrderStatus
    lines: tuple[ErpOrderLine, ...]
    invoice_discount: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    last_modified: datetime
    prices_include_tax: bool = False
    tracking_no: str | None = None
    invoice_no: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paged ERP listing; `bookmark` is None on the last page."""

    items: tuple[T, ...]
    bookmark: str | None

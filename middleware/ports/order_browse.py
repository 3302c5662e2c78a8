"""Browsing orders on the admin page: filters, pages, and an order's lines, addresses and totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .admin import OrderSummary


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What the orders list shows; empty fields do not filter."""

    status: str = ""
    customer: str = ""
    received_from: datetime | None = None
    received_to: datetime | None = None
    deviations: bool = False
    attention: bool = False


@dataclass(frozen=True, slots=True)
class OrderPage:
    """One page of orders and how many match in all."""

    items: list[OrderSummary]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class LineView:
    """One order line: item, configuration with labels, quantity, quoted and ERP unit price."""

    line_ref: str
    sku: str
    quantity: int
    options: Mapping[str, str]
    option_labels: Mapping[str, str]
    unit_price: str
    erp_unit_price: str | None = None


@dataclass(frozen=True, slots=True)
class OrderContent:
    """What was ordered, where it goes, and the totals (ours and the ERP's)."""

    lines: list[LineView]
    shipping_address: Mapping[str, str]
    billing_address: Mapping[str, str] | None
    totals: Mapping[str, str]
    erp_totals: Mapping[str, str] | None = None
    notes: list[str] = field(default_factory=list)


class OrderBrowser(Protocol):
    """Orders by filter and page, wide search, and one order's content."""

    def page(self, query: OrderFilter, offset: int, limit: int) -> OrderPage:
        """Orders matching the filter, most recently changed first."""
        ...

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Orders by our or the ERP's number, customer number or name, tracking number or SKU."""
        ...

    def content(self, order_number: str) -> OrderContent | None:
        """An order's lines, addresses and totals, or None."""
        ...

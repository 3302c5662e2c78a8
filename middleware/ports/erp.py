"""The ERP as the core sees it; `middleware.soap.erp_client` implements it with zeep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..domain.catalog import Customer, Product
from ..domain.erp import ErpOrder, Page
from ..domain.orders import NewOrder
from ..domain.pricing import ErpPriceAnswer, PriceRequestLine


class Erp(Protocol):
    """Operations of the ERP; raise ErpUnavailable, ErpTimeout or ErpRejected (middleware.errors)."""

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The customer; NotFound when the ERP does not know it."""
        ...

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Price many lines in one call; answer lines are in request order."""
        ...

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create the order keyed by its order_number (ExternalDocumentNo)."""
        ...

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The order by external or ERP number, or None when the ERP has none."""
        ...

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """One page of orders modified since a time, oldest first."""
        ...

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Cancel an order in the ERP."""
        ...

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """One page of the ERP's items."""
        ...

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """One page of the ERP's customers."""
        ...

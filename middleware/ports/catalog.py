"""The catalog mirror (products, customers) as the core sees it; `middleware.store` implements it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from ..domain.catalog import Customer, Product


class CatalogRepository(Protocol):
    """Products and customers mirrored from the ERP."""

    def get_product(self, sku: str) -> Product | None:
        """The product, active or not, or None."""
        ...

    def list_products(
        self, *, offset: int = 0, limit: int = 100, include_inactive: bool = False
    ) -> list[Product]:
        """Products ordered by sku."""
        ...

    def count_products(self, *, include_inactive: bool = False) -> int:
        """How many products the mirror holds."""
        ...

    def upsert_products(self, products: Iterable[Product]) -> tuple[int, int]:
        """Insert or update; returns (created, updated)."""
        ...

    def deactivate_products_not_seen_since(self, since: datetime) -> int:
        """Mark products not updated since `since` inactive (never deleted); returns how many."""
        ...

    def get_customer(self, customer_id: str) -> Customer | None:
        """The customer by the shop's id, or None."""
        ...

    def get_customer_by_erp_no(self, erp_customer_no: str) -> Customer | None:
        """The customer by the ERP's number, or None."""
        ...

    def upsert_customers(self, customers: Iterable[Customer]) -> tuple[int, int]:
        """Insert or update; returns (created, updated)."""
        ...

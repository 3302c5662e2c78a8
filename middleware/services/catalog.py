"""The catalog mirror: products and customers from the ERP, kept in our store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from ..domain.catalog import Customer, Product
from ..domain.money import check_currency
from ..errors import NotFound
from ..ports.catalog import CatalogRepository
from ..ports.clock import Clock
from ..ports.erp import Erp
from .customers import CustomerDirectory
from .price_cache import PriceInvalidator

R = TypeVar("R", Product, Customer)

log = logging.getLogger(__name__)

MAX_PAGE = 500
SYNC_PAGE_SIZE = 200
MAX_SYNC_PAGES = 10_000  # a guard against an ERP that never stops handing out bookmarks


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What an upsert did; `errors` explain the rejected records."""

    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a full sync from the ERP did."""

    products: UpsertResult
    customers: UpsertResult
    deactivated: int


def _product_problem(product: Product) -> str | None:
    if not product.sku or len(product.sku) > 64:
        return "sku must be 1..64 characters"
    if product.list_price is not None and product.list_price < 0:
        return f"{product.sku}: list price must not be negative"
    try:
        check_currency(product.currency)
    except ValueError as exc:
        return f"{product.sku}: {exc}"
    return None


def _customer_problem(customer: Customer) -> str | None:
    if not customer.customer_id or not customer.erp_customer_no:
        return "customer_id and erp_customer_no are required"
    try:
        check_currency(customer.currency)
    except ValueError as exc:
        return f"{customer.customer_id}: {exc}"
    return None


def _same(a: object, b: object) -> bool:
    """Equal apart from bookkeeping fields (active, updated_at)."""
    return replace(a, updated_at=None, active=True) == replace(b, updated_at=None, active=True)  # type: ignore[type-var]


class CatalogService:
    """Reads and maintains the catalog mirror; changed records invalidate cached prices."""

    def __init__(
        self,
        repo: CatalogRepository,
        erp: Erp,
        clock: Clock,
        customers: CustomerDirectory,
        prices: PriceInvalidator | None = None,
    ) -> None:
        self.repo = repo
        self.erp = erp
        self.clock = clock
        self.customers = customers
        self.prices = prices

    def get_product(self, sku: str) -> Product:
        """The product; NotFound when the mirror does not hold it."""
        product = self.repo.get_product(sku)
        if product is None:
            raise NotFound("product", sku)
        return product

    def list_products(self, offset: int = 0, limit: int = 100) -> tuple[list[Product], int]:
        """A page of active products and the total count."""
        limit = max(1, min(limit, MAX_PAGE))
        return self.repo.list_products(offset=offset, limit=limit), self.repo.count_products()

    def customer(self, customer_id: str) -> Customer:
        """The customer by the shop's id (CustomerDirectory); NotFound when unknown."""
        return self.customers.customer(customer_id)

    def forget_customers(self, customer_ids: Iterable[str] | None = None) -> None:
        """Drop customers (all of them when None) from the in-memory cache."""
        self.customers.forget(customer_ids)

    def upsert_products(self, products: Iterable[Product]) -> UpsertResult:
        """Insert or update products; changed ones drop their cached prices."""
        return self._upsert(
            products,
            _product_problem,
            lambda p: p.sku,
            self.repo.get_product,
            self.repo.upsert_products,
            "skus",
        )

    def upsert_customers(self, customers: Iterable[Customer]) -> UpsertResult:
        """Insert or update customers; changed ones drop their cached prices."""
        customers = list(customers)
        try:
            return self._upsert(
                customers,
                _customer_problem,
                lambda c: c.customer_id,
                self.repo.get_customer,
                self.repo.upsert_customers,
                "customer_ids",
            )
        finally:  # also when the store failed half-way: the next read goes to the mirror
            self.forget_customers(c.customer_id for c in customers)

    def _upsert(
        self,
        records: Iterable[R],
        problem_of: Callable[[R], str | None],
        key_of: Callable[[R], str],
        load: Callable[[str], R | None],
        store: Callable[[list[R]], tuple[int, int]],
        invalidate_by: str,
    ) -> UpsertResult:
        accepted: list[R] = []
        errors: list[str] = []
        changed: list[str] = []
        for record in records:
            problem = problem_of(record)
            if problem:
                errors.append(problem)
                continue
            old = load(key_of(record))
            if old is not None and not _same(old, record):
                changed.append(key_of(record))
            accepted.append(record)
        created, updated = store(accepted) if accepted else (0, 0)
        if changed and self.prices is not None:
            if invalidate_by == "skus":
                self.prices.invalidate(skus=changed)
            else:
                self.prices.invalidate(customer_ids=changed)
        return UpsertResult(created, updated, len(errors), tuple(errors))

    def sync_from_erp(self, progress: Callable[[str, int], None] | None = None) -> SyncResult:
        """Page through the ERP's items and customers into the mirror; unseen items become inactive."""
        started = self.clock.now()
        products = self._sync(self.erp.list_items, self.upsert_products, "products", progress)
        customers = self._sync(self.erp.list_customers, self.upsert_customers, "customers", progress)
        deactivated = self.repo.deactivate_products_not_seen_since(started)
        log.info("catalog sync: products %s, customers %s, deactivated %d", products, customers, deactivated)
        return SyncResult(products, customers, deactivated)

    def _sync(
        self,
        list_page: Callable[[int, str | None], object],
        upsert: Callable[[Iterable], UpsertResult],  # type: ignore[type-arg]
        what: str,
        progress: Callable[[str, int], None] | None,
    ) -> UpsertResult:
        total = UpsertResult()
        bookmark: str | None = None
        for _ in range(MAX_SYNC_PAGES):
            page = list_page(SYNC_PAGE_SIZE, bookmark)
            result = upsert(page.items)  # type: ignore[attr-defined]
            total = UpsertResult(
                total.created + result.created,
                total.updated + result.updated,
                total.rejected + result.rejected,
                total.errors + result.errors,
            )
            if progress is not None:
                progress(what, total.created + total.updated + total.rejected)
            bookmark = page.bookmark  # type: ignore[attr-defined]
            if bookmark is None:
                break
        return total

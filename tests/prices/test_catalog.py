"""The catalog mirror: sync from the ERP, upserts, customer lookup, on SQLite or PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from middleware.domain.catalog import Product
from middleware.errors import NotFound

from .conftest import MUG, FakeClock, FakeErp


def test_sync_pages_through_items_and_customers(container, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, int]] = []
    result = container.catalog.sync_from_erp(progress=lambda what, n: seen.append((what, n)))
    assert result.products.created == 2 and result.customers.created == 2
    assert erp.count("list_items") == 2  # the fake hands out one item per page
    assert container.catalog.get_product("MUG-01") == MUG
    assert ("products", 2) in seen


def test_items_missing_from_a_later_sync_become_inactive_not_deleted(  # type: ignore[no-untyped-def]
    container, erp: FakeErp, clock: FakeClock
) -> None:
    container.catalog.sync_from_erp()
    erp.products = [MUG]
    clock.advance(60)
    result = container.catalog.sync_from_erp()
    assert result.deactivated == 1
    products, total = container.catalog.list_products(0, 10)
    assert [p.sku for p in products] == ["MUG-01"] and total == 1
    assert container.catalog.get_product("PEN-01").active is False


def test_unknown_product_is_not_found(container) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        container.catalog.get_product("NOPE")


def test_customer_is_fetched_from_the_erp_once_then_read_from_the_mirror(container, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    assert container.catalog.customer("C10000").name == "Ada Shop GmbH"
    assert container.catalog.customer("C10000").price_group == "RETAIL"
    assert erp.count("get_customer") == 1
    with pytest.raises(NotFound):
        container.catalog.customer("C99999")


def test_upsert_counts_and_rejects_bad_records(container) -> None:  # type: ignore[no-untyped-def]
    bad = Product("", "Nameless", "PCS", Decimal("1.00"), "EUR", "standard")
    negative = Product("NEG", "Negative", "PCS", Decimal("-1.00"), "EUR", "standard")
    result = container.catalog.upsert_products([MUG, bad, negative])
    assert (result.created, result.updated, result.rejected) == (1, 0, 2)
    result = container.catalog.upsert_products([replace(MUG, name="Big mug")])
    assert (result.created, result.updated, result.rejected) == (0, 1, 0)


def test_a_changed_product_invalidates_its_cached_prices(container, client) -> None:  # type: ignore[no-untyped-def]
    from .conftest import AUTH

    body = {"customer_id": "C10000", "currency": "EUR",
            "items": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60, "options": {"color": "gold"}}]}
    container.catalog.upsert_products([MUG])
    client.post("/api/v1/prices", json=body, headers=AUTH)
    assert len(container.prices.cache) == 1
    container.catalog.upsert_products([MUG])  # unchanged: the cache stays
    assert len(container.prices.cache) == 1
    container.catalog.upsert_products([replace(MUG, list_price=Decimal("13.00"))])
    assert len(container.prices.cache) == 0


def test_a_product_without_list_price_keeps_none(container) -> None:  # type: ignore[no-untyped-def]
    container.catalog.upsert_products([replace(MUG, sku="POR-01", list_price=None)])
    assert container.catalog.get_product("POR-01").list_price is None


def test_a_second_sync_reports_records_it_already_holds_as_unchanged(  # type: ignore[no-untyped-def]
    container, erp: FakeErp
) -> None:
    container.catalog.sync_from_erp()
    erp.products = [replace(MUG, name="Mug, new name"), *erp.products[1:]]
    again = container.catalog.sync_from_erp()
    assert (again.products.created, again.products.updated, again.products.unchanged) == (0, 1, 1)
    assert (again.customers.updated, again.customers.unchanged) == (0, 2)

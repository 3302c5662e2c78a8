"""Customers by the shop's id: a B2C account mapped to another ERP number is found before the first sync."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from middleware.domain.catalog import Customer
from middleware.errors import NotFound
from middleware.services.customers import ERP_SCAN_INTERVAL, CustomerDirectory
from middleware.store.catalog_repo import SqlCatalogRepository
from middleware.store.db import Database

from .conftest import FakeClock, FakeErp

B2C = Customer("B2C", "C30000", "Web shop consumers", "RETAIL", "", "EUR", True)


@pytest.fixture
def repo(database_url: str) -> Iterator[SqlCatalogRepository]:
    db = Database(database_url)
    yield SqlCatalogRepository(db, FakeClock())
    db.dispose()


def test_the_b2c_customer_is_found_under_its_own_erp_number_and_mirrored(repo: SqlCatalogRepository) -> None:
    clock = FakeClock()
    erp = FakeErp(clock)
    erp.customers["C30000"] = B2C
    directory = CustomerDirectory(repo, erp, clock)
    assert directory.customer("B2C").erp_customer_no == "C30000"
    assert repo.get_customer("B2C") is not None  # mirrored: the next process needs no ERP call
    assert erp.count("list_customers") == 1


def test_an_unknown_id_pages_the_erp_at_most_once_a_minute(repo: SqlCatalogRepository) -> None:
    clock = FakeClock()
    erp = FakeErp(clock)
    directory = CustomerDirectory(repo, erp, clock, ttl_seconds=0)
    for _ in range(3):
        with pytest.raises(NotFound):
            directory.customer("NOBODY")
    assert erp.count("list_customers") == 1
    clock.advance(ERP_SCAN_INTERVAL.total_seconds() + 1)
    with pytest.raises(NotFound):
        directory.customer("NOBODY")
    assert erp.count("list_customers") == 2

"""Fixtures of the price path: the FakeErp with a mug and a pen, a settable clock, an app."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from middleware.domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from middleware.errors import ErpUnavailable
from tests.fakes import FakeClock, FakeErp

API_KEY = "test-shop-key-123"
AUTH = {"Authorization": f"Bearer {API_KEY}"}

MUG = Product(
    sku="MUG-01", name="Mug", unit="PCS", list_price=Decimal("12.00"), currency="EUR", tax_class="standard",
    options=(
        ProductOption("color", "Colour", OptionKind.SELECT, True,
                      (OptionValue("white", "White"), OptionValue("gold", "Gold"))),
        ProductOption("engraving", "Engraving", OptionKind.TEXT, False),
    ),
)
CUSTOMER = Customer("C10000", "C10000", "Ada Shop GmbH", "RETAIL", "RETAIL", "EUR", False)
BLOCKED = Customer("C20000", "C20000", "Blocked Ltd", "RETAIL", "", "EUR", False, blocked=True)
PEN = Product("PEN-01", "Pen", "PCS", Decimal("1.50"), "EUR", "standard")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def erp(clock: FakeClock) -> FakeErp:
    return FakeErp(clock, customers=[CUSTOMER, BLOCKED], products=[MUG, PEN])


@pytest.fixture
def container(database_url: str, erp: FakeErp, clock: FakeClock) -> Iterator[object]:
    from middleware.config import Settings
    from middleware.wiring import build_container

    settings = Settings(database_url=database_url, shop_api_keys=(API_KEY,), breaker_failure_threshold=2,
                        breaker_reset_timeout=30.0)
    built = build_container(settings, erp=erp, clock=clock)  # type: ignore[arg-type]
    yield built
    built.db.dispose()


@pytest.fixture
def client(container: object):  # type: ignore[no-untyped-def]
    from middleware.app import create_app

    return create_app(container=container).test_client()  # type: ignore[arg-type]


def unavailable() -> ErpUnavailable:
    """The error a dead ERP link raises."""
    return ErpUnavailable("connection refused")

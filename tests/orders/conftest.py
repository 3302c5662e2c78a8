"""Fixtures of order write-back: the FakeErp (keeps orders, can fail), a clock, a seeded container."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from middleware.config import Settings
from middleware.domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from middleware.wiring import Container, build_container
from tests.fakes import FakeClock, FakeErp

API_KEY = "test-shop-key-123"
AUTH = {"Authorization": f"Bearer {API_KEY}"}

MUG = Product(
    sku="MUG-01",
    name="Mug",
    unit="PCS",
    list_price=Decimal("12.00"),
    currency="EUR",
    tax_class="standard",
    options=(
        ProductOption(
            "color",
            "Colour",
            OptionKind.SELECT,
            True,
            (OptionValue("white", "White"), OptionValue("gold", "Gold")),
        ),
        ProductOption("engraving", "Engraving", OptionKind.TEXT, False),
    ),
)
PEN = Product(
    sku="PEN-01", name="Pen", unit="PCS", list_price=Decimal("2.00"), currency="EUR", tax_class="standard"
)
CUSTOMER = Customer("C10000", "ERP-C10000", "Ada Shop GmbH", "RETAIL", "RETAIL", "EUR", False)
BLOCKED = Customer("C99999", "ERP-C99999", "Blocked AG", "RETAIL", "RETAIL", "EUR", False, blocked=True)


def order_body(number: str = "WEB-100001", **changes: Any) -> dict[str, Any]:
    """A valid POST /api/v1/orders body."""
    body: dict[str, Any] = {
        "order_number": number,
        "customer_id": "C10000",
        "currency": "EUR",
        "placed_at": "2026-11-23T10:02:00Z",
        "lines": [
            {
                "line_ref": "1",
                "sku": "MUG-01",
                "quantity": 60,
                "options": {"color": "gold", "engraving": "Happy Birthday"},
                "unit_price": "12.73",
                "quote_id": "q_1",
            }
        ],
        "shipping_address": {
            "name": "Ada Shop GmbH",
            "street": "Hauptstr. 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "totals": {"net": "763.80", "tax": "145.12", "gross": "908.92"},
    }
    body.update(changes)
    return body


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: fast backoff, short leases."""
    values: dict[str, Any] = dict(
        database_url=database_url,
        shop_api_keys=(API_KEY,),
        delivery_backoff_base=0.01,
        delivery_backoff_cap=0.05,
        delivery_lease_seconds=30,
        delivery_poll_interval=0.05,
    )
    values.update(overrides)
    return Settings.from_env({}, **values)


def seeded_container(database_url: str, erp: Any, clock: Any = None, **overrides: Any) -> Container:
    """A container on the test database with the customer and products mirrored."""
    container = build_container(make_settings(database_url, **overrides), erp=erp, clock=clock)
    container.catalog.repo.upsert_customers([CUSTOMER, BLOCKED])
    container.catalog.repo.upsert_products([MUG, PEN])
    return container


@pytest.fixture
def erp() -> FakeErp:
    """The in-memory ERP."""
    return FakeErp()


@pytest.fixture
def clock() -> FakeClock:
    """A hand-moved clock."""
    return FakeClock()


@pytest.fixture
def container(database_url: str, erp: FakeErp, clock: FakeClock) -> Iterator[Container]:
    """A container with the fake ERP and clock (no background worker running)."""
    c = seeded_container(database_url, erp, clock)
    yield c
    c.close()


@pytest.fixture
def client(container: Container):  # type: ignore[no-untyped-def]
    """A Flask test client of the app on the container."""
    from middleware.app import create_app

    return create_app(container=container).test_client()

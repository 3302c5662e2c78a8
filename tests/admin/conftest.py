"""Fixtures of the admin page: the FakeErp (told to fail with `down`), an app, and a signed-in client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from middleware.app import create_app
from middleware.config import Settings
from middleware.domain.catalog import Customer, Product
from middleware.wiring import Container, build_container
from tests.fakes import FakeErp, flat_price

ADMIN_USER, ADMIN_PASSWORD = "admin", "test-admin-password"
CUSTOMER = Customer("C10000", "ERP-C10000", "Ada Shop GmbH", "RETAIL", "RETAIL", "EUR", False)
PEN = Product(
    sku="PEN-01", name="Pen", unit="PCS", list_price=Decimal("2.00"), currency="EUR", tax_class="standard"
)
SHOP_KEY = "test-shop-key-123"


def order_body(number: str) -> dict[str, Any]:
    """A valid POST /api/v1/orders body for one pen line."""
    return {
        "order_number": number,
        "customer_id": "C10000",
        "currency": "EUR",
        "placed_at": datetime.now(UTC).isoformat(),
        "lines": [{"line_ref": "1", "sku": "PEN-01", "quantity": 10, "options": {}, "unit_price": "2.00"}],
        "shipping_address": {
            "name": "Ada Shop GmbH",
            "street": "Hauptstr. 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "totals": {"net": "20.00", "tax": "3.80", "gross": "23.80"},
    }


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Test settings with known admin credentials."""
    values: dict[str, Any] = dict(
        database_url=database_url,
        admin_username=ADMIN_USER,
        admin_password=ADMIN_PASSWORD,
        shop_api_keys=(SHOP_KEY,),
        secret_key="test-secret-key-0123456789",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def fake_erp() -> FakeErp:
    """A fresh fake ERP: one customer, every item at 9.00."""
    return FakeErp(customers=[CUSTOMER], products=[PEN], price=flat_price)


@pytest.fixture
def container(database_url: str, fake_erp: FakeErp) -> Iterator[Container]:
    """A wired container over the test database and the fake ERP, with one customer."""
    c = build_container(make_settings(database_url), erp=fake_erp)
    c.catalog.repo.upsert_customers([CUSTOMER])
    c.catalog.repo.upsert_products([PEN])
    yield c
    c.close()


@pytest.fixture
def app(container: Container) -> Any:
    """The Flask app."""
    flask_app = create_app(container=container)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Any) -> Any:
    """A client that is not signed in."""
    return app.test_client()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: Any, username: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> Any:
    """Sign in through the form; returns the response."""
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf_token": token, "username": username, "password": password})


@pytest.fixture
def admin_client(client: Any) -> Any:
    """A signed-in client."""
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def page_token(client: Any, path: str = "/admin/") -> str:
    """The CSRF token shown on a page of the signed-in client."""
    return csrf_of(client.get(path).get_data(as_text=True))


def now() -> datetime:
    """Timezone-aware now."""
    return datetime.now(UTC)


def place_order(client: Any, number: str) -> None:
    """POST an order through the shop API."""
    response = client.post(
        "/api/v1/orders", json=order_body(number), headers={"Authorization": f"Bearer {SHOP_KEY}"}
    )
    assert response.status_code in (201, 202), response.get_data(as_text=True)

"""Fixtures of the admin page: a FakeErp that can be told to fail, an app, and a signed-in client."""

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
from middleware.domain.erp import ErpOrder
from middleware.domain.orders import OrderStatus
from middleware.domain.pricing import ErpPriceAnswer, LinePrice, LineStatus
from middleware.errors import ErpUnavailable
from middleware.ports.erp import ErpCapabilities
from middleware.wiring import Container, build_container

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


class FakeErp:
    """Prices every line at 9.00 net; `down = True` makes every call fail like a refused connection."""

    capabilities = ErpCapabilities()
    endpoint = "http://127.0.0.1:9/erp"


    def __init__(self) -> None:
        self.down = False
        self.calls: list[str] = []
        self.orders: dict[str, ErpOrder] = {}

    def _check(self, name: str) -> None:
        self.calls.append(name)
        if self.down:
            raise ErpUnavailable("connection refused")

    def simulate_prices(self, erp_customer_no: str, currency: str, lines: Any) -> ErpPriceAnswer:
        """A fixed breakdown."""
        self._check("simulate_prices")
        return ErpPriceAnswer(
            currency,
            False,
            None,
            tuple(
                LinePrice(
                    ln.sku,
                    ln.quantity,
                    ln.configuration,
                    LineStatus.OK,
                    list_unit_price=Decimal("12.00"),
                    base_unit_price=Decimal("9.00"),
                    price_origin="customer_group",
                    net_unit_price=Decimal("9.00"),
                    net_amount=Decimal("9.00") * ln.quantity,
                    tax_rate=Decimal("19"),
                    tax_amount=Decimal("1.71") * ln.quantity,
                    gross_amount=Decimal("10.71") * ln.quantity,
                )
                for ln in lines
            ),
        )

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The one customer."""
        self._check("get_customer")
        return CUSTOMER

    def create_sales_order(self, order: Any, erp_customer_no: str) -> ErpOrder:
        """Accept the order (or fail while down)."""
        self._check("create_sales_order")
        if order.order_number not in self.orders:
            net = sum((ln.unit_price * ln.quantity for ln in order.lines), Decimal(0))
            self.orders[order.order_number] = ErpOrder(
                f"SO-{len(self.orders) + 1:06d}",
                order.order_number,
                erp_customer_no,
                order.currency,
                OrderStatus.ACCEPTED,
                (),
                Decimal(0),
                net,
                order.totals.tax,
                net + order.totals.tax,
                now(),
            )
        return self.orders[order.order_number]

    def get_sales_order(self, *, order_number: str | None = None, erp_order_number: str | None = None) -> Any:
        """The order by number, or None."""
        self._check("get_sales_order")
        return self.orders.get(order_number or "")

    def close(self) -> None:
        """Nothing to release."""


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
    """A fresh fake ERP."""
    return FakeErp()


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

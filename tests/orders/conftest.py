"""Fixtures of order write-back: a FakeErp that keeps orders (and can fail), a clock, a seeded container."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from middleware.config import Settings
from middleware.domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from middleware.domain.erp import ErpOrder, ErpOrderLine
from middleware.domain.money import round_money
from middleware.domain.orders import NewOrder, OrderStatus
from middleware.errors import ErpRejected, ErpTimeout
from middleware.ports.erp import ErpCapabilities
from middleware.wiring import Container, build_container

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


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current fake time."""
        with self._lock:
            return self.current

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self.current += timedelta(seconds=seconds)


class FakeErp:
    """Keeps sales orders by order number like the real ERP; `plan` scripts failures of the next calls."""

    capabilities = ErpCapabilities()
    endpoint = "http://127.0.0.1:9/erp"


    def __init__(self) -> None:
        self.orders: dict[str, ErpOrder] = {}
        self.calls: list[tuple[str, str]] = []
        self.plan: list[str] = []  # per create call: "down", "timeout_after_commit", "timeout", "reject", ...
        self.lookup_plan: list[str] = []
        self.unit_price_delta = Decimal("0")
        self.invoice_discount = Decimal("0")
        self.lock = threading.Lock()
        self.created = 0

    def _erp_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        lines = tuple(
            ErpOrderLine(
                (i + 1) * 10000,
                ln.sku,
                Decimal(ln.quantity),
                ln.configuration,
                ln.unit_price + self.unit_price_delta,
                round_money((ln.unit_price + self.unit_price_delta) * ln.quantity),
                Decimal("19"),
                Decimal(0),
            )
            for i, ln in enumerate(order.lines)
        )
        net = round_money(sum((ln.net_amount for ln in lines), Decimal(0)) - self.invoice_discount)
        tax = round_money(net * Decimal("0.19"))
        return ErpOrder(
            f"SO-{len(self.orders) + 1:06d}",
            order.order_number,
            erp_customer_no,
            order.currency,
            OrderStatus.ACCEPTED,
            lines,
            self.invoice_discount,
            net,
            tax,
            net + tax,
            datetime.now(UTC),
        )

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create (or fail as planned); a second create of the same number is a duplicate fault."""
        with self.lock:
            self.calls.append(("create", order.order_number))
            step = self.plan.pop(0) if self.plan else "ok"
            if step == "down":
                from middleware.errors import ErpUnavailable

                raise ErpUnavailable("connection refused")
            if step == "timeout":
                raise ErpTimeout("read timed out")
            if step == "reject":
                raise ErpRejected("ITEM_NOT_FOUND", "item MUG-01 does not exist", "ItemNo")
            if step == "busy":
                raise ErpRejected("SERVICE_BUSY", "try later", retryable=True)
            if order.order_number in self.orders:
                raise ErpRejected("DUPLICATE_EXTERNAL_DOCUMENT_NO", "already exists", "ExternalDocumentNo")
            self.orders[order.order_number] = self._erp_order(order, erp_customer_no)
            self.created += 1
            if step == "timeout_after_commit":
                raise ErpTimeout("read timed out after commit")
            return self.orders[order.order_number]

    def get_sales_order(self, *, order_number: str | None = None, erp_order_number: str | None = None) -> Any:
        """The order by number, or None."""
        with self.lock:
            self.calls.append(("get", order_number or ""))
            step = self.lookup_plan.pop(0) if self.lookup_plan else "ok"
            if step == "timeout":
                raise ErpTimeout("lookup timed out")
            return self.orders.get(order_number or "")

    def close(self) -> None:
        """Nothing to release."""

    def creates(self, order_number: str) -> int:
        """How often create was called for the order."""
        return sum(1 for kind, number in self.calls if kind == "create" and number == order_number)


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

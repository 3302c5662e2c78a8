"""Fixtures of the price path: a FakeErp (records calls, told to fail), a settable clock, an app."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from middleware.domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from middleware.domain.erp import Page
from middleware.domain.pricing import (
    Adjustment,
    ErpPriceAnswer,
    LinePrice,
    LineStatus,
    NextBreak,
    PriceRequestLine,
)
from middleware.errors import ErpUnavailable, NotFound
from middleware.ports.erp import ErpCapabilities

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


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current fake time."""
        return self.current

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.current += timedelta(seconds=seconds)


def worked_price(line: PriceRequestLine) -> LinePrice:
    """The worked case's price for any line (9.00 base, 12.73 net unit)."""
    if line.sku != "MUG-01":
        return LinePrice(line.sku, line.quantity, line.configuration, LineStatus.NOT_FOUND, "no such item")
    net = Decimal("12.73") * line.quantity + Decimal("15.00")  # engraving set-up fee per line
    tax = (net * Decimal("0.19")).quantize(Decimal("0.01"))
    return LinePrice(
        line.sku, line.quantity, line.configuration, LineStatus.OK, "",
        list_unit_price=Decimal("12.00"), base_unit_price=Decimal("9.00"), price_origin="customer_group",
        surcharges=(Adjustment("color", "percent", Decimal("10"), Decimal("0.90")),
                    Adjustment("engraving", "per_unit", Decimal("3.50"), Decimal("3.50")),
                    Adjustment("engraving_setup", "per_line", Decimal("15.00"), Decimal("15.00"))),
        discounts=(Adjustment("line_discount", "percent", Decimal("5"), Decimal("0.67")),),
        net_unit_price=Decimal("12.73"), net_amount=net, tax_rate=Decimal("19"), tax_amount=tax,
        gross_amount=net + tax, next_break=NextBreak(100, Decimal("8.50")),
    )


class FakeErp:
    """Implements ports.Erp in memory; records calls; `fail_with` makes every call raise."""

    capabilities = ErpCapabilities()
    endpoint = "http://127.0.0.1:9/erp"


    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[str, tuple]] = []
        self.fail_with: Exception | None = None
        self.delay = threading.Event()  # set() to let slow calls finish
        self.slow = False
        self.customers = {"C10000": CUSTOMER,
                          "C20000": Customer("C20000", "C20000", "Blocked Ltd", "RETAIL", "", "EUR", False,
                                             blocked=True)}
        self.products = [MUG, Product("PEN-01", "Pen", "PCS", Decimal("1.50"), "EUR", "standard")]
        self.valid_for = timedelta(hours=1)
        self._lock = threading.Lock()

    def _record(self, name: str, *args: object) -> None:
        with self._lock:
            self.calls.append((name, args))
        if self.slow:
            self.delay.wait(5)
        if self.fail_with is not None:
            raise self.fail_with

    def count(self, name: str) -> int:
        """How many calls of one operation were made."""
        return sum(1 for n, _ in self.calls if n == name)

    def get_customer(self, erp_customer_no: str) -> Customer:
        self._record("get_customer", erp_customer_no)
        if erp_customer_no not in self.customers:
            raise NotFound("customer", erp_customer_no)
        return self.customers[erp_customer_no]

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        self._record("simulate_prices", erp_customer_no, currency, tuple(lines))
        blocked = self.customers[erp_customer_no].blocked
        priced = tuple(
            LinePrice(ln.sku, ln.quantity, ln.configuration, LineStatus.BLOCKED, "customer blocked")
            if blocked else worked_price(ln)
            for ln in lines
        )
        return ErpPriceAnswer(currency, False, self.clock.now() + self.valid_for, priced)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        self._record("list_items", page_size, bookmark)
        start = int(bookmark or 0)
        chunk = self.products[start : start + 1]  # one per page: exercises paging
        nxt = str(start + 1) if start + 1 < len(self.products) else None
        return Page(tuple(chunk), nxt)

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        self._record("list_customers", page_size, bookmark)
        return Page(tuple(self.customers.values()), None)

    def create_sales_order(self, *a: object) -> None:  # not used by the price path
        raise NotImplementedError

    def get_sales_order(self, **kw: object) -> None:
        raise NotImplementedError

    def list_sales_orders(self, *a: object) -> None:
        raise NotImplementedError

    def cancel_sales_order(self, *a: object) -> None:
        raise NotImplementedError


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def erp(clock: FakeClock) -> FakeErp:
    return FakeErp(clock)


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

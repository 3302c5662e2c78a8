"""The one FakeErp and FakeClock of the test suite: in-memory stand-ins for the ports, told to fail by tests.

`FakeErp` implements the whole `ports.erp.Erp` port. Each test package configures it in its conftest.py
(customers, products, how lines are priced); tests script failures: `fail_with` (every call raises),
`down` (every call is refused), `slow` (calls wait for `delay`), `plan` / `lookup_plan` (what the next
create / lookup does).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from middleware.domain.catalog import Customer, Product
from middleware.domain.erp import ErpOrder, ErpOrderLine, Page
from middleware.domain.money import round_money
from middleware.domain.orders import NewOrder, OrderStatus
from middleware.domain.pricing import (
    Adjustment,
    ErpPriceAnswer,
    LinePrice,
    LineStatus,
    NextBreak,
    PriceRequestLine,
)
from middleware.errors import ErpRejected, ErpTimeout, ErpUnavailable, NotFound
from middleware.ports.erp import CheckItem, ErpCapabilities

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PriceRule = Callable[[PriceRequestLine], LinePrice]


class FakeClock:
    """A clock the test moves by hand (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or START
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current fake time."""
        with self._lock:
            return self.current

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        """Move time forward by seconds and/or timedelta keywords (minutes=5)."""
        with self._lock:
            self.current += timedelta(seconds=seconds, **delta)


def worked_price(line: PriceRequestLine) -> LinePrice:
    """The README's worked case for any MUG-01 line (9.00 base, 12.73 net unit); other items are unknown."""
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


def flat_price(line: PriceRequestLine) -> LinePrice:
    """Every item at 9.00 net a unit, 19 % tax."""
    return LinePrice(
        line.sku, line.quantity, line.configuration, LineStatus.OK,
        list_unit_price=Decimal("12.00"), base_unit_price=Decimal("9.00"), price_origin="customer_group",
        net_unit_price=Decimal("9.00"), net_amount=Decimal("9.00") * line.quantity, tax_rate=Decimal("19"),
        tax_amount=Decimal("1.71") * line.quantity, gross_amount=Decimal("10.71") * line.quantity,
    )


class FakeErp:
    """Implements ports.erp.Erp in memory: records calls, keeps orders like the ERP, can be told to fail."""

    capabilities = ErpCapabilities()
    endpoint = "http://127.0.0.1:9/fake-erp"  # nothing listens there

    def __init__(self, clock: FakeClock | None = None, *, customers: Iterable[Customer] = (),
                 products: Iterable[Product] = (), price: PriceRule = worked_price) -> None:
        self.clock = clock
        self.customers = {customer.erp_customer_no: customer for customer in customers}
        self.products = list(products)
        self.price = price
        self.valid_for = timedelta(hours=1)
        self.orders: list[ErpOrder] = []  # duplicates allowed (added by tests as an ERP user would)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail_with: Exception | None = None
        self.slow = False
        self.delay = threading.Event()  # set() to let slow calls finish
        self.plan: list[str] = []  # per create: "down", "timeout", "reject", "busy", "timeout_after_commit"
        self.lookup_plan: list[str] = []  # per lookup: "timeout"
        self.unit_price_delta = Decimal("0")
        self.invoice_discount = Decimal("0")
        self.created = 0
        self.lock = threading.RLock()

    @property
    def down(self) -> bool:
        """Whether every call is refused like a dead connection."""
        return isinstance(self.fail_with, ErpUnavailable)

    @down.setter
    def down(self, value: bool) -> None:
        self.fail_with = ErpUnavailable("connection refused") if value else None

    def _record(self, name: str, *args: object) -> None:
        with self.lock:
            self.calls.append((name, args))
        if self.slow:
            self.delay.wait(5)
        if self.fail_with is not None:
            raise self.fail_with

    def count(self, name: str) -> int:
        """How many calls of one operation were made."""
        return sum(1 for n, _ in self.calls if n == name)

    def creates(self, order_number: str) -> int:
        """How often create_sales_order was called for the order."""
        return sum(1 for n, args in self.calls if n == "create_sales_order" and args[0] == order_number)

    def lookups(self, number: str) -> int:
        """How often get_sales_order asked for the order (by either number)."""
        return sum(1 for n, args in self.calls if n == "get_sales_order" and number in args)

    def add(self, order: ErpOrder) -> ErpOrder:
        """Store an order as the ERP's user would (duplicates allowed)."""
        with self.lock:
            self.orders.append(order)
        return order

    def replace(self, erp_order_number: str, **changes: Any) -> ErpOrder:
        """Alter an order (the ERP's user edits it)."""
        with self.lock:
            for i, order in enumerate(self.orders):
                if order.erp_order_number == erp_order_number:
                    self.orders[i] = replace(order, **changes)
                    return self.orders[i]
        raise KeyError(erp_order_number)

    def delete(self, erp_order_number: str) -> None:
        """Remove an order."""
        with self.lock:
            self.orders = [o for o in self.orders if o.erp_order_number != erp_order_number]

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The customer; NotFound when unknown."""
        self._record("get_customer", erp_customer_no)
        if erp_customer_no not in self.customers:
            raise NotFound("customer", erp_customer_no)
        return self.customers[erp_customer_no]

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Each line by the price rule; every line blocked for a blocked customer."""
        self._record("simulate_prices", erp_customer_no, currency, tuple(lines))
        customer = self.customers.get(erp_customer_no)
        priced = tuple(
            LinePrice(ln.sku, ln.quantity, ln.configuration, LineStatus.BLOCKED, "customer blocked")
            if customer is not None and customer.blocked else self.price(ln)
            for ln in lines
        )
        valid_until = self.clock.now() + self.valid_for if self.clock is not None else None
        return ErpPriceAnswer(currency, False, valid_until, priced)

    def _erp_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        lines = tuple(
            ErpOrderLine((i + 1) * 10000, ln.sku, Decimal(ln.quantity), ln.configuration,
                         ln.unit_price + self.unit_price_delta,
                         round_money((ln.unit_price + self.unit_price_delta) * ln.quantity), Decimal("19"),
                         Decimal(0))
            for i, ln in enumerate(order.lines)
        )
        net = round_money(sum((ln.net_amount for ln in lines), Decimal(0)) - self.invoice_discount)
        tax = round_money(net * Decimal("0.19"))
        number = f"SO-{len(self.orders) + 1:06d}"
        return ErpOrder(number, order.order_number, erp_customer_no, order.currency, OrderStatus.ACCEPTED,
                        lines, self.invoice_discount, net, tax, net + tax, datetime.now(UTC))

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create (or fail as planned); a second create of the same number is a duplicate fault."""
        with self.lock:
            self._record("create_sales_order", order.order_number, erp_customer_no)
            step = self.plan.pop(0) if self.plan else "ok"
            if step == "down":
                raise ErpUnavailable("connection refused")
            if step == "timeout":
                raise ErpTimeout("read timed out")
            if step == "reject":
                raise ErpRejected("ITEM_NOT_FOUND", "item MUG-01 does not exist", "ItemNo")
            if step == "busy":
                raise ErpRejected("SERVICE_BUSY", "try later", retryable=True)
            if self._find(order.order_number, None) is not None:
                raise ErpRejected("DUPLICATE_EXTERNAL_DOCUMENT_NO", "already exists", "ExternalDocumentNo")
            created = self.add(self._erp_order(order, erp_customer_no))
            self.created += 1
            if step == "timeout_after_commit":
                raise ErpTimeout("read timed out after commit")
            return created

    def _find(self, order_number: str | None, erp_order_number: str | None) -> ErpOrder | None:
        for order in self.orders:
            if (order_number and order.order_number == order_number) or (
                erp_order_number and order.erp_order_number == erp_order_number
            ):
                return order
        return None

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The first order with that number, or None (or a timeout as planned)."""
        with self.lock:
            self._record("get_sales_order", order_number, erp_order_number)
            step = self.lookup_plan.pop(0) if self.lookup_plan else "ok"
            if step == "timeout":
                raise ErpTimeout("lookup timed out")
            return self._find(order_number, erp_order_number)

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """One page, oldest first by (last_modified, number); the bookmark is the offset."""
        self._record("list_sales_orders", modified_since, page_size, bookmark)
        rows = sorted((o for o in self.orders if modified_since is None or o.last_modified >= modified_since),
                      key=lambda o: (o.last_modified, o.erp_order_number))
        start = int(bookmark or 0)
        end = start + page_size
        return Page(tuple(rows[start:end]), str(end) if end < len(rows) else None)

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Cancel an order."""
        self._record("cancel_sales_order", erp_order_number, reason)
        order = self._find(None, erp_order_number)
        if order is None:
            raise ErpRejected("ORDER_NOT_FOUND", f"no order {erp_order_number}")
        return self.replace(erp_order_number, status=OrderStatus.CANCELLED)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """One item per page whatever the page size: exercises paging."""
        self._record("list_items", page_size, bookmark)
        start = int(bookmark or 0)
        return Page(tuple(self.products[start : start + 1]),
                    str(start + 1) if start + 1 < len(self.products) else None)

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """Every customer on one page."""
        self._record("list_customers", page_size, bookmark)
        return Page(tuple(self.customers.values()), None)

    def housekeeping(self) -> int:
        """Nothing to clean up."""
        return 0

    def check(self) -> Sequence[CheckItem]:
        """Always fine, unless told to fail."""
        return [CheckItem("fake ERP", self.fail_with is None, "in memory")]

    def close(self) -> None:
        """Nothing to release."""

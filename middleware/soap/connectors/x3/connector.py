"""Sage X3 over CAdxWebServiceXmlCC: implements `ports.erp.Erp` with run/save/read/query/delete.

Prices: one `run` of the published pricing subprogram per request. Orders: `save` of SOH with the shop's
number in the order-number field; lookup by `query` on that field. Status: polled (`read` of SOH). Master
data: `query` with listSize paging on a `gt.` key criterion, then `read` per item for its options.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from ....domain.catalog import Customer, Product
from ....domain.erp import ErpOrder, Page
from ....domain.orders import NewOrder, OrderStatus
from ....domain.pricing import ErpPriceAnswer, LinePrice, LineStatus, PriceRequestLine
from ....errors import ErpError, ErpRejected, ErpTimeout, ErpUnavailable, MiddlewareError, NotFound
from ....ports.erp import CheckItem, ConnectorConfig, ErpCapabilities
from ..shared.wsdl import fetch_wsdl, parse_wsdl
from .client import X3Client
from .contract import differences
from .mapping import MappingError, customer_from_x3, merged, product_from_x3
from .objxml import Fields, Flow
from .orders import order_from_x3, order_input
from .prices import price_answer, price_input, unmapped_options
from .profile import X3Profile, load

T = TypeVar("T")
NOT_FOUND = frozenset({"ORDER_NOT_FOUND", "CUSTOMER_NOT_FOUND", "NOT_FOUND"})


def _rows(flow: Flow) -> list[Fields]:
    """The lines of a query answer (its single table, whatever X3 named it)."""
    return next(iter(flow.tables.values()), [])


class X3Erp:
    """The ERP port for Sage X3 (V6 adxwsvc or V7 Syracuse)."""

    capabilities = ErpCapabilities(batch_prices=True, modified_since_listing=False, status_push=False)

    def __init__(self, config: ConnectorConfig) -> None:
        self.profile: X3Profile = load(config.profile)
        self.endpoint = config.endpoint or self.profile.base_url
        self.wsdl = config.wsdl or self.profile.wsdl or f"{self.endpoint}?wsdl"
        self.client = X3Client(config, self.profile, self.endpoint)

    def _map(self, operation: str, convert: Callable[[], T]) -> T:
        try:
            return convert()
        except (MappingError, ValueError) as exc:
            problem = f"{operation}: X3 answer not understood ({exc})"
            raise (ErpTimeout(problem) if operation == "save" else ErpUnavailable(problem)) from None

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The BPC record; NotFound when X3 has none."""
        name = self.profile.customers.object
        try:
            flow = self.client.call("read", name, keys=[("BPCNUM", erp_customer_no)])
        except ErpRejected as exc:
            if exc.code in NOT_FOUND:
                raise NotFound("customer", erp_customer_no) from None
            raise
        return self._map("read", lambda: customer_from_x3(merged(flow), self.profile))

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """One `run` of the pricing subprogram for every line whose options map to X3 fields."""
        sendable = [line for line in lines if not unmapped_options(line, self.profile)]
        answer = ErpPriceAnswer(currency, False, None, ())
        if sendable:
            xml = price_input(self.profile, erp_customer_no, currency, sendable, datetime.now(UTC).date())
            flow = self.client.call("run", self.profile.pricing.subprogram, xml=xml)
            answer = self._map("run", lambda: price_answer(flow, self.profile, currency, sendable))
        priced = iter(answer.lines)
        out = tuple(
            next(priced) if not unmapped_options(line, self.profile) else self._unmapped(line)
            for line in lines
        )
        return dataclasses.replace(answer, lines=out)

    def _unmapped(self, line: PriceRequestLine) -> LinePrice:
        codes = ", ".join(unmapped_options(line, self.profile))
        text = f"option(s) {codes} have no X3 field in the profile ([x3.options])"
        return LinePrice(line.sku, line.quantity, line.configuration, LineStatus.INVALID_CONFIGURATION, text)

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """`save` of the order object with the shop's number in the order-number field."""
        bad = sorted(
            {code for line in order.lines for code, _ in line.configuration.selections}
            - set(self.profile.options)
        )
        if bad:
            raise ErpRejected(
                "INVALID_CONFIGURATION", f"option(s) {', '.join(bad)} have no X3 field", field="options"
            )
        xml = order_input(order, erp_customer_no, self.profile)
        flow = self.client.call("save", self.profile.orders.object, xml=xml, subject=order.order_number)
        return self._map("save", lambda: order_from_x3(flow, self.profile))

    def _read_order(self, erp_order_number: str, subject: str | None = None) -> ErpOrder | None:
        try:
            flow = self.client.call(
                "read", self.profile.orders.object, keys=[("SOHNUM", erp_order_number)], subject=subject
            )
        except ErpRejected as exc:
            if exc.code in NOT_FOUND:
                return None
            raise
        return self._map("read", lambda: order_from_x3(flow, self.profile))

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """By the ERP's number (`read`) or by the shop's (`query` on the order-number field, then `read`)."""
        if erp_order_number:
            return self._read_order(erp_order_number, order_number)
        if not order_number:
            raise ValueError("give order_number or erp_order_number")
        o = self.profile.orders
        flow = self.client.call(
            "query", o.object, keys=[(o.order_number_field, order_number)], list_size=10, subject=order_number
        )
        numbers = sorted((row.get("SOHNUM") or "").strip() for row in _rows(flow))
        numbers = [n for n in numbers if n]
        return self._read_order(numbers[0], order_number) if numbers else None

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """Orders dated on or after the day of `modified_since`, by order number (X3 has no change filter)."""
        keys = (
            [("ORDDAT", "ge." + modified_since.astimezone(UTC).strftime("%Y%m%d"))] if modified_since else []
        )
        numbers = self._page_keys(self.profile.orders.object, "SOHNUM", keys, page_size, bookmark)
        orders = tuple(o for o in (self._read_order(n) for n in numbers[0]) if o is not None)
        return Page(orders, numbers[1])

    def _page_keys(
        self, name: str, key: str, keys: list[tuple[str, str]], page_size: int, bookmark: str | None
    ) -> tuple[list[str], str | None]:
        rows, more = self._page(name, key, keys, page_size, bookmark)
        values = [(row.get(key) or "").strip() for row in rows]
        return values, values[-1] if more and values else None

    def _page(
        self, name: str, key: str, keys: list[tuple[str, str]], page_size: int, bookmark: str | None
    ) -> tuple[list[Fields], bool]:
        size = max(1, min(page_size, self.profile.list_size))
        criteria = keys + ([(key, f"gt.{bookmark}")] if bookmark else [])
        rows = _rows(self.client.call("query", name, keys=criteria, list_size=size + 1))
        return rows[:size], len(rows) > size

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """`delete` of the order (X3 refuses once delivered); the answer, else the order read before."""
        before = self._read_order(erp_order_number)
        if before is None:
            raise ErpRejected("ORDER_NOT_FOUND", f"X3 has no sales order {erp_order_number}", field="SOHNUM")
        flow = self.client.call(
            "delete",
            self.profile.orders.object,
            keys=[("SOHNUM", erp_order_number)],
            subject=before.order_number,
        )
        if "SOHNUM" in merged(flow):
            return self._map("delete", lambda: order_from_x3(flow, self.profile))
        return dataclasses.replace(before, status=OrderStatus.CANCELLED)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """`query` of the item object, then `read` of each item (its option tables)."""
        name = self.profile.items.object
        refs, nxt = self._page_keys(name, "ITMREF", [], page_size, bookmark)
        flows = [self.client.call("read", name, keys=[("ITMREF", ref)]) for ref in refs]
        return Page(tuple(self._map("read", partial(product_from_x3, f, self.profile)) for f in flows), nxt)

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """`query` of the customer object (its list carries every field we need)."""
        rows, more = self._page(self.profile.customers.object, "BPCNUM", [], page_size, bookmark)
        customers = tuple(self._map("query", partial(customer_from_x3, r, self.profile)) for r in rows)
        return Page(customers, customers[-1].erp_customer_no if more and customers else None)

    def housekeeping(self) -> int:
        """Nothing is left behind in the ERP by this connector."""
        return 0

    def check(self) -> Sequence[CheckItem]:
        """WSDL against what we send, then getDescription of the pricing subprogram and one item query."""
        items = [
            CheckItem(
                "endpoint",
                True,
                f"{self.endpoint} (X3 {self.profile.version}, pool {self.profile.pool_alias})",
            )
        ]
        try:
            root = parse_wsdl(fetch_wsdl(self.wsdl, self.client.session), self.wsdl)
        except MiddlewareError as exc:
            return [*items, CheckItem("WSDL", False, str(exc))]
        problems = differences(root, self.profile.version)
        items.append(
            CheckItem("WSDL", not problems, "; ".join(problems) or f"{self.wsdl}: operations and parts match")
        )
        calls = (
            ("getDescription", self.profile.pricing.subprogram, None),
            ("query", self.profile.items.object, 1),
        )
        for operation, name, size in calls:
            try:
                self.client.call(operation, name, list_size=size)
                items.append(CheckItem(f"call {operation} {name}", True, "answered status 1"))
            except ErpError as exc:
                items.append(CheckItem(f"call {operation} {name}", False, str(exc)))
        return items

    def close(self) -> None:
        """Release connections."""
        self.client.close()

"""The reference ERP over SOAP with zeep: implements `ports.erp.Erp` for the contract `wsdl/erp.wsdl`.

One zeep Client per process: the WSDL is parsed once, one requests.Session keeps connections alive, and every
operation has a connect and a read timeout. The contract has every capability (batch prices, lookup by the
shop's number, a modified-since listing, status push).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import zeep

from ....domain.catalog import Customer, Product
from ....domain.erp import ErpOrder, Page
from ....domain.orders import NewOrder
from ....domain.pricing import ErpPriceAnswer, PriceRequestLine
from ....errors import ErpError, ErpRejected, MiddlewareError, NotFound
from ....ports.erp import CheckItem, ConnectorConfig, ErpCapabilities
from ..shared.http import make_session
from ..shared.recording import MessageRecorder, ZeepRecordingPlugin
from ..shared.wsdl import fetch_wsdl
from . import mapping as m
from .faults import erp_errors
from .order_listing import read_order_page
from .price_template import NS as TEMPLATE_NS
from .price_template import SimulatePricesCall
from .profile import ReferenceProfile

T = TypeVar("T")
SUBJECT_FIELDS = ("ExternalDocumentNo",)  # the shop's order number keys the audit rows the order page reads


class ReferenceErp:
    """The ERP port over the reference contract."""

    capabilities = ErpCapabilities()

    def __init__(self, config: ConnectorConfig, *, strict: bool = True) -> None:
        self.profile = ReferenceProfile.from_config(config)
        self.endpoint = self.profile.endpoint
        self.namespace = self.profile.namespace
        self.session = make_session(config)
        transport = zeep.Transport(
            session=self.session, timeout=config.connect_timeout + config.read_timeout,
            operation_timeout=(config.connect_timeout, config.read_timeout),
        )
        settings = zeep.Settings(
            strict=strict, forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False
        )
        self.recorder = MessageRecorder(config, SUBJECT_FIELDS)
        self.client = zeep.Client(wsdl=self.profile.wsdl, transport=transport, settings=settings,
                                  plugins=[ZeepRecordingPlugin(self.recorder)])
        self.service = self.client.create_service(self.profile.binding_qname, self.endpoint)
        # zeep's generic (de)serialiser dominated the price path (docs/performance.md): SimulateSalesPrices
        # uses a prebuilt request and a schema-driven reader; transport, plugins and faults stay zeep's
        self._fast: dict[str, Callable[..., Any]] = {}
        if self.namespace == TEMPLATE_NS:  # the template is built for the contract's own namespace
            self._fast["SimulateSalesPrices"] = SimulatePricesCall(
                self.client, self.profile.binding_qname, self.endpoint, self.profile.wsdl)
        self._closed = threading.Event()

    def _call(self, operation: str, convert: Callable[[Any], T], **kwargs: Any) -> T:
        with erp_errors(operation, self.namespace):
            response = (self._fast.get(operation) or getattr(self.service, operation))(**kwargs)
        return convert(response)

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The customer; NotFound when the ERP does not know it."""
        try:
            return self._call("GetCustomer", lambda r: m.customer_from_erp(r), CustomerNo=erp_customer_no)
        except ErpRejected as exc:
            if exc.code == "CUSTOMER_NOT_FOUND":
                raise NotFound("customer", erp_customer_no) from None
            raise

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Price many lines in one SimulateSalesPrices call; answer lines in request order."""
        return self._call(
            "SimulateSalesPrices",
            lambda r: m.price_answer_from_erp(r, lines),
            CustomerNo=erp_customer_no,
            CurrencyCode=currency,
            Lines=m.price_lines_to_erp(lines),
        )

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create the order keyed by its order_number (ExternalDocumentNo)."""
        return self._call("CreateSalesOrder", m.order_from_erp, **m.order_to_erp(order, erp_customer_no))

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The order by external or ERP number, or None when the ERP has none."""
        if not order_number and not erp_order_number:
            raise ValueError("give order_number or erp_order_number")
        try:
            return self._call(
                "GetSalesOrder", m.order_from_erp, No=erp_order_number, ExternalDocumentNo=order_number
            )
        except ErpRejected as exc:
            if exc.code == "ORDER_NOT_FOUND":
                return None
            raise

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """One page of orders modified since a time, oldest first (answer read with lxml: bulk reads)."""
        with erp_errors("ListSalesOrders", self.namespace), self.client.settings(raw_response=True):
            response = self.service.ListSalesOrders(
                ModifiedSince=modified_since, PageSize=page_size, Bookmark=bookmark)
        if response.status_code != 200:
            # faults and HTTP errors: the zeep path raises the mapped error from the error tree
            return self.list_sales_orders_zeep(modified_since, page_size, bookmark)
        return read_order_page(response.content)

    def list_sales_orders_zeep(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """ListSalesOrders read by zeep's object model (the reference the lxml reader is tested against)."""
        return self._call(
            "ListSalesOrders",
            lambda r: Page(tuple(m.order_from_erp(o) for o in m.items_of(r.SalesOrders, "SalesOrder")),
                           r.NextBookmark or None),
            ModifiedSince=modified_since, PageSize=page_size, Bookmark=bookmark,
        )

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Cancel an order in the ERP."""
        return self._call("CancelSalesOrder", m.order_from_erp, No=erp_order_number, Reason=reason)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """One page of the ERP's items."""
        return self._call(
            "ListItems",
            lambda r: Page(tuple(m.product_from_erp(i) for i in m.items_of(r.Items, "Item")),
                           r.NextBookmark or None),
            PageSize=page_size, Bookmark=bookmark,
        )

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """One page of the ERP's customers."""
        return self._call(
            "ListCustomers",
            lambda r: Page(tuple(m.customer_from_erp(c) for c in m.items_of(r.Customers, "Customer")),
                           r.NextBookmark or None),
            PageSize=page_size, Bookmark=bookmark,
        )

    def housekeeping(self) -> int:
        """Nothing is left behind in the ERP by this connector."""
        return 0

    def check(self) -> Sequence[CheckItem]:
        """WSDL, binding and operations, then one harmless call (ListItems, one record)."""
        items = [CheckItem("endpoint", True, self.endpoint)]
        try:
            fetch_wsdl(self.profile.wsdl, self.session)
            items.append(CheckItem("WSDL", True, self.profile.wsdl))
        except MiddlewareError as exc:
            return [*items, CheckItem("WSDL", False, str(exc))]
        operations = set(self.client.wsdl.bindings[self.profile.binding_qname].all())
        missing = sorted(set(m.OPERATIONS) - operations)
        found = "missing: " + ", ".join(missing) if missing else f"{len(m.OPERATIONS)} present"
        items.append(CheckItem("operations", not missing, found))
        try:
            page = self.list_items(1, None)
            items.append(CheckItem("call ListItems", True, f"answered ({len(page.items)} item)"))
        except ErpError as exc:
            items.append(CheckItem("call ListItems", False, str(exc)))
        return items

    def close(self) -> None:
        """Close pooled connections."""
        if not self._closed.is_set():
            self._closed.set()
            self.session.close()

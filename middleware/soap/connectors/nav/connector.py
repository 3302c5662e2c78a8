"""Dynamics NAV / Business Central (SOAP page and codeunit services): implements `ports.erp.Erp`.

Prices come from a published codeunit (one price and one discount call per NAV line, all concurrent) or from
a Sales Quote created and deleted per request; orders are SalesOrder page records carrying the shop's number
in the profile's field; a fully invoiced order is found among the posted sales invoices by `Order_No`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any

import requests
from urllib3.util import make_headers

from ....domain.catalog import Customer, Product
from ....domain.erp import ErpOrder, Page
from ....domain.orders import NewOrder, OrderStatus
from ....domain.pricing import ErpPriceAnswer, LineStatus, PriceRequestLine
from ....errors import ErpRejected, NotFound
from ....ports.erp import CheckItem, ConnectorConfig, ErpCapabilities
from ..shared.http import NtlmSessionPool, make_session
from ..shared.keepalive import ThreadConnections
from ..shared.recording import MessageRecorder
from . import mapping as m
from .check import run_check
from .codeunit import CodeunitPricer
from .codeunit_call import CodeunitCall
from .listing import OrderListing, filters, quoted
from .lookups import CustomerFacts, TtlCache, read_record
from .pricing import failed
from .profile import NavProfile
from .quote import QuotePricer
from .services import NavServices


class NavErp:
    """The ERP port over NAV's SOAP web services."""

    def __init__(self, config: ConnectorConfig) -> None:
        self.profile = NavProfile.from_config(config)
        p = self.profile
        self.capabilities = ErpCapabilities(
            batch_prices=p.pricing_mode == "quote",
            max_concurrent_calls=p.max_concurrent_calls,
            lookup_by_order_number=True,
            modified_since_listing=False,
            status_push=False,
        )
        self.endpoint = p.base_url
        size = max(config.pool_size, p.max_concurrent_calls)
        self.session: requests.Session = (
            NtlmSessionPool(config, size)
            if p.auth == "ntlm"
            else make_session(
                ConnectorConfig(username=config.username, password=config.password, pool_size=size)
            )
        )
        self.recorder = MessageRecorder(config, (p.order_number_field,))
        self.services = NavServices(p, config, self.session, self.recorder)
        self.pool = ThreadPoolExecutor(max_workers=p.max_concurrent_calls, thread_name_prefix="nav-call")
        self.customers = TtlCache(60.0)
        self.item_groups = TtlCache(600.0)
        codeunit_url = self.services.url("pricing_codeunit")
        timeouts = (config.connect_timeout, config.read_timeout)
        # with Basic the codeunit calls go over per-thread connections; NTLM stays on its session pool
        basic = make_headers(basic_auth=f"{config.username}:{config.password}")
        self.codeunit_call = CodeunitCall(
            codeunit_url,
            self.services.wsdl_location("pricing_codeunit"),
            self.services.namespace("pricing_codeunit"),
            self.session,
            timeouts,
            self.recorder,
            None if p.auth == "ntlm" else ThreadConnections(codeunit_url, basic, timeouts),
        )
        self.codeunit = CodeunitPricer(p, self.codeunit_call, self.pool, self._item_vat)
        self.quotes = QuotePricer(p, self.services.call)
        self.listing = OrderListing(p, self.services.call)
        self._closed = threading.Event()

    # --- facts ---------------------------------------------------------------------------------------

    def _customer_record(self, no: str) -> dict[str, Any]:
        rec = read_record(self.services.call, "customer", no)
        if rec is None:
            raise NotFound("customer", no)
        return rec

    def _facts(self, no: str) -> CustomerFacts:
        rec = self.customers.get(no, self._customer_record)
        c = m.customer_from_nav(rec, self.profile)
        return CustomerFacts(c.erp_customer_no, c.prices_include_tax, c.vat_group, c.currency, c.blocked)

    def _item_vat(self, sku: str) -> str:
        def load(no: str) -> str:
            rec = read_record(self.services.call, "item", no)
            return str(rec.get("VAT_Prod_Posting_Group") or "") if rec else ""

        return str(self.item_groups.get(sku, load))

    # --- the port -------------------------------------------------------------------------------------

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The Customer card; NotFound when NAV has none."""
        return m.customer_from_nav(self._customer_record(erp_customer_no), self.profile)

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Codeunit: every NAV line's price and discount, concurrently. Quote: one quote, deleted after."""
        if self.profile.pricing_mode == "quote":
            quoted_lines, incl = self.quotes.price(erp_customer_no, lines, self.profile.options)
            return ErpPriceAnswer(currency, incl, None, tuple(quoted_lines))
        try:
            facts = self._facts(erp_customer_no)
        except NotFound:
            raise ErpRejected("CUSTOMER_NOT_FOUND", f"Customer {erp_customer_no} does not exist") from None
        if facts.blocked:
            blocked = [
                failed(ln, LineStatus.BLOCKED, f"Customer {erp_customer_no} is blocked") for ln in lines
            ]
            return ErpPriceAnswer(currency, facts.prices_include_tax, None, tuple(blocked))
        priced = self.codeunit.price(facts, lines, self.profile.options)
        return ErpPriceAnswer(currency, facts.prices_include_tax, None, tuple(priced))

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create on the SalesOrder page with its lines, the shop's number in `order_number_field`.

        NAV does not keep that field unique, so an order already there (a retry after an unknown outcome)
        is looked up with ReadMultiple first and adopted instead of created twice.
        """
        existing = self.get_sales_order(order_number=order.order_number)
        if existing is not None:
            return existing
        fields = self.services.fields("sales_order")
        record = m.order_to_nav(order, erp_customer_no, self.profile, fields)
        return m.order_from_nav(self.services.call("sales_order", "Create", SalesOrder=record), self.profile)

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The open order, else the posted invoice it became (status invoiced), else None."""
        if not order_number and not erp_order_number:
            raise ValueError("give order_number or erp_order_number")
        p = self.profile
        if erp_order_number:
            rec = read_record(self.services.call, "sales_order", erp_order_number)
            invoice_filter = filters(Order_No=quoted(erp_order_number))
        else:
            found = self.listing.read(
                "sales_order", filters(**{p.order_number_field: quoted(order_number or "")}), 1
            )
            rec = found[0] if found else None
            invoice_filter = filters(**{p.posted_order_number_field: quoted(order_number or "")})
        if rec is not None:
            return m.order_from_nav(rec, p)
        invoices = self.listing.read("posted_invoice", invoice_filter, 1)
        return m.invoice_from_nav(invoices[0], p) if invoices else None

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """Orders dated since the day of `modified_since` (NAV keeps no change time), then posted invoices."""
        return self.listing.page(modified_since, page_size, bookmark)

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """NAV cancels by deleting the order (it is archived if the NAV admin keeps archives)."""
        rec = read_record(self.services.call, "sales_order", erp_order_number)
        if rec is None:
            raise ErpRejected("ORDER_NOT_FOUND", f"Sales order {erp_order_number} does not exist")
        self.services.call("sales_order", "Delete", Key=rec["Key"])
        return replace(m.order_from_nav(rec, self.profile), status=OrderStatus.CANCELLED)

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """Item cards page by page (bookmarkKey, at most [nav.catalog] page_size), filtered by item_filter."""
        size = min(page_size, self.profile.page_size)
        rows, nxt = self.listing.chunk("item", filters(**self.profile.item_filter), size, bookmark)
        return Page(tuple(m.product_from_nav(r, self.profile) for r in rows), nxt)

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """Customer cards page by page (bookmarkKey, at most [nav.catalog] page_size)."""
        rows, nxt = self.listing.chunk(
            "customer", filters(), min(page_size, self.profile.page_size), bookmark
        )
        return Page(tuple(m.customer_from_nav(r, self.profile) for r in rows), nxt)

    @property
    def undeleted_quotes(self) -> dict[str, str]:
        """Sales quotes that could not be deleted yet (No -> Key); housekeeping retries them."""
        return dict(self.quotes.undeleted)

    def housekeeping(self) -> int:
        """Retry deleting left-behind quotes; how many remain."""
        return self.quotes.housekeeping()

    def check(self) -> Sequence[CheckItem]:
        """WSDLs of every service the profile uses, the fields it names, one harmless call."""
        return run_check(self)

    def close(self) -> None:
        """Stop the call pool and close pooled connections."""
        if not self._closed.is_set():
            self._closed.set()
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.session.close()
            self.codeunit_call.close()

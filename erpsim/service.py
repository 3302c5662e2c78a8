"""The ERP operations: each takes the state, config and request wrapper and returns the response wrapper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from lxml import etree
from lxml.etree import _Element as Element

from erpsim.config import SimConfig
from erpsim.errors import ErpError
from erpsim.model import Customer, ShipTo
from erpsim.orders import OrderLineRequest, build_order, line_field, price_order_lines
from erpsim.pricing import LineRequest, price_line
from erpsim.store import ErpState, dt_to_us, page_by_key
from erpsim.xmlcodec import (
    customer_el,
    decimal,
    item_el,
    options,
    order_el,
    parse_date,
    parse_datetime,
    price_line_el,
    q,
    sub,
    text,
)

ZERO = Decimal("0.00")
Handler = Callable[[ErpState, SimConfig, Element], Element]


def _customer(state: ErpState, no: str | None) -> Customer:
    customer = state.catalog.customers.get(no or "")
    if customer is None:
        raise ErpError("CUSTOMER_NOT_FOUND", f"Customer {no} does not exist", "CustomerNo")
    return customer


def _currency(state: ErpState, requested: str | None, customer: Customer) -> str:
    currency = requested or customer.currency
    if currency != state.catalog.local_currency and currency not in state.catalog.exchange_rates:
        raise ErpError("VALIDATION", f"Currency {currency} is not set up", "CurrencyCode")
    return currency


def _allow_line_disc(state: ErpState, c: Customer) -> bool:
    group = state.catalog.price_groups.get(c.price_group or "")
    return group.allow_line_disc if group else True


def _line_requests(req: Element, cfg: SimConfig) -> list[tuple[LineRequest, Element]]:
    rows = req.find(q("Lines"))
    lines = [] if rows is None else rows.findall(q("Line"))
    if not lines or len(lines) > cfg.max_lines:
        raise ErpError("VALIDATION", f"Between 1 and {cfg.max_lines} lines are required", "Lines")
    out, seen = [], set()
    for el in lines:
        raw_no = text(el, "LineNo") or ""
        if not raw_no.lstrip("-").isdigit() or int(raw_no) in seen:
            raise ErpError(
                "VALIDATION", f"LineNo {raw_no!r} is missing, not a number or repeated", "Lines/Line/LineNo"
            )
        line_no = int(raw_no)
        seen.add(line_no)
        qty = decimal(el, "Quantity", line_field(line_no, "Quantity"))
        if qty is None or qty <= 0:
            raise ErpError(
                "VALIDATION", f"Line {line_no}: Quantity must be positive", line_field(line_no, "Quantity")
            )
        opts = tuple((c, v) for c, v, _ in options(el))
        out.append((LineRequest(line_no, text(el, "ItemNo") or "", qty, opts), el))
    return out


def get_customer(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """GetCustomer(CustomerNo) -> Customer."""
    customer = _customer(state, text(req, "CustomerNo"))
    resp = etree.Element(q("GetCustomerResponse"))
    customer_el(resp, customer, _allow_line_disc(state, customer))
    return resp


def simulate_sales_prices(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """SimulateSalesPrices: price many lines; per-line status instead of faults."""
    lines = _line_requests(req, cfg)
    now = datetime.now(UTC)
    day = parse_date(text(req, "PriceDate"), "PriceDate") or now.date()
    with state.lock:
        customer = _customer(state, text(req, "CustomerNo"))
        currency = _currency(state, text(req, "CurrencyCode"), customer)
        catalog = state.catalog
    results = [price_line(catalog, customer, line, currency, day) for line, _ in lines]
    valid_until = now + timedelta(seconds=cfg.quote_ttl_seconds)
    for r in results:
        if r.valid_through is not None:
            end = datetime.combine(r.valid_through + timedelta(days=1), time(0), UTC)
            valid_until = min(valid_until, end)
    resp = etree.Element(q("SimulateSalesPricesResponse"))
    for name, value in (
        ("CustomerNo", customer.customer_no),
        ("CurrencyCode", currency),
        ("PricesIncludingVAT", customer.prices_incl_vat),
        ("PriceDate", day),
        ("ValidUntil", valid_until.replace(microsecond=0)),
    ):
        sub(resp, name, value)
    box = sub(resp, "Lines")
    for r in results:
        price_line_el(box, r)
    return resp


def _ship_to(req: Element) -> ShipTo | None:
    el = req.find(q("ShipTo"))
    if el is None:
        return None
    return ShipTo(
        text(el, "Name") or "",
        text(el, "Address"),
        text(el, "Address2"),
        text(el, "PostCode"),
        text(el, "City"),
        text(el, "CountryCode"),
    )


def _mismatch(cfg: SimConfig, expected: Decimal | None, actual: Decimal, field: str) -> bool:
    if expected is None or abs(expected - actual) <= cfg.price_tolerance:
        return False
    if cfg.price_mismatch_policy == "reject":
        raise ErpError("VALIDATION", f"{field}: expected {expected}, ERP price is {actual}", field)
    return cfg.price_mismatch_policy == "hold"


def create_sales_order(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """CreateSalesOrder: price at order time, add the invoice discount, store; unique ExternalDocumentNo."""
    ext_no = text(req, "ExternalDocumentNo")
    if not ext_no or len(ext_no) > 35:
        raise ErpError(
            "VALIDATION", "ExternalDocumentNo is required (max. 35 characters)", "ExternalDocumentNo"
        )
    lines = _line_requests(req, cfg)
    requests = [
        OrderLineRequest(
            line,
            tuple(lab for _, _, lab in options(el)),
            decimal(el, "ExpectedUnitPrice", line_field(line.line_no, "ExpectedUnitPrice")),
        )
        for line, el in lines
    ]
    order_date = parse_date(text(req, "OrderDate"), "OrderDate") or datetime.now(UTC).date()
    with state.lock:
        existing = state.find_ext(ext_no)
        if existing is not None:
            raise ErpError(
                "DUPLICATE_EXTERNAL_DOCUMENT_NO",
                f"External document {ext_no} already exists as sales order {existing.no}",
                "ExternalDocumentNo",
                existing.no,
            )
        customer = _customer(state, text(req, "CustomerNo"))
        currency = _currency(state, text(req, "CurrencyCode"), customer)
        priced = price_order_lines(state.catalog, customer, requests, currency, order_date)
        hold = False
        for (line, _), r in zip(priced, requests, strict=True):
            hold |= _mismatch(
                cfg, r.expected_unit_price, line.unit_price, line_field(line.line_no, "ExpectedUnitPrice")
            )
        net = sum((ln.line_amount for ln, _ in priced), ZERO)
        hold |= _mismatch(cfg, decimal(req, "ExpectedAmount"), net, "ExpectedAmount")
        hold |= _mismatch(
            cfg,
            decimal(req, "ExpectedAmountIncludingVAT"),
            sum((ln.amount_incl_vat for ln, _ in priced), ZERO),
            "ExpectedAmountIncludingVAT",
        )
        seq, no = state.new_no()
        order = build_order(
            seq,
            no,
            ext_no,
            customer,
            currency,
            order_date,
            [ln for ln, _ in priced],
            state.catalog,
            state.stamp(),
            _ship_to(req),
            "ON_HOLD" if hold else "OPEN",
        )
        state.insert(order)
    resp = etree.Element(q("CreateSalesOrderResponse"))
    order_el(resp, order)
    return resp


def get_sales_order(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """GetSalesOrder(No | ExternalDocumentNo) -> SalesOrder or fault ORDER_NOT_FOUND."""
    no, ext_no = text(req, "No"), text(req, "ExternalDocumentNo")
    if no is None and ext_no is None:
        raise ErpError("VALIDATION", "No or ExternalDocumentNo is required", "No")
    with state.lock:
        order = state.get(no) if no else state.find_ext(ext_no or "")
    if order is None or (ext_no and order.ext_no != ext_no):
        raise ErpError(
            "ORDER_NOT_FOUND", f"No sales order for external document {ext_no}", "ExternalDocumentNo"
        )
    resp = etree.Element(q("GetSalesOrderResponse"))
    order_el(resp, order)
    return resp


def _page_size(cfg: SimConfig, req: Element) -> int:
    raw = text(req, "PageSize")
    size = int(raw) if raw and raw.isdigit() else cfg.default_page_size
    if size < 1:
        raise ErpError("VALIDATION", "PageSize must be at least 1", "PageSize")
    return min(size, cfg.max_page_size)


def list_sales_orders(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """ListSalesOrders: ordered by (LastModified, No), ModifiedSince inclusive, bookmark paging."""
    since = parse_datetime(text(req, "ModifiedSince"), "ModifiedSince")
    rows, nxt = state.page_orders(
        dt_to_us(since) if since else None, text(req, "Bookmark"), _page_size(cfg, req)
    )
    resp = etree.Element(q("ListSalesOrdersResponse"))
    box = sub(resp, "SalesOrders")
    for order in rows:
        order_el(box, order)
    sub(resp, "NextBookmark", nxt, True)
    return resp


def cancel_sales_order(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """CancelSalesOrder(No, Reason): OPEN/RELEASED/ON_HOLD -> CANCELLED; idempotent when cancelled."""
    with state.lock:
        order = state.get(text(req, "No") or "")
        if order.status in ("SHIPPED", "INVOICED"):
            raise ErpError(
                "VALIDATION", f"Sales order {order.no} is {order.status} and cannot be cancelled", "No"
            )
    if order.status != "CANCELLED":
        order = state.replace_order(order, status="CANCELLED")
    resp = etree.Element(q("CancelSalesOrderResponse"))
    order_el(resp, order)
    return resp


def list_items(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """ListItems: items ordered by ItemNo with bookmark paging."""
    catalog = state.catalog
    rows, nxt = page_by_key(catalog.items.items(), text(req, "Bookmark"), _page_size(cfg, req))
    resp = etree.Element(q("ListItemsResponse"))
    box = sub(resp, "Items")
    for item in rows:
        item_el(box, item, catalog.local_currency)  # type: ignore[arg-type]
    sub(resp, "NextBookmark", nxt, True)
    return resp


def list_customers(state: ErpState, cfg: SimConfig, req: Element) -> Element:
    """ListCustomers: customers ordered by CustomerNo with bookmark paging."""
    rows, nxt = page_by_key(state.catalog.customers.items(), text(req, "Bookmark"), _page_size(cfg, req))
    resp = etree.Element(q("ListCustomersResponse"))
    box = sub(resp, "Customers")
    for c in rows:
        customer_el(box, c, _allow_line_disc(state, c))  # type: ignore[arg-type]
    sub(resp, "NextBookmark", nxt, True)
    return resp


OPERATIONS: dict[str, Handler] = {
    "GetCustomer": get_customer,
    "SimulateSalesPrices": simulate_sales_prices,
    "CreateSalesOrder": create_sales_order,
    "GetSalesOrder": get_sales_order,
    "ListSalesOrders": list_sales_orders,
    "CancelSalesOrder": cancel_sales_order,
    "ListItems": list_items,
    "ListCustomers": list_customers,
}

"""Reading request elements and writing response elements of the urn:legacy-erp:sales:v1 schema."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree
from lxml.etree import _Element as Element

from erpsim.errors import ErpError
from erpsim.model import Customer, Item, SalesOrder
from erpsim.pricing import Adjustment, LineResult
from erpsim.store import us_to_dt

NS = "urn:legacy-erp:sales:v1"


def q(name: str) -> str:
    """Qualified tag in the ERP namespace."""
    return f"{{{NS}}}{name}"


def fmt(value: object) -> str:
    """Wire text of a value: decimals plain, booleans lower-case, date-times in UTC with Z."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sub(parent: Element, name: str, value: object = None, optional: bool = False) -> Element:
    """Append a child element (skipped when optional and value is None)."""
    if value is None and optional:
        return parent
    el = etree.SubElement(parent, q(name))
    if value is not None:
        el.text = fmt(value)
    return el


def subs(parent: Element, pairs: Iterable[tuple[str, object]], optional: bool = False) -> None:
    """Append several (name, value) children in order."""
    for name, value in pairs:
        sub(parent, name, value, optional)


def text(el: Element, name: str) -> str | None:
    """Stripped text of a direct child, None when absent or empty."""
    child = el.find(q(name))
    if child is None or child.text is None or not child.text.strip():
        return None
    return child.text.strip()


def decimal(el: Element, name: str, field: str | None = None) -> Decimal | None:
    """Decimal child value or fault VALIDATION."""
    raw = text(el, name)
    if raw is None:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ErpError("VALIDATION", f"{name} is not a decimal: {raw!r}", field or name) from None
    if not value.is_finite():
        raise ErpError("VALIDATION", f"{name} is not a finite decimal", field or name)
    return value


def parse_date(raw: str | None, field: str) -> date | None:
    """xs:date (timezone suffix ignored) or fault VALIDATION."""
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ErpError("VALIDATION", f"{field} is not a date: {raw!r}", field) from None


def parse_datetime(raw: str | None, field: str) -> datetime | None:
    """xs:dateTime as aware UTC (no offset = UTC) or fault VALIDATION."""
    if raw is None:
        return None
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ErpError("VALIDATION", f"{field} is not a dateTime: {raw!r}", field) from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def options(el: Element) -> list[tuple[str, str, str | None]]:
    """Options/Option{Code, Value, Label?} of a line as (code, value, label) triples."""
    box = el.find(q("Options"))
    if box is None:
        return []
    return [
        (text(o, "Code") or "", (o.findtext(q("Value")) or ""), text(o, "Label"))
        for o in box.findall(q("Option"))
    ]


def customer_el(parent: Element, c: Customer, allow_line_disc: bool, tag: str = "Customer") -> Element:
    """Write a Customer."""
    el = sub(parent, tag)
    sub(el, "CustomerNo", c.customer_no)
    sub(el, "Name", c.name)
    sub(el, "ShopCustomerId", c.shop_customer_id, True)
    sub(el, "PriceGroup", c.price_group, True)
    sub(el, "DiscountGroup", c.disc_group, True)
    sub(el, "CurrencyCode", c.currency)
    sub(el, "PricesIncludingVAT", c.prices_incl_vat)
    sub(el, "VATBusPostingGroup", c.vat_group)
    sub(el, "AllowLineDiscount", allow_line_disc)
    sub(el, "Blocked", c.blocked)
    sub(el, "LastModified", c.last_modified)
    return el


def item_el(parent: Element, i: Item, currency: str) -> Element:
    """Write an Item with its options."""
    el = sub(parent, "Item")
    subs(
        el,
        (
            ("ItemNo", i.item_no),
            ("Description", i.description),
            ("BaseUnitOfMeasure", i.base_uom),
        ),
    )
    sub(el, "UnitPrice", i.unit_price, True)
    sub(el, "CurrencyCode", currency)
    sub(el, "TaxClass", i.tax_class)
    sub(el, "ItemDiscountGroup", i.item_disc_group, True)
    sub(el, "Blocked", i.blocked)
    sub(el, "LastModified", i.last_modified)
    box = sub(el, "Options")
    for o in i.options:
        oel = sub(box, "Option")
        subs(oel, (("Code", o.code), ("Label", o.label), ("Kind", o.kind), ("Required", o.required)))
        sub(oel, "MaxLength", o.max_length, True)
        values = sub(oel, "Values")
        for v in o.values:
            vel = sub(values, "Value")
            sub(vel, "Code", v.code)
            sub(vel, "Label", v.label)
    return el


def _adjustments(parent: Element, box: str, tag: str, rows: tuple[Adjustment, ...]) -> None:
    el = sub(parent, box)
    for a in rows:
        ael = sub(el, tag)
        subs(ael, (("Code", a.code), ("Basis", a.basis), ("Rate", a.rate), ("Amount", a.amount)))


def price_line_el(parent: Element, r: LineResult) -> Element:
    """Write a PriceLineResult; price fields only for Status OK."""
    el = sub(parent, "Line")
    subs(
        el,
        (
            ("LineNo", r.line_no),
            ("ItemNo", r.item_no),
            ("Quantity", r.quantity),
            ("Status", r.status),
        ),
    )
    sub(el, "StatusText", r.status_text, True)
    if r.status != "OK":
        return el
    sub(el, "ListUnitPrice", r.list_unit_price, True)
    sub(el, "BaseUnitPrice", r.base_unit_price)
    sub(el, "PriceOrigin", r.price_origin)
    _adjustments(el, "Surcharges", "Surcharge", r.surcharges)
    _adjustments(el, "Discounts", "Discount", r.discounts)
    subs(
        el,
        (
            ("NetUnitPrice", r.net_unit_price),
            ("LineAmount", r.line_amount),
            ("VATPercent", r.vat_percent),
            ("VATAmount", r.vat_amount),
            ("AmountIncludingVAT", r.amount_incl_vat),
        ),
    )
    if r.next_break is not None:
        nb = sub(el, "NextBreak")
        sub(nb, "MinQuantity", r.next_break[0])
        sub(nb, "BaseUnitPrice", r.next_break[1])
    return el


def order_el(parent: Element, o: SalesOrder, tag: str = "SalesOrder") -> Element:
    """Write a SalesOrder."""
    el = sub(parent, tag)
    subs(
        el,
        (
            ("No", o.no),
            ("ExternalDocumentNo", o.ext_no),
            ("CustomerNo", o.customer_no),
            ("CurrencyCode", o.currency),
            ("Status", o.status),
            ("OrderDate", o.order_date),
            ("LastModified", us_to_dt(o.modified_us)),
            ("PricesIncludingVAT", o.prices_incl_vat),
        ),
    )
    if o.ship_to is not None:
        st = sub(el, "ShipTo")
        s = o.ship_to
        sub(st, "Name", s.name)
        subs(
            st,
            (
                ("Address", s.address),
                ("Address2", s.address2),
                ("PostCode", s.post_code),
                ("City", s.city),
                ("CountryCode", s.country_code),
            ),
            optional=True,
        )
    lines = sub(el, "Lines")
    for ln in o.lines:
        lel = sub(lines, "Line")
        sub(lel, "LineNo", ln.line_no)
        sub(lel, "ItemNo", ln.item_no)
        sub(lel, "Description", ln.description)
        sub(lel, "Quantity", ln.quantity)
        if ln.options:
            box = sub(lel, "Options")
            for code, value, label in ln.options:
                oel = sub(box, "Option")
                sub(oel, "Code", code)
                sub(oel, "Value", value)
                sub(oel, "Label", label, True)
        subs(
            lel,
            (
                ("UnitPrice", ln.unit_price),
                ("LineAmount", ln.line_amount),
                ("InvoiceDiscountAmount", ln.inv_disc),
                ("VATPercent", ln.vat_percent),
                ("VATAmount", ln.vat_amount),
                ("AmountIncludingVAT", ln.amount_incl_vat),
            ),
        )
    subs(
        el,
        (
            ("InvoiceDiscountAmount", o.inv_disc),
            ("Amount", o.amount),
            ("VATAmount", o.vat_amount),
            ("AmountIncludingVAT", o.amount_incl_vat),
        ),
    )
    sub(el, "TrackingNo", o.tracking_no, True)
    sub(el, "InvoiceNo", o.invoice_no, True)
    return el

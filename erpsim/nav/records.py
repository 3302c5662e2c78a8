"""Store records as NAV page records (dicts of NAV field names) and NAV record keys."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from decimal import Decimal
from typing import Any

from erpsim.model import Catalog, Customer, Item, OrderLine, SalesOrder
from erpsim.nav.faults import NavFault
from erpsim.nav.lines import NavLine
from erpsim.nav.setup import ChargeItem, variant_code
from erpsim.pricing import round2
from erpsim.store import us_to_dt

Record = dict[str, Any]
ZERO = Decimal("0.00")
STATUS = {"OPEN": "Open", "RELEASED": "Released", "ON_HOLD": "Pending_Approval", "SHIPPED": "Released"}
TABLE_IDS = {"SalesOrder": 36, "SalesQuote": 36, "Customer": 18, "Item": 27, "PostedSalesInvoice": 112}


def make_key(table: int, ident: str, version: int) -> str:
    """NAV-like bookmark key: '<table>;<base64 of the primary key>;<row version>;'."""
    return f"{table};{base64.b64encode(ident.encode()).decode()};{version};"


def parse_key(key: str | None) -> tuple[int, str, int]:
    """(table, primary key, version) of a Key, or a NAV fault for a malformed one."""
    try:
        table, ident, version, _ = (key or "").split(";")
        return int(table), base64.b64decode(ident, validate=True).decode(), int(version)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise NavFault.broker(f"The key '{key}' is not valid.") from None


def _discount(ln: OrderLine) -> tuple[Decimal, Decimal]:
    gross = round2(ln.quantity * ln.unit_price)
    amount = max(gross + ln.line_fee - ln.line_amount, ZERO)
    pct = round2(amount * 100 / gross) if gross else ZERO
    return pct, amount


def _line_type(ln: OrderLine) -> str:
    return "_blank_" if not ln.item_no else "Item"


def order_line_record(o: SalesOrder, ln: OrderLine, catalog: Catalog, version: int) -> Record:
    """A stored order line as a NAV subpage line."""
    item = catalog.items.get(ln.item_no)
    selects = (
        tuple(v for _, v, _ in ln.options) if item and any(o.kind == "SELECT" for o in item.options) else ()
    )
    pct, disc = _discount(ln)
    shipped = ln.quantity if o.status in ("SHIPPED", "INVOICED") else ZERO
    invoiced = ln.quantity if o.status == "INVOICED" else ZERO
    is_item = bool(ln.item_no)
    return {
        "Key": make_key(37, f"{o.no}:{ln.line_no}", version),
        "Type": _line_type(ln),
        "No": ln.item_no or None,
        "Variant_Code": variant_code(selects) if selects else None,
        "Description": ln.description,
        "VAT_Prod_Posting_Group": (item.tax_class if item else "STANDARD") if is_item else None,
        "Quantity": ln.quantity if is_item else None,
        "Unit_of_Measure_Code": (item.base_uom if item else "PCS") if is_item else None,
        "Unit_Price": ln.unit_price if is_item else None,
        "Line_Amount": ln.line_amount if is_item else None,
        "Line_Discount_Percent": pct if is_item else None,
        "Line_Discount_Amount": disc if is_item else None,
        "Inv_Discount_Amount": ln.inv_disc if is_item else None,
        "Qty_to_Ship": ln.quantity - shipped if is_item else None,
        "Quantity_Shipped": shipped if is_item else None,
        "Qty_to_Invoice": ln.quantity - invoiced if is_item else None,
        "Quantity_Invoiced": invoiced if is_item else None,
        "Document_No": o.no,
        "Line_No": ln.line_no,
        "Total_Amount_Excl_VAT": o.amount,
        "Total_VAT_Amount": o.vat_amount,
        "Total_Amount_Incl_VAT": o.amount_incl_vat,
    }


def _header(o: SalesOrder, customer: Customer | None) -> Record:
    s = o.ship_to
    return {
        "Key": make_key(36, o.no, o.modified_us),
        "No": o.no,
        "Sell_to_Customer_No": o.customer_no,
        "Sell_to_Customer_Name": customer.name if customer else None,
        "External_Document_No": o.ext_no or None,
        "Posting_Date": o.order_date,
        "Order_Date": o.order_date,
        "Document_Date": o.order_date,
        "Currency_Code": "" if o.currency == "EUR" else o.currency,
        "Prices_Including_VAT": o.prices_incl_vat,
        "VAT_Bus_Posting_Group": customer.vat_group if customer else None,
        "Ship_to_Name": s.name if s else None,
        "Ship_to_Address": s.address if s else None,
        "Ship_to_Address_2": s.address2 if s else None,
        "Ship_to_Post_Code": s.post_code if s else None,
        "Ship_to_City": s.city if s else None,
        "Ship_to_Country_Region_Code": s.country_code if s else None,
    }


def order_record(o: SalesOrder, catalog: Catalog) -> Record:
    """A stored order as the SalesOrder page shows it."""
    rec = _header(o, catalog.customers.get(o.customer_no))
    shipped = o.status in ("SHIPPED", "INVOICED")
    rec["Status"] = STATUS.get(o.status, "Released")
    rec["Package_Tracking_No"] = o.tracking_no
    rec["Shipment_Date"] = us_to_dt(o.status_changed_us).date() if shipped else None
    rec["SalesLines"] = [order_line_record(o, ln, catalog, o.modified_us) for ln in o.lines]
    return rec


def invoice_record(o: SalesOrder, catalog: Catalog) -> Record:
    """An invoiced order as the posted sales invoice it became (Order_No names the order)."""
    customer = catalog.customers.get(o.customer_no)
    no = o.invoice_no or f"PSI-{o.no}"
    lines = []
    for ln in o.lines:
        full = order_line_record(o, ln, catalog, o.modified_us)
        full.update(Key=make_key(113, f"{no}:{ln.line_no}", o.modified_us), Document_No=no)
        lines.append(full)
    return {
        "Key": make_key(112, no, o.modified_us),
        "No": no,
        "Sell_to_Customer_No": o.customer_no,
        "Sell_to_Customer_Name": customer.name if customer else None,
        "Order_No": o.no,
        "External_Document_No": o.ext_no or None,
        "Posting_Date": us_to_dt(o.status_changed_us).date(),
        "Order_Date": o.order_date,
        "Currency_Code": "" if o.currency == "EUR" else o.currency,
        "Prices_Including_VAT": o.prices_incl_vat,
        "VAT_Bus_Posting_Group": customer.vat_group if customer else None,
        "Package_Tracking_No": o.tracking_no,
        "Amount": o.amount,
        "Amount_Including_VAT": o.amount_incl_vat,
        "SalesInvLines": lines,
    }


def _version(day: Any) -> int:
    return int(day.timestamp()) if day is not None else 1


def customer_record(c: Customer, catalog: Catalog) -> Record:
    """A customer card."""
    group = catalog.price_groups.get(c.price_group or "")
    return {
        "Key": make_key(18, c.customer_no, _version(c.last_modified)),
        "No": c.customer_no,
        "Name": c.name,
        "Search_Name": c.name.upper()[:50],
        "Web_Customer_ID": c.shop_customer_id,
        "Currency_Code": "" if c.currency == catalog.local_currency else c.currency,
        "Customer_Price_Group": c.price_group,
        "Customer_Disc_Group": c.disc_group,
        "Prices_Including_VAT": c.prices_incl_vat,
        "Allow_Line_Disc": group.allow_line_disc if group else True,
        "VAT_Bus_Posting_Group": c.vat_group,
        "Invoice_Disc_Code": c.invoice_disc_code or c.customer_no,
        "Blocked": "All" if c.blocked else "_blank_",
        "Last_Date_Modified": c.last_modified.date() if c.last_modified else None,
    }


def item_record(i: Item, last_modified: date | None) -> Record:
    """An item card (Type Inventory)."""
    return {
        "Key": make_key(27, i.item_no, _version(i.last_modified)),
        "No": i.item_no,
        "Description": i.description,
        "Type": "Service" if i.base_uom == "HOUR" else "Inventory",
        "Base_Unit_of_Measure": i.base_uom,
        "Unit_Price": i.unit_price if i.unit_price is not None else ZERO,
        "Item_Disc_Group": i.item_disc_group,
        "Item_Category_Code": i.item_disc_group,
        "VAT_Prod_Posting_Group": i.tax_class,
        "Blocked": i.blocked,
        "Last_Date_Modified": last_modified,
    }


def charge_record(c: ChargeItem) -> Record:
    """A charge item card (Type Service, category CHARGES)."""
    return {
        "Key": make_key(27, c.no, _version(c.main.last_modified)),
        "No": c.no,
        "Description": c.description,
        "Type": "Service",
        "Base_Unit_of_Measure": c.main.base_uom,
        "Unit_Price": ZERO,
        "Item_Disc_Group": c.main.item_disc_group if c.basis == "PER_UNIT" else None,
        "Item_Category_Code": "CHARGES",
        "VAT_Prod_Posting_Group": c.main.tax_class,
        "Blocked": False,
        "Last_Date_Modified": c.main.last_modified.date() if c.main.last_modified else None,
    }


def nav_line_record(doc_no: str, ln: NavLine, version: int, totals: tuple[Decimal, ...]) -> Record:
    """A quote line as NAV shows it."""
    is_item = ln.type != "_blank_"
    rec: Record = {
        "Key": make_key(37, f"{doc_no}:{ln.line_no}", version),
        "Type": ln.type,
        "No": ln.no or None,
        "Variant_Code": ln.variant or None,
        "Description": ln.description,
        "Document_No": doc_no,
        "Line_No": ln.line_no,
        "Total_Amount_Excl_VAT": totals[0],
        "Total_VAT_Amount": totals[1],
        "Total_Amount_Incl_VAT": totals[2],
    }
    if is_item:
        rec.update(
            VAT_Prod_Posting_Group=ln.vat_group,
            Quantity=ln.quantity,
            Unit_Price=ln.unit_price,
            Line_Amount=ln.line_amount,
            Line_Discount_Percent=ln.discount_percent,
            Line_Discount_Amount=ln.discount_amount,
            Inv_Discount_Amount=ln.inv_discount,
        )
    return rec

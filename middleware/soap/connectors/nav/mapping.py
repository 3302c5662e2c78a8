"""NAV page records (plain dicts of NAV field names) <-> our domain values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from ....domain.catalog import Customer, Product
from ....domain.configuration import Configuration
from ....domain.erp import ErpOrder, ErpOrderLine
from ....domain.money import round_money
from ....domain.orders import NewOrder, OrderStatus
from .options import OptionMap, nav_rows
from .profile import NavProfile

ZERO = Decimal("0")
Record = dict[str, Any]


def dec(value: Any) -> Decimal:
    """A NAV decimal (absent = 0)."""
    return ZERO if value in (None, "") else Decimal(str(value))


def _at(day: Any) -> datetime:
    if isinstance(day, datetime):
        return day.astimezone(UTC)
    if isinstance(day, date):
        return datetime.combine(day, time(0), UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def customer_from_nav(rec: Record, profile: NavProfile) -> Customer:
    """A Customer card as our Customer (customer_id from the profile's shop id field, else No)."""
    shop_id = rec.get(profile.shop_id_field) if profile.shop_id_field else None
    return Customer(
        customer_id=str(shop_id or rec["No"]),
        erp_customer_no=str(rec["No"]),
        name=str(rec.get("Name") or ""),
        price_group=str(rec.get("Customer_Price_Group") or ""),
        discount_group=str(rec.get("Customer_Disc_Group") or ""),
        currency=str(rec.get("Currency_Code") or profile.currency),
        prices_include_tax=bool(rec.get("Prices_Including_VAT")),
        blocked=str(rec.get("Blocked") or "_blank_") not in ("_blank_", "", "false"),
        vat_group=str(rec.get("VAT_Bus_Posting_Group") or ""),
        updated_at=_at(rec.get("Last_Date_Modified")) if rec.get("Last_Date_Modified") else None,
    )


def product_from_nav(rec: Record, profile: NavProfile) -> Product:
    """An Item card as our Product; options come from the profile (NAV has no option definitions)."""
    price = dec(rec.get("Unit_Price"))
    return Product(
        sku=str(rec["No"]),
        name=str(rec.get("Description") or ""),
        unit=str(rec.get("Base_Unit_of_Measure") or ""),
        list_price=price if price > 0 else None,
        currency=profile.currency,
        tax_class=profile.tax_class(str(rec.get("VAT_Prod_Posting_Group") or "")),
        blocked=bool(rec.get("Blocked")),
        options=profile.options.product_options(str(rec["No"])),
        updated_at=_at(rec.get("Last_Date_Modified")) if rec.get("Last_Date_Modified") else None,
    )


def order_to_nav(order: NewOrder, customer_no: str, profile: NavProfile, fields: set[str]) -> Record:
    """A SalesOrder record with its lines; header fields the page does not publish are left out."""
    a = order.shipping_address
    header = {
        "Sell_to_Customer_No": customer_no,
        profile.order_number_field: order.order_number,
        "Order_Date": order.placed_at.astimezone(UTC).date(),
        "Ship_to_Name": a.name,
        "Ship_to_Address": a.street,
        "Ship_to_Address_2": a.street2 or None,
        "Ship_to_Post_Code": a.postal_code,
        "Ship_to_City": a.city,
        "Ship_to_Country_Region_Code": a.country,
    }
    rows = []
    for line in order.lines:
        rows += nav_rows(line.sku, line.quantity, profile.options.plan(line.sku, line.configuration))
    rec = {k: v for k, v in header.items() if k in fields and v is not None}
    rec["SalesLines"] = {profile.line_entity: rows}
    return rec


def _charge_nos(options: OptionMap, sku: str) -> set[str]:
    out = set()
    for code, _ in options.item_options.get(sku, ()):
        opt = options.options.get(code)
        for template in (opt.per_unit_item, opt.per_line_item) if opt else ():
            if template and "{value}" not in template:
                out.add(template.format(sku=sku))
    return out


def _configuration(options: OptionMap, sku: str, variant: str, texts: list[str]) -> Configuration:
    chosen: dict[str, str] = {}
    parts = [p for p in variant.split("-") if p] if variant else []
    for code, _ in options.item_options.get(sku, ()):
        opt = options.options.get(code)
        if opt is None:
            continue
        if opt.variant and parts:
            want = parts.pop(0)
            match = next((v.code for v in opt.values if opt.variant_code(v.code) == want), None)
            if match is not None:
                chosen[code] = match
        elif opt.text == "comment" and texts:
            chosen[code] = texts.pop(0)
    return Configuration.of(chosen)


def order_lines(rows: list[Record], profile: NavProfile, bus: str) -> tuple[ErpOrderLine, ...]:
    """Group NAV lines back into our lines: an item line, its charge lines and text lines."""
    groups: list[tuple[Record, list[Record], list[str]]] = []
    for row in rows:
        no = str(row.get("No") or "")
        if row.get("Type") == "_blank_" or not no:
            if groups:
                groups[-1][2].append(str(row.get("Description") or ""))
        elif groups and no in _charge_nos(profile.options, str(groups[-1][0].get("No"))):
            groups[-1][1].append(row)
        else:
            groups.append((row, [], []))
    out = []
    for main, charges, texts in groups:
        sku, qty = str(main.get("No")), dec(main.get("Quantity"))
        amount = dec(main.get("Line_Amount")) + sum((dec(c.get("Line_Amount")) for c in charges), ZERO)
        rate = profile.vat_rate(bus, str(main.get("VAT_Prod_Posting_Group") or "")) or ZERO
        out.append(
            ErpOrderLine(
                line_no=int(main.get("Line_No") or 0),
                sku=sku,
                quantity=qty,
                configuration=_configuration(
                    profile.options, sku, str(main.get("Variant_Code") or ""), texts
                ),
                unit_price=round_money(amount / qty) if qty else ZERO,
                net_amount=amount,
                tax_rate=rate,
                tax_amount=round_money(amount * rate / 100),
            )
        )
    return tuple(out)


def _status(rec: Record, rows: list[Record], profile: NavProfile) -> OrderStatus:
    items = [r for r in rows if r.get("Type") != "_blank_" and dec(r.get("Quantity")) > 0]
    if items and all(dec(r.get("Quantity_Shipped")) >= dec(r.get("Quantity")) for r in items):
        return OrderStatus.SHIPPED
    return OrderStatus(profile.status_map.get(str(rec.get("Status") or "Open"), "accepted"))


def order_from_nav(rec: Record, profile: NavProfile) -> ErpOrder:
    """A SalesOrder record as our ErpOrder (NAV keeps no last-modified: the order date stands in)."""
    rows = list((rec.get("SalesLines") or {}).get(profile.line_entity) or [])
    first = rows[0] if rows else {}
    return ErpOrder(
        erp_order_number=str(rec["No"]),
        order_number=rec.get(profile.order_number_field) or None,
        erp_customer_no=str(rec.get("Sell_to_Customer_No") or ""),
        currency=str(rec.get("Currency_Code") or profile.currency),
        status=_status(rec, rows, profile),
        lines=order_lines(rows, profile, str(rec.get("VAT_Bus_Posting_Group") or "")),
        invoice_discount=sum((dec(r.get("Inv_Discount_Amount")) for r in rows), ZERO),
        net=dec(first.get("Total_Amount_Excl_VAT")),
        tax=dec(first.get("Total_VAT_Amount")),
        gross=dec(first.get("Total_Amount_Incl_VAT")),
        last_modified=_at(rec.get("Order_Date")),
        prices_include_tax=bool(rec.get("Prices_Including_VAT")),
        tracking_no=rec.get("Package_Tracking_No") or None,
    )


def invoice_from_nav(rec: Record, profile: NavProfile) -> ErpOrder:
    """A posted sales invoice as the invoiced state of the order it came from (Order_No)."""
    net, gross = dec(rec.get("Amount")), dec(rec.get("Amount_Including_VAT"))
    rows = list((rec.get(profile.invoice_lines_part) or {}).get(profile.invoice_line_entity) or [])
    bus = str(rec.get("VAT_Bus_Posting_Group") or "")
    return ErpOrder(
        erp_order_number=str(rec.get("Order_No") or ""),
        order_number=rec.get(profile.posted_order_number_field) or None,
        erp_customer_no=str(rec.get("Sell_to_Customer_No") or ""),
        currency=str(rec.get("Currency_Code") or profile.currency),
        status=OrderStatus.INVOICED,
        lines=order_lines(rows, profile, bus),
        invoice_discount=sum((dec(r.get("Inv_Discount_Amount")) for r in rows), ZERO),
        net=net,
        tax=gross - net,
        gross=gross,
        last_modified=_at(rec.get("Posting_Date")),
        prices_include_tax=bool(rec.get("Prices_Including_VAT")),
        tracking_no=rec.get("Package_Tracking_No") or None,
        invoice_no=str(rec.get("No") or "") or None,
    )

"""Our orders <-> the SOH object: the objectXml of `save`, and SOH answers as ErpOrder."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ....domain.configuration import Configuration
from ....domain.erp import ErpOrder, ErpOrderLine
from ....domain.orders import NewOrder, OrderStatus
from .mapping import YES, decimal, merged, required, timestamp
from .objxml import Fields, Flow, build
from .prices import option_fields
from .profile import X3Profile

ZERO = Decimal("0")


def order_input(order: NewOrder, erp_customer_no: str, profile: X3Profile) -> str:
    """objectXml of `save`: header with site, type, customer and the shop's number; ship-to; lines."""
    o = profile.orders
    ship = order.shipping_address
    header = {
        "SALFCY": o.sales_site,
        "SOHTYP": o.order_type,
        "BPCORD": erp_customer_no,
        o.order_number_field: order.order_number,
        "ORDDAT": order.placed_at.astimezone(UTC).strftime("%Y%m%d"),
        "CUR": order.currency,
    }
    ship_to = {
        "BPDNAM": ship.name,
        "BPDADDLIG1": ship.street,
        "BPDADDLIG2": ship.street2 or None,
        "BPDPOSCOD": ship.postal_code,
        "BPDCTY": ship.city,
        "BPDCRY": ship.country,
    }
    lines = [
        {"ITMREF": line.sku, "QTY": line.quantity, **option_fields(line.configuration.selections, profile)}
        for line in order.lines
    ]
    return build([(o.header_group, header), (o.ship_to_group, ship_to)], [(o.lines_table, lines)])


def status_of(f: Fields, profile: X3Profile) -> OrderStatus:
    """Our status from the SOH status fields (closed without delivery = cancelled)."""
    s = profile.statuses

    def has(name: str, value: str) -> bool:
        return (f.get(name) or "").strip() == value

    if has(s.invoice_field, s.invoiced):
        return OrderStatus.INVOICED
    if has(s.delivery_field, s.delivered):
        return OrderStatus.SHIPPED
    if has(s.order_field, s.closed):
        return OrderStatus.CANCELLED
    if has(s.approval_field, s.on_hold):
        return OrderStatus.ON_HOLD
    if has(s.allocation_field, s.allocated):
        return OrderStatus.RELEASED
    return OrderStatus.ACCEPTED


def _line(n: int, row: Fields, profile: X3Profile) -> ErpOrderLine:
    by_field = {field: code for code, field in profile.options.items()}
    options = {by_field[k]: v for k, v in row.items() if k in by_field and v.strip()}
    return ErpOrderLine(
        line_no=n,
        sku=required(row, "ITMREF"),
        quantity=decimal(row.get("QTY"), "QTY") or ZERO,
        configuration=Configuration.of(options),
        unit_price=decimal(row.get("NETPRI"), "NETPRI") or ZERO,
        net_amount=decimal(row.get("AMTNOTLIN"), "AMTNOTLIN") or ZERO,
        tax_rate=decimal(row.get("VATRAT"), "VATRAT") or ZERO,
        tax_amount=decimal(row.get("AMTVATLIN"), "AMTVATLIN") or ZERO,
    )


def order_from_x3(flow: Flow, profile: X3Profile) -> ErpOrder:
    """A read (or saved) SOH object as our ErpOrder."""
    f = merged(flow)
    s = profile.statuses
    rows = flow.tables.get(profile.orders.lines_table, [])

    def amount(name: str) -> Decimal:
        return decimal(f.get(name), name) or ZERO

    return ErpOrder(
        erp_order_number=required(f, "SOHNUM"),
        order_number=(f.get(profile.orders.order_number_field) or "").strip() or None,
        erp_customer_no=required(f, "BPCORD"),
        currency=required(f, "CUR"),
        status=status_of(f, profile),
        lines=tuple(_line(n, row, profile) for n, row in enumerate(rows, start=1)),
        invoice_discount=amount("INVDTAAMT"),
        net=amount("ORDINVNOT"),
        tax=amount("ORDINVVAT"),
        gross=amount("ORDINVATI"),
        last_modified=timestamp(f.get("UPDDATTIM")) or datetime.now(UTC),
        prices_include_tax=(f.get("PRITYP") or "").strip() == YES,
        tracking_no=(f.get(s.delivery_no_field) or "").strip() or None,
        invoice_no=(f.get(s.invoice_no_field) or "").strip() or None,
    )

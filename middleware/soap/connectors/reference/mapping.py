"""Translation between the ERP's SOAP vocabulary (zeep objects) and our domain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ....domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from ....domain.configuration import Configuration
from ....domain.erp import ErpOrder, ErpOrderLine
from ....domain.orders import NewOrder, OrderStatus
from ....domain.pricing import Adjustment, ErpPriceAnswer, LinePrice, LineStatus, NextBreak, PriceRequestLine

ORIGINS = {
    "LIST": "list",
    "CUSTOMER": "customer",
    "CUSTOMER_PRICE_GROUP": "customer_group",
    "ALL_CUSTOMERS": "all_customers",
    "CAMPAIGN": "campaign",
}
LINE_STATUSES = {
    "OK": LineStatus.OK,
    "NOT_FOUND": LineStatus.NOT_FOUND,
    "BLOCKED": LineStatus.BLOCKED,
    "NO_PRICE": LineStatus.NO_PRICE,
    "INVALID_CONFIGURATION": LineStatus.INVALID_CONFIGURATION,
}
ORDER_STATUSES = {
    "OPEN": OrderStatus.ACCEPTED,
    "RELEASED": OrderStatus.RELEASED,
    "ON_HOLD": OrderStatus.ON_HOLD,
    "SHIPPED": OrderStatus.SHIPPED,
    "INVOICED": OrderStatus.INVOICED,
    "CANCELLED": OrderStatus.CANCELLED,
}


OPERATIONS = ("GetCustomer", "SimulateSalesPrices", "CreateSalesOrder", "GetSalesOrder", "ListSalesOrders",
              "CancelSalesOrder", "ListItems", "ListCustomers")


def utc(value: datetime | None) -> datetime | None:
    """A timezone-aware UTC datetime (the ERP sends Z; a naive value is taken as UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def items_of(container: Any, name: str) -> list[Any]:
    """The repeated child `name` of an optional wrapper element, as a list."""
    if container is None:
        return []
    value = getattr(container, name, None)
    return list(value or [])


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def customer_from_erp(c: Any) -> Customer:
    """An ERP Customer card as our Customer (customer_id: ShopCustomerId, else CustomerNo)."""
    return Customer(
        customer_id=c.ShopCustomerId or c.CustomerNo,
        erp_customer_no=c.CustomerNo,
        name=c.Name,
        price_group=c.PriceGroup or "",
        discount_group=c.DiscountGroup or "",
        currency=c.CurrencyCode,
        prices_include_tax=bool(c.PricesIncludingVAT),
        blocked=bool(c.Blocked),
        vat_group=c.VATBusPostingGroup or "DOMESTIC",
        updated_at=utc(c.LastModified),
    )


def _option_from_erp(o: Any) -> ProductOption:
    return ProductOption(
        code=o.Code,
        label=o.Label,
        kind=OptionKind(o.Kind.lower()),
        required=bool(o.Required),
        values=tuple(OptionValue(v.Code, v.Label) for v in items_of(o.Values, "Value")),
        max_length=None if o.MaxLength is None else int(o.MaxLength),
    )


def product_from_erp(item: Any) -> Product:
    """An ERP Item card as our Product."""
    return Product(
        sku=item.ItemNo,
        name=item.Description,
        unit=item.BaseUnitOfMeasure,
        list_price=_dec(item.UnitPrice),
        currency=item.CurrencyCode,
        tax_class=item.TaxClass.lower(),
        blocked=bool(item.Blocked),
        options=tuple(_option_from_erp(o) for o in items_of(item.Options, "Option")),
        updated_at=utc(item.LastModified),
    )


def price_lines_to_erp(lines: Sequence[PriceRequestLine]) -> dict[str, Any]:
    """The Lines element of SimulateSalesPrices; LineNo is the 1-based position."""
    return {
        "Line": [
            {
                "LineNo": n,
                "ItemNo": line.sku,
                "Quantity": Decimal(line.quantity),
                "Options": {"Option": [{"Code": c, "Value": v} for c, v in line.configuration.selections]}
                if line.configuration
                else None,
            }
            for n, line in enumerate(lines, start=1)
        ]
    }


def _adjustment(a: Any) -> Adjustment:
    return Adjustment(code=a.Code, basis=a.Basis.lower(), rate=_dec(a.Rate), amount=Decimal(str(a.Amount)))


def _line_price(r: Any, request: PriceRequestLine) -> LinePrice:
    status = LINE_STATUSES.get(r.Status, LineStatus.NO_PRICE)
    if status is not LineStatus.OK:
        return LinePrice(request.sku, request.quantity, request.configuration, status, r.StatusText or "")
    nb = r.NextBreak
    return LinePrice(
        sku=request.sku,
        quantity=request.quantity,
        configuration=request.configuration,
        status=status,
        status_text=r.StatusText or "",
        list_unit_price=_dec(r.ListUnitPrice),
        base_unit_price=_dec(r.BaseUnitPrice),
        price_origin=ORIGINS.get(r.PriceOrigin or "", (r.PriceOrigin or "").lower() or None),
        surcharges=tuple(_adjustment(a) for a in items_of(r.Surcharges, "Surcharge")),
        discounts=tuple(_adjustment(a) for a in items_of(r.Discounts, "Discount")),
        net_unit_price=_dec(r.NetUnitPrice),
        net_amount=_dec(r.LineAmount),
        tax_rate=_dec(r.VATPercent),
        tax_amount=_dec(r.VATAmount),
        gross_amount=_dec(r.AmountIncludingVAT),
        next_break=None if nb is None else NextBreak(int(nb.MinQuantity), Decimal(str(nb.BaseUnitPrice))),
    )


def price_answer_from_erp(response: Any, lines: Sequence[PriceRequestLine]) -> ErpPriceAnswer:
    """SimulateSalesPricesResponse as our answer, lines in request order (matched by LineNo)."""
    by_no = {int(r.LineNo): r for r in items_of(response.Lines, "Line")}
    priced = []
    for n, request in enumerate(lines, start=1):
        result = by_no.get(n)
        if result is None:
            priced.append(LinePrice(request.sku, request.quantity, request.configuration, LineStatus.NO_PRICE,
                                    "the ERP answered no price for this line"))
        else:
            priced.append(_line_price(result, request))
    return ErpPriceAnswer(
        currency=response.CurrencyCode,
        prices_include_tax=bool(response.PricesIncludingVAT),
        valid_until=utc(response.ValidUntil),
        lines=tuple(priced),
    )


def order_to_erp(order: NewOrder, erp_customer_no: str) -> dict[str, Any]:
    """Keyword arguments of CreateSalesOrder; LineNo is the 1-based position of the line."""
    ship = order.shipping_address
    labels = {line.line_ref: dict(line.option_labels) for line in order.lines}
    return {
        "ExternalDocumentNo": order.order_number,
        "CustomerNo": erp_customer_no,
        "CurrencyCode": order.currency,
        "ShipTo": {"Name": ship.name, "Address": ship.street, "Address2": ship.street2 or None,
                   "PostCode": ship.postal_code, "City": ship.city, "CountryCode": ship.country},
        "Lines": {"Line": [
            {"LineNo": n, "ItemNo": line.sku, "Quantity": Decimal(line.quantity),
             "Options": {"Option": [
                 {"Code": c, "Value": v, "Label": labels[line.line_ref].get(c)}
                 for c, v in line.configuration.selections
             ]} if line.configuration else None,
             "ExpectedUnitPrice": line.unit_price}
            for n, line in enumerate(order.lines, start=1)
        ]},
        "ExpectedAmount": order.totals.net,
        "ExpectedAmountIncludingVAT": order.totals.gross,
    }


def _order_line(line: Any) -> ErpOrderLine:
    options = {o.Code: o.Value for o in items_of(line.Options, "Option")}
    return ErpOrderLine(
        line_no=int(line.LineNo),
        sku=line.ItemNo,
        quantity=Decimal(str(line.Quantity)),
        configuration=Configuration.of(options),
        unit_price=Decimal(str(line.UnitPrice)),
        net_amount=Decimal(str(line.LineAmount)),
        tax_rate=Decimal(str(line.VATPercent)),
        tax_amount=Decimal(str(line.VATAmount)),
    )


def order_from_erp(so: Any) -> ErpOrder:
    """An ERP SalesOrder as our ErpOrder."""
    return ErpOrder(
        erp_order_number=so.No,
        order_number=so.ExternalDocumentNo or None,
        erp_customer_no=so.CustomerNo,
        currency=so.CurrencyCode,
        status=ORDER_STATUSES[so.Status],
        lines=tuple(_order_line(line) for line in items_of(so.Lines, "Line")),
        invoice_discount=Decimal(str(so.InvoiceDiscountAmount)),
        net=Decimal(str(so.Amount)),
        tax=Decimal(str(so.VATAmount)),
        gross=Decimal(str(so.AmountIncludingVAT)),
        last_modified=utc(so.LastModified) or datetime.now(UTC),
        prices_include_tax=bool(so.PricesIncludingVAT),
        tracking_no=so.TrackingNo or None,
        invoice_no=so.InvoiceNo or None,
    )

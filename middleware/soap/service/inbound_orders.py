"""Translation between the SOAP order messages (ERP names) and domain values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...domain.orders import Address, OrderAck, OrderStatus, StatusUpdate
from ...errors import InputError
from . import types as t

ERP_TO_STATUS = {
    "OPEN": OrderStatus.ACCEPTED,  # the reference ERP reports a new order as OPEN
    "RELEASED": OrderStatus.RELEASED,
    "ON_HOLD": OrderStatus.ON_HOLD,
    "SHIPPED": OrderStatus.SHIPPED,
    "INVOICED": OrderStatus.INVOICED,
    "CANCELLED": OrderStatus.CANCELLED,
}


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    # an ERP that sends no offset means UTC (documented in docs/soap.md)
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # year 1 at +14:00, year 9999 at -12:00
        raise InputError("ChangedAt lies outside the years 1..9999 in UTC", field="ChangedAt") from None


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def to_status_update(update: t.StatusUpdate, index: int) -> StatusUpdate:
    """A domain StatusUpdate; InputError when neither order number is given."""
    order_number = _text(update.ExternalDocumentNo)
    erp_number = _text(update.OrderNo)
    if order_number is None and erp_number is None:
        field = f"Updates/StatusUpdate[{index + 1}]"
        raise InputError(f"{field}: give ExternalDocumentNo or OrderNo", field=field)
    return StatusUpdate(
        order_number=order_number or "",
        status=ERP_TO_STATUS[update.Status],
        erp_order_number=erp_number,
        changed_at=_utc(update.ChangedAt),
        tracking_no=_text(update.TrackingNo),
        invoice_no=_text(update.InvoiceNo),
    )


def status_result(update: t.StatusUpdate, result: Any) -> t.StatusUpdateResult:
    """The SOAP answer for one status report."""
    return t.StatusUpdateResult(
        ExternalDocumentNo=_text(update.ExternalDocumentNo) or _text(getattr(result, "order_number", None)),
        OrderNo=_text(update.OrderNo),
        Result=result.outcome.value.upper(),
        Reason=getattr(result, "reason", "") or None,
    )


def to_ack(ack: t.OrderAck, index: int) -> OrderAck:
    """A domain OrderAck: OrderNo means accepted, RejectionCode means rejected."""
    field = f"Acks/OrderAck[{index + 1}]"
    erp_number = _text(ack.OrderNo)
    code = _text(ack.RejectionCode)
    if (erp_number is None) == (code is None):
        raise InputError(f"{field}: give either OrderNo (accepted) or RejectionCode (rejected)", field=field)
    return OrderAck(
        order_number=(ack.ExternalDocumentNo or "").strip(),
        erp_order_number=erp_number,
        rejection_code=code,
        rejection_reason=_text(ack.RejectionReason),
    )


def ack_result(ack: OrderAck, result: Any) -> t.AckResult:
    """The SOAP answer for one acknowledgement (the service may answer a string or an object)."""
    outcome = getattr(result, "outcome", result)
    outcome = getattr(outcome, "value", outcome)
    return t.AckResult(
        ExternalDocumentNo=ack.order_number,
        Result=str(outcome).upper(),
        Reason=getattr(result, "reason", None) or None,
    )


def _address(address: Address | None) -> t.PostalAddress | None:
    if address is None:
        return None
    return t.PostalAddress(
        Name=address.name, Address=address.street, Address2=address.street2 or None,
        PostCode=address.postal_code, City=address.city, CountryCode=address.country,
    )


def to_sales_order(offered: Any) -> t.SalesOrder:
    """The SOAP SalesOrder for an order offered in pull mode (an OrderRecord-like object)."""
    record = getattr(offered, "record", offered)
    order = record.order
    lines = [
        t.SalesOrderLine(
            LineNo=(number + 1) * 10000,  # the NAV habit of numbering lines in steps of 10000
            LineRef=line.line_ref,
            ItemNo=line.sku,
            Quantity=line.quantity,
            UnitPrice=line.unit_price,
            QuoteId=line.quote_id,
            Options=[
                t.OrderOption(Code=code, Value=value, Label=dict(line.option_labels).get(code, value))
                for code, value in line.configuration.selections
            ],
        )
        for number, line in enumerate(order.lines)
    ]
    return t.SalesOrder(
        ExternalDocumentNo=order.order_number,
        CustomerNo=record.erp_customer_no,
        ShopCustomerId=order.customer_id,
        CurrencyCode=order.currency,
        OrderDate=order.placed_at,
        ShipTo=_address(order.shipping_address),
        BillTo=_address(order.billing_address),
        Lines=lines,
        NetAmount=order.totals.net,
        TaxAmount=order.totals.tax,
        GrossAmount=order.totals.gross,
        LeaseExpiresAt=getattr(offered, "lease_expires_at", None),
    )

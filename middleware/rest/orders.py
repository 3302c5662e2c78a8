"""POST /api/v1/orders (idempotent hand-over) and GET /api/v1/orders/{order_number} (status and history)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from flask import Response, current_app, jsonify, request
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from ..domain.configuration import MAX_OPTIONS, Configuration
from ..domain.money import format_amount
from ..domain.orders import (
    MAX_LINES,
    MAX_ORDER_NUMBER,
    Address,
    NewOrder,
    OrderEvent,
    OrderLine,
    OrderRecord,
    OrderTotals,
)
from ..domain.pricing import MAX_QUANTITY
from ..errors import InputError
from . import api
from .fields import NO_CONTROLS, Code64, OptionValueText
from .openapi import Problem, documented
from .parsing import parse_json

# printable, no control characters, not only blanks: it is used in URLs and sent to the ERP
_BAD = r"\x00-\x1f\x7f\ufffe\uffff"
_PRINTABLE = rf"^[^{_BAD}]*[^\s{_BAD}][^{_BAD}]*$"
OrderNumber = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ORDER_NUMBER, pattern=_PRINTABLE)]
Text64 = Annotated[
    str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True, pattern=NO_CONTROLS)
]
Text100 = Annotated[
    str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True, pattern=NO_CONTROLS)
]
OptionCode = Code64
OptionText = OptionValueText
Amount = Annotated[str, Field(pattern=r"^\d{1,12}(\.\d{1,2})?$", examples=["12.73"])]
QuoteId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NO_CONTROLS)]
IDEMPOTENCY_HEADER = "Idempotency-Key"


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # year 1 at +14:00, year 9999 at -12:00
        raise ValueError("the moment lies outside the years 1..9999 in UTC") from None


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class OrderLineIn(BaseModel):
    """One ordered item with its configuration and the quoted unit price."""

    model_config = ConfigDict(extra="forbid")
    line_ref: Text64
    sku: Text64
    quantity: Annotated[StrictInt, Field(gt=0, le=MAX_QUANTITY)]
    options: Annotated[dict[OptionCode, OptionText], Field(max_length=MAX_OPTIONS)] = {}
    unit_price: Amount
    quote_id: QuoteId | None = None


class AddressIn(BaseModel):
    """A postal address; `country` is ISO 3166-1 alpha-2."""

    model_config = ConfigDict(extra="forbid")
    name: Text100
    street: Text100
    street2: Annotated[str, StringConstraints(max_length=100, pattern=NO_CONTROLS)] = ""
    postal_code: Annotated[
        str, StringConstraints(min_length=1, max_length=20, strip_whitespace=True, pattern=NO_CONTROLS)
    ]
    city: Text100
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["DE"])]


class TotalsIn(BaseModel):
    """Order totals as the shop computed them."""

    model_config = ConfigDict(extra="forbid")
    net: Amount
    tax: Amount
    gross: Amount


class OrderIn(BaseModel):
    """A completed web order."""

    model_config = ConfigDict(extra="forbid")
    order_number: OrderNumber
    customer_id: Text64
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
    placed_at: UtcDatetime
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=MAX_LINES)]
    shipping_address: AddressIn
    billing_address: AddressIn | None = None
    totals: TotalsIn


class OrderAccepted(BaseModel):
    """The answer to an accepted hand-over (also to an identical repeat)."""

    order_number: str
    status: str
    received_at: datetime
    url: str


class OrderTotalsOut(BaseModel):
    """Totals; the ERP's also carry its invoice discount."""

    net: str
    tax: str
    gross: str
    invoice_discount: str | None = None


class DeviationOut(BaseModel):
    """A difference between quoted and ERP prices."""

    kind: str
    field: str
    line_ref: str | None
    quoted: str
    erp: str
    reason: str
    explained: bool


class EventOut(BaseModel):
    """One entry of the order's history."""

    at: datetime
    kind: str
    status: str | None
    detail: dict[str, Any]


class OrderOut(BaseModel):
    """An order's status, ERP number and totals, deviations and history."""

    order_number: str
    status: str
    erp_order_number: str | None
    customer_id: str
    currency: str
    received_at: datetime
    updated_at: datetime
    totals: OrderTotalsOut
    erp_totals: OrderTotalsOut | None
    deviations: list[DeviationOut]
    last_error: str | None
    history: list[EventOut]


PROBLEMS: dict[int, tuple[str, type[BaseModel] | None]] = {
    400: ("Malformed request", Problem),
    401: ("Missing or wrong API key", Problem),
    422: ("Invalid order", Problem),
}


def _address(a: AddressIn | None) -> Address | None:
    if a is None:
        return None
    return Address(a.name, a.street, a.postal_code, a.city, a.country, a.street2)


def to_order(body: OrderIn) -> NewOrder:
    """The domain order for a validated body."""
    lines = tuple(
        OrderLine(
            ln.line_ref, ln.sku, ln.quantity, _configuration(ln, i), Decimal(ln.unit_price), ln.quote_id
        )
        for i, ln in enumerate(body.lines)
    )
    totals = OrderTotals(Decimal(body.totals.net), Decimal(body.totals.tax), Decimal(body.totals.gross))
    shipping = _address(body.shipping_address)
    assert shipping is not None
    placed_at = body.placed_at
    return NewOrder(
        body.order_number,
        body.customer_id,
        body.currency,
        placed_at,
        lines,
        shipping,
        totals,
        _address(body.billing_address),
    )


def _configuration(line: OrderLineIn, index: int) -> Configuration:
    try:
        return Configuration.of(line.options)
    except ValueError as exc:
        raise InputError(f"lines[{index}].options: {exc}", field=f"lines[{index}].options") from None


def order_url(order_number: str) -> str:
    """The order's URL path."""
    return f"/api/v1/orders/{quote(order_number, safe='')}"


def _totals(net: Decimal, tax: Decimal, gross: Decimal, discount: Decimal | None = None) -> OrderTotalsOut:
    return OrderTotalsOut(
        net=format_amount(net),
        tax=format_amount(tax),
        gross=format_amount(gross),
        invoice_discount=None if discount is None else format_amount(discount),
    )


def order_to_wire(record: OrderRecord, events: list[OrderEvent]) -> OrderOut:
    """The GET answer for an order."""
    o = record.order
    erp = record.erp_totals
    return OrderOut(
        order_number=o.order_number,
        status=record.status.value,
        erp_order_number=record.erp_order_number,
        customer_id=o.customer_id,
        currency=o.currency,
        received_at=record.received_at,
        updated_at=record.updated_at,
        totals=_totals(o.totals.net, o.totals.tax, o.totals.gross),
        erp_totals=None if erp is None else _totals(erp.net, erp.tax, erp.gross, erp.invoice_discount),
        deviations=[
            DeviationOut(
                kind=d.kind.value,
                field=d.field,
                line_ref=d.line_ref,
                quoted=str(d.quoted),
                erp=str(d.erp),
                reason=d.reason,
                explained=d.explained,
            )
            for d in record.deviations
        ],
        last_error=record.last_error,
        history=[
            EventOut(at=e.at, kind=e.kind, status=e.status.value if e.status else None, detail=e.detail)
            for e in events
        ],
    )


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InputError(
            f"{IDEMPOTENCY_HEADER} must be 1..255 printable characters.", field=IDEMPOTENCY_HEADER
        )
    return key


@api.post("/orders")
@documented(
    "post",
    "/orders",
    summary="Hand over a completed order (idempotent on order_number and Idempotency-Key)",
    tags=("orders",),
    request=OrderIn,
    headers=(IDEMPOTENCY_HEADER,),
    responses={
        202: ("Received; delivery to the ERP follows", OrderAccepted),
        409: ("Same order number or key with different content", Problem),
        **PROBLEMS,
    },
)
def post_order() -> Response:
    """Parse, store with its delivery entry, answer 202 with the order's URL."""
    container = current_app.extensions["middleware"]
    key = _idempotency_key()
    body = parse_json(request, OrderIn, container.settings.max_request_bytes)
    placement = container.orders.place(to_order(body), idempotency_key=key)
    record = placement.record
    url = order_url(record.order_number)
    # a repeat gets the first answer: the status the order was received with
    answer = OrderAccepted(
        order_number=record.order_number, status="received", received_at=record.received_at, url=url
    )
    response = jsonify(answer.model_dump(mode="json"))
    response.status_code = 202
    response.headers["Location"] = url
    if not placement.created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.get("/orders/<path:order_number>")
@documented(
    "get",
    "/orders/{order_number}",
    summary="An order's status, ERP number, totals, deviations and history",
    tags=("orders",),
    responses={200: ("The order", OrderOut), 404: ("Unknown order", Problem), **PROBLEMS},
)
def get_order(order_number: str) -> Response:
    """The order and its history."""
    container = current_app.extensions["middleware"]
    record, events = container.orders.get(order_number)
    return jsonify(order_to_wire(record, events).model_dump(mode="json"))

"""Orders and their status state machine."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .configuration import Configuration
from .money import round_money

MAX_LINES = 500
# the ERP contract's order-number field (the reference ERP's ExternalDocumentNo, NAV's Code[35])
MAX_ORDER_NUMBER = 35
# `placed_at` is the shop's timestamp, not a pricing date (the ERP prices at its own today); a shop clock
# this far off is a mistake worth refusing
PLACED_AT_MAX_AGE = timedelta(days=30)
PLACED_AT_MAX_AHEAD = timedelta(minutes=15)


class OrderStatus(str, enum.Enum):
    """Where an order stands, from the shop's hand-over to the ERP's invoice."""

    RECEIVED = "received"
    SUBMITTING = "submitting"
    SUBMIT_UNKNOWN = "submit_unknown"
    NEEDS_ATTENTION = "needs_attention"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RELEASED = "released"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


S = OrderStatus
_DELIVERY = {S.RECEIVED, S.SUBMITTING, S.SUBMIT_UNKNOWN, S.NEEDS_ATTENTION}

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.RECEIVED: frozenset({S.SUBMITTING, S.NEEDS_ATTENTION, S.ACCEPTED, S.REJECTED}),
    S.SUBMITTING: frozenset({S.ACCEPTED, S.REJECTED, S.SUBMIT_UNKNOWN, S.RECEIVED, S.NEEDS_ATTENTION}),
    S.SUBMIT_UNKNOWN: frozenset({S.SUBMITTING, S.ACCEPTED, S.REJECTED, S.RECEIVED, S.NEEDS_ATTENTION}),
    S.NEEDS_ATTENTION: frozenset({S.RECEIVED, S.SUBMITTING, S.ACCEPTED, S.REJECTED}),
    S.REJECTED: frozenset({S.RECEIVED}),
    S.ACCEPTED: frozenset({S.RELEASED, S.ON_HOLD, S.SHIPPED, S.INVOICED, S.CANCELLED}),
    S.RELEASED: frozenset({S.ON_HOLD, S.SHIPPED, S.INVOICED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.RELEASED, S.SHIPPED, S.INVOICED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Progress of an order inside the ERP; a status report never moves an order to a lower rank.
ERP_RANK = {S.ACCEPTED: 0, S.RELEASED: 1, S.ON_HOLD: 1, S.SHIPPED: 2, S.INVOICED: 3, S.CANCELLED: 3}


def can_transition(current: OrderStatus, new: OrderStatus) -> bool:
    """Whether the state machine allows moving from `current` to `new`."""
    return new in TRANSITIONS[current]


def is_awaiting_delivery(status: OrderStatus) -> bool:
    """Whether the order has not yet been confirmed by the ERP."""
    return status in _DELIVERY


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str
    street2: str = ""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One ordered product with its configuration and the price the shop showed."""

    line_ref: str
    sku: str
    quantity: int
    configuration: Configuration
    unit_price: Decimal
    quote_id: str | None = None
    option_labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class OrderTotals:
    """Order totals as the shop computed them (or the ERP answered)."""

    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class NewOrder:
    """A completed web order as the shop hands it over."""

    order_number: str
    customer_id: str
    currency: str
    placed_at: datetime
    lines: tuple[OrderLine, ...]
    shipping_address: Address
    totals: OrderTotals
    billing_address: Address | None = None


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One entry of an order's history."""

    at: datetime
    kind: str
    status: OrderStatus | None = None
    detail: dict[str, object] = field(default_factory=dict)


# --- stored orders, deviations, status reports and pull acknowledgements -------------------------


class DeviationKind(enum.StrEnum):
    """What differs between the quoted and the ERP's prices."""

    UNIT_PRICE = "unit_price"
    LINE_AMOUNT = "line_amount"
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class PriceDeviation:
    """A difference between what the shop showed and what the ERP charged; `explained` needs no review."""

    kind: DeviationKind
    field: str
    quoted: Decimal
    erp: Decimal
    reason: str
    line_ref: str | None = None
    explained: bool = False


@dataclass(frozen=True, slots=True)
class ErpTotals:
    """Totals of the ERP's sales order."""

    net: Decimal
    tax: Decimal
    gross: Decimal
    invoice_discount: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order as the middleware keeps it: the shop's order plus delivery state."""

    order: NewOrder
    erp_customer_no: str
    status: OrderStatus
    received_at: datetime
    updated_at: datetime
    fingerprint: str
    erp_order_number: str | None = None
    erp_totals: ErpTotals | None = None
    deviations: tuple[PriceDeviation, ...] = ()
    last_error: str | None = None
    idempotency_key: str | None = None

    @property
    def order_number(self) -> str:
        """The shop's order number."""
        return self.order.order_number


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A status report from the ERP about one order."""

    order_number: str
    status: OrderStatus
    erp_order_number: str | None = None
    changed_at: datetime | None = None
    tracking_no: str | None = None
    invoice_no: str | None = None
    note: str | None = None


class UpdateOutcome(enum.StrEnum):
    """What happened to one status report."""

    APPLIED = "applied"
    IGNORED = "ignored"
    UNKNOWN_ORDER = "unknown_order"


@dataclass(frozen=True, slots=True)
class StatusUpdateResult:
    """The outcome of one status report, with the order's status afterwards."""

    order_number: str
    outcome: UpdateOutcome
    status: OrderStatus | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OrderAck:
    """The ERP's acknowledgement of a pulled order: its number, or a rejection."""

    order_number: str
    erp_order_number: str | None = None
    rejection_code: str | None = None
    rejection_reason: str | None = None


def status_report_applies(current: OrderStatus, reported: OrderStatus) -> tuple[bool, str]:
    """Whether an ERP status report moves the order; reports never move it backwards."""
    if reported not in ERP_RANK:
        return False, f"{reported.value} is not a status the ERP reports"
    if current == reported:
        return False, "already in this status"
    if is_awaiting_delivery(current):
        # the ERP holds the order although our delivery has not confirmed it (pull mode, lost answer)
        return True, ""
    if current not in ERP_RANK:
        return False, f"order is {current.value}"
    if ERP_RANK[reported] < ERP_RANK[current]:
        return False, f"{reported.value} would move the order back from {current.value}"
    if not can_transition(current, reported):
        return False, f"{current.value} cannot change to {reported.value}"
    return True, ""


def fingerprint(order: NewOrder) -> str:
    """Canonical hash of the order's content, to tell a repeat from a different order."""
    def address(a: Address | None) -> list[str] | None:
        return None if a is None else [a.name, a.street, a.street2, a.postal_code, a.city, a.country]

    canonical = [
        order.order_number, order.customer_id, order.currency, order.placed_at.isoformat(),
        [
            [ln.line_ref, ln.sku, ln.quantity, list(ln.configuration.selections),
             str(round_money(ln.unit_price)), ln.quote_id]
            for ln in order.lines
        ],
        address(order.shipping_address), address(order.billing_address),
        [str(round_money(v)) for v in (order.totals.net, order.totals.tax, order.totals.gross)],
    ]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

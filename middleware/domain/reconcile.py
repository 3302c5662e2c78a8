"""Reconciliation rules: compare our order snapshot with the ERP's order and name the drift (no I/O)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .configuration import Configuration
from .erp import ErpOrder, ErpOrderLine
from .money import CENT
from .orders import ERP_RANK, OrderStatus, OrderTotals, can_transition

S = OrderStatus
# Orders the delivery is still working on: the ERP may legitimately not know them yet.
IN_FLIGHT = frozenset({S.RECEIVED, S.SUBMITTING})
# Orders we believe the ERP holds: if it does not, it lost them.
EXPECTED_IN_ERP = frozenset({S.ACCEPTED, S.RELEASED, S.ON_HOLD, S.SHIPPED, S.INVOICED})


class FindingKind(enum.StrEnum):
    """What kind of drift a finding reports."""

    MISSING_IN_ERP = "missing_in_erp"
    DUPLICATE_IN_ERP = "duplicate_in_erp"
    ORPHAN_IN_ERP = "orphan_in_erp"
    TOTALS_DIFFER = "totals_differ"
    LINES_DIFFER = "lines_differ"
    STATUS_DRIFT = "status_drift"
    STUCK = "stuck"
    PRICE_DRIFT = "price_drift"


ORDER_KINDS = frozenset(FindingKind) - {FindingKind.PRICE_DRIFT}


class Severity(enum.StrEnum):
    """How urgently an administrator should look."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Repair(enum.StrEnum):
    """What the reconciliation does about a finding by itself."""

    NONE = "none"
    APPLY_STATUS = "apply_status"
    DROP_QUOTE = "drop_quote"


@dataclass(frozen=True, slots=True)
class LocalLine:
    """An order line as we hold it."""

    sku: str
    quantity: Decimal
    configuration: Configuration = field(default_factory=Configuration)


@dataclass(frozen=True, slots=True)
class LocalOrder:
    """What reconciliation needs to know about one of our orders."""

    order_number: str
    status: OrderStatus
    status_since: datetime
    currency: str
    lines: tuple[LocalLine, ...]
    totals: OrderTotals
    erp_order_number: str | None = None
    prices_include_tax: bool | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of drift; (kind, subject) identifies it across runs."""

    kind: FindingKind
    severity: Severity
    subject: str
    message: str
    detail: Mapping[str, object] = field(default_factory=dict)
    repair: Repair = Repair.NONE

    @property
    def key(self) -> tuple[str, str]:
        """The identity of this finding across runs."""
        return (self.kind.value, self.subject)


def window_start(now: datetime, window: timedelta, overlap: timedelta) -> datetime:
    """Start of the look-back window; the overlap absorbs clock skew and time-zone slips."""
    return now - window - overlap


def missing_finding(local: LocalOrder) -> Finding:
    """Our order, which the ERP once held, is no longer there (GetSalesOrder confirmed it): a person decides.

    ERPs remove finished orders routinely (NAV deletes a fully invoiced order and keeps the posted invoice),
    so an order that ever had an ERP number or an ERP status is never sent again automatically.
    """
    erp_no = local.erp_order_number or "no ERP number"
    return Finding(
        FindingKind.MISSING_IN_ERP, Severity.CRITICAL, local.order_number,
        f"order {local.order_number} was {local.status.value} in the ERP ({erp_no}, last change "
        f"{local.status_since.isoformat()}) and the ERP no longer lists it; not re-sent: check the ERP "
        "(archived, posted or deleted?) and retry by hand only if it was really lost",
        {"local_status": local.status.value, "erp_order_number": local.erp_order_number,
         "status_since": local.status_since.isoformat()},
    )


def duplicate_finding(order_number: str, erp_order_numbers: Iterable[str]) -> Finding:
    """The ERP holds several orders for one of ours: goods may ship twice."""
    numbers = sorted(set(erp_order_numbers))
    return Finding(
        FindingKind.DUPLICATE_IN_ERP, Severity.CRITICAL, order_number,
        f"order {order_number} exists {len(numbers)} times in the ERP: {', '.join(numbers)}",
        {"erp_order_numbers": numbers},
    )


def orphan_finding(erp: ErpOrder) -> Finding:
    """An ERP order carries an external number we never sent."""
    subject = erp.order_number or erp.erp_order_number
    return Finding(
        FindingKind.ORPHAN_IN_ERP, Severity.WARNING, subject,
        f"ERP order {erp.erp_order_number} refers to unknown order {subject}",
        {"erp_order_number": erp.erp_order_number, "erp_status": erp.status.value},
    )


def compare(local: LocalOrder, erp: ErpOrder, tolerance: Decimal = CENT) -> list[Finding]:
    """Every difference between our order and the ERP's copy of it."""
    findings = [compare_totals(local, erp, tolerance), compare_lines(local, erp), status_drift(local, erp)]
    return [f for f in findings if f is not None]


def compare_totals(local: LocalOrder, erp: ErpOrder, tolerance: Decimal = CENT) -> Finding | None:
    """A finding when net, tax or gross differ by more than `tolerance`, with the likely cause."""
    ours, theirs = local.totals, erp
    deltas = {name: getattr(theirs, name) - getattr(ours, name) for name in ("net", "tax", "gross")}
    if all(abs(d) <= tolerance for d in deltas.values()):
        return None
    cause = likely_cause(local, erp, tolerance)
    detail: dict[str, object] = {
        "local": {k: str(getattr(ours, k)) for k in deltas},
        "erp": {k: str(getattr(theirs, k)) for k in deltas},
        "difference": {k: str(v) for k, v in deltas.items()},
        "likely_cause": cause,
    }
    because = f" (likely cause: {cause})" if cause else ""
    return Finding(
        FindingKind.TOTALS_DIFFER, Severity.WARNING, local.order_number,
        f"totals of {local.order_number} differ: gross {ours.gross} here, {theirs.gross} in the ERP{because}",
        detail,
    )


def likely_cause(local: LocalOrder, erp: ErpOrder, tolerance: Decimal = CENT) -> str | None:
    """Name a known cause of a totals difference: invoice discount, VAT confusion or rounding."""
    ours = local.totals

    def near(a: Decimal, b: Decimal) -> bool:
        return abs(a - b) <= tolerance

    if erp.invoice_discount and near(ours.net - erp.invoice_discount, erp.net):
        return "invoice_discount"
    if near(ours.net, erp.gross) or near(ours.gross, erp.net) or (
        local.prices_include_tax is not None and local.prices_include_tax != erp.prices_include_tax
    ):
        return "prices_include_tax"
    # Per-line rounding vs rounding the sum drifts by at most a cent per line.
    limit = CENT * max(len(erp.lines), len(local.lines), 1)
    if all(abs(getattr(erp, k) - getattr(ours, k)) <= limit for k in ("net", "tax", "gross")):
        return "rounding"
    return None


def compare_lines(local: LocalOrder, erp: ErpOrder) -> Finding | None:
    """A finding listing line differences: missing or extra sku, quantity, configuration."""
    if _line_keys(local.lines) == _line_keys(erp.lines):  # the common case, without pairing
        return None
    problems: list[dict[str, object]] = []
    skus = sorted({line.sku for line in local.lines} | {line.sku for line in erp.lines})
    for sku in skus:
        ours = [line for line in local.lines if line.sku == sku]
        theirs = [line for line in erp.lines if line.sku == sku]
        problems.extend(_compare_sku(sku, ours, theirs))
    if not problems:
        return None
    kinds = sorted({str(p["problem"]) for p in problems})
    return Finding(
        FindingKind.LINES_DIFFER, Severity.WARNING, local.order_number,
        f"lines of {local.order_number} differ from the ERP: {', '.join(kinds)}",
        {"problems": problems},
    )


_LineKey = tuple[str, Decimal, tuple[tuple[str, str], ...]]


def _line_keys(lines: Iterable[LocalLine | ErpOrderLine]) -> list[_LineKey]:
    return sorted((line.sku, Decimal(line.quantity), line.configuration.selections) for line in lines)


def _compare_sku(sku: str, ours: list[LocalLine], theirs: list[ErpOrderLine]) -> list[dict[str, object]]:
    ours, theirs = list(ours), list(theirs)
    for line in list(ours):  # identical lines need no pairing
        twin = next((t for t in theirs if _same(line, t)), None)
        if twin is not None:
            ours.remove(line)
            theirs.remove(twin)
    problems: list[dict[str, object]] = []
    for line, twin in zip(ours, theirs, strict=False):
        if Decimal(line.quantity) != twin.quantity:
            problems.append({"problem": "quantity", "sku": sku, "local": str(line.quantity),
                             "erp": str(twin.quantity)})
        problem = _configuration_problem(line.configuration, twin.configuration)
        if problem:
            problems.append({"problem": problem, "sku": sku, "local": line.configuration.as_dict(),
                             "erp": twin.configuration.as_dict()})
    problems += [{"problem": "line_missing", "sku": sku, "local": str(x.quantity)}
                 for x in ours[len(theirs):]]
    problems += [{"problem": "line_extra", "sku": sku, "erp": str(x.quantity)}
                 for x in theirs[len(ours):]]
    return problems


def _same(line: LocalLine, twin: ErpOrderLine) -> bool:
    return Decimal(line.quantity) == twin.quantity and line.configuration == twin.configuration


def _configuration_problem(ours: Configuration, theirs: Configuration) -> str | None:
    if ours == theirs:
        return None
    mine, other = ours.as_dict(), theirs.as_dict()
    if set(mine) - set(other):
        return "configuration_missing"
    return "configuration_altered"


def _rank(status: OrderStatus) -> int:
    return ERP_RANK.get(status, -1)


def status_drift(local: LocalOrder, erp: ErpOrder) -> Finding | None:
    """ERP ahead of us: apply its status; we ahead of (or contradicting) the ERP: report."""
    if local.status == erp.status or local.status in IN_FLIGHT:
        return None
    detail = {"local_status": local.status.value, "erp_status": erp.status.value,
              "erp_order_number": erp.erp_order_number}
    ahead = _rank(erp.status) > _rank(local.status) or (
        _rank(erp.status) == _rank(local.status) and can_transition(local.status, erp.status)
    )
    if ahead and local.status is not S.REJECTED:
        return Finding(
            FindingKind.STATUS_DRIFT, Severity.INFO, local.order_number,
            f"order {local.order_number} is {erp.status.value} in the ERP "
            f"but {local.status.value} here; applied",
            {**detail, "direction": "erp_ahead"}, Repair.APPLY_STATUS,
        )
    return Finding(
        FindingKind.STATUS_DRIFT, Severity.WARNING, local.order_number,
        f"order {local.order_number} is {local.status.value} here but {erp.status.value} in the ERP",
        {**detail, "direction": "local_ahead"},
    )


def stuck_finding(
    local: LocalOrder, now: datetime, thresholds: Mapping[OrderStatus, timedelta]
) -> Finding | None:
    """A finding when the order sits in a watched status longer than its threshold."""
    limit = thresholds.get(local.status)
    if limit is None or now - local.status_since <= limit:
        return None
    age = now - local.status_since
    return Finding(
        FindingKind.STUCK, Severity.WARNING, local.order_number,
        f"order {local.order_number} has been {local.status.value} for {_age(age)}",
        {"status": local.status.value, "since": local.status_since.isoformat(),
         "age_seconds": int(age.total_seconds())},
    )


def _age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

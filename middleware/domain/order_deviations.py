"""Compare the ERP's sales order with the prices the shop quoted."""

from __future__ import annotations

from decimal import Decimal

from .erp import ErpOrder
from .money import round_money
from .orders import DeviationKind, NewOrder, PriceDeviation

_UNIT = Decimal("0.0001")


def _unit_deviations(order: NewOrder, erp: ErpOrder, tolerance: Decimal) -> list[PriceDeviation]:
    found = []
    erp_lines = sorted(erp.lines, key=lambda line: line.line_no)
    for ours, theirs in zip(order.lines, erp_lines, strict=False):
        if abs(theirs.unit_price - ours.unit_price) > tolerance:
            found.append(
                PriceDeviation(
                    DeviationKind.UNIT_PRICE,
                    "unit_price",
                    ours.unit_price,
                    theirs.unit_price,
                    "the ERP's unit price differs from the quoted one",
                    line_ref=ours.line_ref,
                )
            )
    return found


def _total_deviations(order: NewOrder, erp: ErpOrder, tolerance: Decimal) -> list[PriceDeviation]:
    # per-line rounding may add up, so the totals get one tolerance per line
    allowed = tolerance * max(1, len(order.lines))
    quoted_net = order.totals.net
    if abs(erp.net - quoted_net) <= allowed and abs(erp.gross - order.totals.gross) <= allowed:
        return []
    discount = erp.invoice_discount or Decimal("0")
    explained = discount > 0 and abs(round_money(quoted_net - discount) - erp.net) <= allowed
    reason = (
        f"the ERP granted an invoice discount of {round_money(discount)}"
        if explained
        else "the ERP's totals differ from the quoted ones"
    )
    found = []
    if abs(erp.net - quoted_net) > allowed:
        found.append(
            PriceDeviation(DeviationKind.TOTAL, "net", quoted_net, erp.net, reason, explained=explained)
        )
    if abs(erp.gross - order.totals.gross) > allowed:
        found.append(
            PriceDeviation(
                DeviationKind.TOTAL, "gross", order.totals.gross, erp.gross, reason, explained=explained
            )
        )
    return found


def price_deviations(order: NewOrder, erp: ErpOrder, tolerance: Decimal) -> tuple[PriceDeviation, ...]:
    """Every difference beyond `tolerance` between the quoted order and the ERP's order."""
    return tuple(_unit_deviations(order, erp, tolerance) + _total_deviations(order, erp, tolerance))


def needs_review(deviations: tuple[PriceDeviation, ...]) -> bool:
    """Whether any deviation lacks a legitimate explanation (hold_for_review holds those orders)."""
    return any(not d.explained for d in deviations)

"""Pure rules of reconciliation: each finding kind, the tolerance and the likely causes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from middleware.domain.configuration import Configuration
from middleware.domain.erp import ErpOrder, ErpOrderLine
from middleware.domain.orders import OrderStatus as S
from middleware.domain.orders import OrderTotals
from middleware.domain.reconcile import (
    FindingKind,
    LocalLine,
    LocalOrder,
    Repair,
    Severity,
    compare,
    compare_lines,
    compare_totals,
    duplicate_finding,
    likely_cause,
    missing_finding,
    orphan_finding,
    status_drift,
    stuck_finding,
    window_start,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GOLD = Configuration.of({"color": "gold", "engraving": "Hi"})


def local(**changes: object) -> LocalOrder:
    order = LocalOrder(
        order_number="WEB-1", status=S.ACCEPTED, status_since=NOW - timedelta(hours=1), currency="EUR",
        lines=(LocalLine("MUG-01", D(60), GOLD), LocalLine("PEN-01", D(10))),
        totals=OrderTotals(D("100.00"), D("19.00"), D("119.00")), erp_order_number="SO-1",
    )
    return replace(order, **changes)


def erp(**changes: object) -> ErpOrder:
    order = ErpOrder(
        erp_order_number="SO-1", order_number="WEB-1", erp_customer_no="C1", currency="EUR",
        status=S.ACCEPTED,
        lines=(ErpOrderLine(1, "MUG-01", D(60), GOLD, D("1"), D("60"), D("19"), D("11.40")),
               ErpOrderLine(2, "PEN-01", D(10), Configuration(), D("4"), D("40"), D("19"), D("7.60"))),
        invoice_discount=D("0"), net=D("100.00"), tax=D("19.00"), gross=D("119.00"),
        last_modified=NOW,
    )
    return replace(order, **changes)


def test_identical_orders_have_no_findings() -> None:
    assert compare(local(), erp()) == []


def test_totals_within_tolerance_are_not_reported() -> None:
    assert compare_totals(local(), erp(net=D("100.01"), gross=D("119.01"))) is None


def test_totals_beyond_tolerance_are_reported_with_the_differences() -> None:
    finding = compare_totals(local(), erp(net=D("90.00"), tax=D("17.10"), gross=D("107.10")))
    assert finding is not None and finding.kind is FindingKind.TOTALS_DIFFER
    assert finding.detail["difference"] == {"net": "-10.00", "tax": "-1.90", "gross": "-11.90"}
    assert finding.detail["likely_cause"] is None


def test_a_larger_tolerance_accepts_a_larger_difference() -> None:
    assert compare_totals(local(), erp(gross=D("119.50")), tolerance=D("1.00")) is None


def test_invoice_discount_is_named_as_likely_cause() -> None:
    theirs = erp(invoice_discount=D("5.00"), net=D("95.00"), tax=D("18.05"), gross=D("113.05"))
    assert likely_cause(local(), theirs) == "invoice_discount"


def test_prices_including_vat_confusion_is_named_as_likely_cause() -> None:
    theirs = erp(net=D("119.00"), tax=D("22.61"), gross=D("141.61"))
    assert likely_cause(local(), theirs) == "prices_include_tax"
    flagged = erp(gross=D("118.00"), prices_include_tax=True)
    assert likely_cause(local(prices_include_tax=False), flagged) == "prices_include_tax"


def test_rounding_is_named_when_the_drift_is_a_cent_per_line() -> None:
    assert likely_cause(local(), erp(net=D("100.02"), gross=D("119.02"))) == "rounding"


def test_a_changed_quantity_is_a_line_difference() -> None:
    lines = (erp().lines[0], replace(erp().lines[1], quantity=D(12)))
    finding = compare_lines(local(), erp(lines=lines))
    assert finding is not None and finding.kind is FindingKind.LINES_DIFFER
    expected = [{"problem": "quantity", "sku": "PEN-01", "local": "10", "erp": "12"}]
    assert finding.detail["problems"] == expected


def test_a_lost_configuration_is_reported_as_missing() -> None:
    lines = (replace(erp().lines[0], configuration=Configuration.of({"color": "gold"})), erp().lines[1])
    finding = compare_lines(local(), erp(lines=lines))
    assert finding is not None
    assert [p["problem"] for p in finding.detail["problems"]] == ["configuration_missing"]


def test_an_altered_configuration_is_reported_as_altered() -> None:
    altered = Configuration.of({"color": "black", "engraving": "Hi"})
    lines = (replace(erp().lines[0], configuration=altered), erp().lines[1])
    finding = compare_lines(local(), erp(lines=lines))
    assert finding is not None
    assert [p["problem"] for p in finding.detail["problems"]] == ["configuration_altered"]


def test_missing_and_extra_skus_are_reported() -> None:
    lines = (erp().lines[0], replace(erp().lines[1], sku="CAP-01"))
    finding = compare_lines(local(), erp(lines=lines))
    assert finding is not None
    assert sorted(p["problem"] for p in finding.detail["problems"]) == ["line_extra", "line_missing"]


def test_line_order_does_not_matter() -> None:
    assert compare_lines(local(), erp(lines=tuple(reversed(erp().lines)))) is None


def test_shipped_in_the_erp_is_applied_here() -> None:
    finding = status_drift(local(), erp(status=S.SHIPPED))
    assert finding is not None and finding.repair is Repair.APPLY_STATUS
    assert finding.severity is Severity.INFO and finding.detail["erp_status"] == "shipped"


def test_cancelled_in_the_erp_is_applied_here() -> None:
    finding = status_drift(local(status=S.RELEASED), erp(status=S.CANCELLED))
    assert finding is not None and finding.repair is Repair.APPLY_STATUS


def test_shipped_here_but_not_in_the_erp_is_only_reported() -> None:
    finding = status_drift(local(status=S.SHIPPED), erp(status=S.RELEASED))
    assert finding is not None and finding.repair is Repair.NONE
    assert finding.severity is Severity.WARNING and finding.detail["direction"] == "local_ahead"


def test_cancelled_here_but_invoiced_in_the_erp_is_a_reported_conflict() -> None:
    finding = status_drift(local(status=S.CANCELLED), erp(status=S.INVOICED))
    assert finding is not None and finding.repair is Repair.NONE


def test_orders_still_being_delivered_have_no_status_drift() -> None:
    assert status_drift(local(status=S.SUBMITTING), erp()) is None


def test_submit_unknown_that_the_erp_accepted_is_applied() -> None:
    finding = status_drift(local(status=S.SUBMIT_UNKNOWN), erp())
    assert finding is not None and finding.repair is Repair.APPLY_STATUS


def test_duplicates_are_critical_and_list_every_erp_number() -> None:
    finding = duplicate_finding("WEB-1", ["SO-2", "SO-1", "SO-2"])
    assert finding.severity is Severity.CRITICAL
    assert finding.detail["erp_order_numbers"] == ["SO-1", "SO-2"]


def test_orphans_name_the_unknown_external_number() -> None:
    finding = orphan_finding(erp(order_number="WEB-404", erp_order_number="SO-9"))
    assert finding.kind is FindingKind.ORPHAN_IN_ERP and finding.subject == "WEB-404"


def test_missing_orders_are_left_to_a_person_with_what_was_last_known() -> None:
    finding = missing_finding(local(erp_order_number="SO-7"))
    assert finding.repair is Repair.NONE and finding.severity is Severity.CRITICAL
    assert finding.detail["erp_order_number"] == "SO-7" and finding.detail["local_status"] == "accepted"


def test_an_order_is_stuck_only_past_its_threshold() -> None:
    thresholds = {S.SUBMIT_UNKNOWN: timedelta(minutes=30)}
    young = local(status=S.SUBMIT_UNKNOWN, status_since=NOW - timedelta(minutes=29))
    old = local(status=S.SUBMIT_UNKNOWN, status_since=NOW - timedelta(minutes=90))
    assert stuck_finding(young, NOW, thresholds) is None
    assert stuck_finding(local(), NOW, thresholds) is None
    finding = stuck_finding(old, NOW, thresholds)
    assert finding is not None and "1 h 30 min" in finding.message


def test_the_window_reaches_back_by_window_plus_overlap() -> None:
    assert window_start(NOW, timedelta(hours=48), timedelta(hours=1)) == NOW - timedelta(hours=49)


def test_findings_are_identified_by_kind_and_subject() -> None:
    assert missing_finding(local()).key == ("missing_in_erp", "WEB-1")

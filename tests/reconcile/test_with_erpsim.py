"""Against the reference ERP: its control API makes each drift happen; we find it once and repair it."""

from __future__ import annotations

import argparse
from decimal import Decimal

import pytest

from middleware.domain.orders import OrderStatus as S
from middleware.domain.orders import StatusUpdate
from middleware.domain.pricing import PriceQuery, PriceRequestLine
from middleware.wiring import Container
from tests.reconcile.conftest import control, deliver_all, local_status, place


def reconcile(c: Container) -> dict[str, int]:
    """One recorded reconciliation run; its counts."""
    run = c.jobs.run("reconcile_orders")
    assert run.outcome == "ok", run.error
    return dict(run.counts)


def kinds(c: Container) -> list[tuple[str, str]]:
    """Open findings as (kind, subject), sorted."""
    return sorted((f.kind, f.subject) for f in c.findings.list_findings())


def test_agreeing_sides_give_no_findings(live: Container) -> None:
    for i in range(5):
        place(live, f"WEB-{i}")
    counts = reconcile(live)
    assert counts["erp_orders"] == 5 and counts["pages"] == 3
    assert kinds(live) == []


def test_an_invoiced_order_deleted_in_the_erp_is_never_sent_again(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    live.order_status.apply_status_updates([StatusUpdate("WEB-1", S.INVOICED, erp_order_number=erp_no)])
    control(sim, "DELETE", f"orders/{erp_no}")  # the ERP archives what it has finished
    reconcile(live)
    [finding] = live.findings.list_findings()
    assert (finding.kind, finding.subject, finding.severity) == ("missing_in_erp", "WEB-1", "critical")
    assert finding.detail["local_status"] == "invoiced" and finding.detail["erp_order_number"] == erp_no
    assert local_status(live, "WEB-1") is S.INVOICED  # never backwards
    reconcile(live)
    deliver_all(live)
    assert len(live.findings.list_findings()) == 1  # not reported twice
    assert control(sim, "GET", "orders?external_document_no=WEB-1")["count"] == 0  # nothing re-sent


def test_a_duplicated_erp_order_is_critical_and_fails_the_cli(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    copy = control(sim, "POST", f"orders/{erp_no}/duplicate", {})
    from middleware.cli.reconcile import run_reconcile

    code = run_reconcile(argparse.Namespace(since=None, dry_run=False), container=live)
    assert code == 1
    [finding] = live.findings.list_findings(kind="duplicate_in_erp")
    assert finding.severity == "critical"
    assert finding.detail["erp_order_numbers"] == sorted([erp_no, copy["no"]])
    reconcile(live)
    assert len(live.findings.list_findings(kind="duplicate_in_erp")) == 1


def test_an_orphan_in_the_erp_is_reported(live: Container, sim) -> None:
    control(sim, "POST", "orders", {"external_document_no": "WEB-GHOST", "customer_no": "C10000",
                                    "item_no": "MUG-01", "quantity": 5})
    reconcile(live)
    reconcile(live)
    assert kinds(live) == [("orphan_in_erp", "WEB-GHOST")]


def test_changed_prices_in_the_erp_are_a_totals_difference(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    control(sim, "PATCH", f"orders/{erp_no}", {"lines": [{"line_no": 1, "unit_price": "8.00"}]})
    reconcile(live)
    [finding] = live.findings.list_findings(kind="totals_differ")
    assert Decimal(finding.detail["difference"]["net"]) < 0
    assert kinds(live) == [("totals_differ", "WEB-1")]


def test_an_invoice_discount_added_in_the_erp_is_named_as_the_cause(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    order = control(sim, "GET", f"orders/{erp_no}")
    net = Decimal(order["amount"]) - Decimal("10.00")
    control(sim, "PATCH", f"orders/{erp_no}", {"recalculate": False, "invoice_discount_amount": "10.00",
                                                "amount": str(net), "vat_amount": str(net * Decimal("0.19")),
                                                "amount_including_vat": str(net * Decimal("1.19"))})
    reconcile(live)
    [finding] = live.findings.list_findings(kind="totals_differ")
    assert finding.detail["likely_cause"] == "invoice_discount"


@pytest.mark.parametrize(("patch", "problem"), [
    ({"lines": [{"line_no": 2, "quantity": 150}]}, "quantity"),
    ({"lines": [{"line_no": 1, "options": {"color": "white"}}]}, "configuration_altered"),
    ({"lines": [{"line_no": 1, "options": {}}]}, "configuration_missing"),
    ({"remove_lines": [2]}, "line_missing"),
])
def test_altered_lines_in_the_erp_are_reported(live: Container, sim, patch, problem) -> None:  # type: ignore[no-untyped-def]
    erp_no = place(live, "WEB-1")
    control(sim, "PATCH", f"orders/{erp_no}", {**patch, "recalculate": False})
    reconcile(live)
    reconcile(live)
    [finding] = live.findings.list_findings(kind="lines_differ")
    assert [p["problem"] for p in finding.detail["problems"]] == [problem]


def test_shipped_in_the_erp_is_applied_here_and_resolved_next_run(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    control(sim, "POST", f"orders/{erp_no}/status", {"status": "SHIPPED"})
    reconcile(live)
    assert local_status(live, "WEB-1") is S.SHIPPED
    assert kinds(live) == [("status_drift", "WEB-1")]
    reconcile(live)
    assert kinds(live) == []


def test_cancelled_in_the_erp_is_applied_here(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    control(sim, "POST", f"orders/{erp_no}/status", {"status": "CANCELLED"})
    reconcile(live)
    assert local_status(live, "WEB-1") is S.CANCELLED


def test_shipped_here_but_open_in_the_erp_is_only_reported(live: Container, sim) -> None:
    erp_no = place(live, "WEB-1")
    live.order_status.apply_status_updates([StatusUpdate("WEB-1", S.SHIPPED, erp_no)])
    reconcile(live)
    reconcile(live)
    [finding] = live.findings.list_findings(kind="status_drift")
    assert finding.detail["direction"] == "local_ahead" and local_status(live, "WEB-1") is S.SHIPPED


def test_an_order_never_delivered_is_stuck_after_the_threshold(live: Container) -> None:
    place(live, "WEB-1", deliver=False)
    reconcile(live)
    assert kinds(live) == []
    live.clock.advance(hours=2)  # type: ignore[attr-defined]
    reconcile(live)
    reconcile(live)
    assert kinds(live) == [("stuck", "WEB-1")]
    deliver_all(live)
    reconcile(live)
    assert kinds(live) == []


def test_the_catalog_sync_job_mirrors_new_items(live: Container, sim) -> None:
    control(sim, "PUT", "items/NEW-01", {"description": "New thing", "unit_price": "5.00"})
    run = live.jobs.run("catalog_sync")
    assert run.outcome == "ok" and run.counts["products_created"] == 1
    assert live.catalog.repo.get_product("NEW-01") is not None


def test_the_price_check_finds_an_unannounced_price_change_and_drops_the_cache(live: Container, sim) -> None:
    query = PriceQuery("C10000", "EUR", (PriceRequestLine("1", "MUG-01", 60),))
    served = live.prices.quote(query).lines[0].price.net_unit_price
    control(sim, "POST", "prices", {"item_no": "MUG-01", "sales_type": "CUSTOMER_PRICE_GROUP",
                                    "sales_code": "B2B-GOLD", "unit_price": "7.00", "min_quantity": 50})
    run = live.jobs.run("price_check")
    assert run.outcome == "ok" and run.counts["drift"] == 1 and run.counts["dropped"] >= 1
    [finding] = live.findings.list_findings(kind="price_drift")
    assert Decimal(finding.detail["served"]) == served and finding.detail["erp"] != str(served)
    assert live.prices.quote(query).lines[0].price.net_unit_price != served  # fresh from the ERP


def test_the_price_check_ignores_prices_that_did_not_change(live: Container) -> None:
    live.prices.quote(PriceQuery("C10000", "EUR", (PriceRequestLine("1", "MUG-01", 60),)))
    run = live.jobs.run("price_check")
    assert run.counts["lines"] == 1 and run.counts["drift"] == 0

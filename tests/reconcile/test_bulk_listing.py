"""Bulk ListSalesOrders (lxml) agrees with zeep and refuses DTDs; the CLI commands report and exit right."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest
import requests

from erpsim import SimulatorServer
from middleware.cli import main
from middleware.cli.reconcile import run_reconcile, run_sync
from middleware.config import Settings
from middleware.errors import ErpUnavailable
from middleware.soap.connectors.reference.connector import ReferenceErp as ZeepErp
from middleware.soap.connectors.reference.order_listing import parse_order_page
from middleware.wiring.erp import build_erp
from tests.reconcile.conftest import place


@pytest.fixture
def zeep_erp(sim: SimulatorServer) -> Iterator[ZeepErp]:
    """The zeep client against the reference ERP."""
    erp = build_erp(Settings.from_env({}, erp_endpoint=sim.soap_url))
    yield erp
    erp.close()


def test_bulk_listing_reads_the_same_orders_as_zeep(zeep_erp: ZeepErp, sim: SimulatorServer) -> None:
    requests.post(f"{sim.control_url}/orders/bulk", timeout=10, json={
        "count": 5, "customer_no": "C10000",
        "lines": [{"item_no": "MUG-01", "quantity": 60, "options": {"color": "gold", "engraving": "Hi"}},
                  {"item_no": "PEN-01", "quantity": 100}]})
    requests.post(f"{sim.control_url}/orders", timeout=10,
                  json={"external_document_no": "WEB-X", "status": "SHIPPED"})
    fast = zeep_erp
    bookmark, pages_fast, pages_zeep = None, [], []
    while True:
        page = fast.list_sales_orders(None, 2, bookmark)
        pages_fast.append(page)
        pages_zeep.append(zeep_erp.list_sales_orders_zeep(None, 2, bookmark))
        if not page.bookmark:
            break
        bookmark = page.bookmark
    assert pages_fast == pages_zeep and sum(len(p.items) for p in pages_fast) == 6


def test_a_dtd_in_the_answer_is_refused() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            b'<Envelope><Body><ListSalesOrdersResponse><SalesOrders/></ListSalesOrdersResponse></Body></Envelope>')
    with pytest.raises(ErpUnavailable, match="DTD"):
        parse_order_page(evil)


def test_an_answer_without_the_response_element_is_unusable() -> None:
    with pytest.raises(ErpUnavailable):
        parse_order_page(b"<Envelope><Body/></Envelope>")


def test_an_erp_fault_keeps_its_mapped_error(zeep_erp: ZeepErp, sim: SimulatorServer) -> None:
    requests.post(f"{sim.control_url}/faults", json={"outage": True}, timeout=10)
    try:
        with pytest.raises(ErpUnavailable):
            zeep_erp.list_sales_orders(None, 10, None)
    finally:
        requests.delete(f"{sim.control_url}/faults", timeout=10)


def test_the_reconcile_cli_dry_run_reports_without_storing(live, capsys) -> None:  # type: ignore[no-untyped-def]
    place(live, "WEB-1")
    requests.post(f"{live.settings.erp_endpoint.rsplit('/', 1)[0]}/_control/orders", timeout=10,
                  json={"external_document_no": "WEB-GHOST"})
    assert run_reconcile(argparse.Namespace(since=None, dry_run=True), container=live) == 0
    out = capsys.readouterr().out
    assert "orphan_in_erp" in out and "dry run" in out
    assert live.findings.list_findings() == []


def test_the_sync_cli_mirrors_the_catalog(live, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run_sync(argparse.Namespace(), container=live) == 0
    assert "products_updated" in capsys.readouterr().out


def test_a_bad_since_date_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["reconcile", "--since", "yesterday"])
    assert exit_info.value.code == 2 and "not an ISO date" in capsys.readouterr().err

"""Integration: the JSON control API (order manipulation, prices, stats, push, demo timer)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal as D
from typing import Any

import pytest
import zeep
from lxml import etree
from waitress.server import create_server

from erpsim import SimulatorServer
from erpsim.push import PUSH_NS
from tests.erpsim.helpers import WORKED_OPTIONS, order_lines


def _create(erp: Any, ext: str = "WEB-1", qty: int = 60) -> Any:
    return erp.CreateSalesOrder(
        ExternalDocumentNo=ext,
        CustomerNo="C10000",
        Lines={
            "Line": [{"LineNo": 10000, "ItemNo": "MUG-01", "Quantity": D(qty), "Options": WORKED_OPTIONS}]
        },
    )


def test_index_stats_and_reset(erp: Any, control: Callable[..., Any]) -> None:
    assert "POST /_control/orders/bulk" in control("GET", "")["endpoints"]
    _create(erp)
    erp.GetCustomer(CustomerNo="C10000")
    stats = control("GET", "stats")
    assert (
        stats["operations"]["CreateSalesOrder"]["calls"] == 1
        and stats["total_calls"] == 2
        and stats["orders"] == 1
    )
    control("POST", "stats/reset")
    assert control("GET", "stats")["total_calls"] == 0
    control("POST", "reset")
    assert control("GET", "stats")["orders"] == 0
    control("GET", "nothing-here", expect=404)
    control("PUT", "faults", expect=405)


def test_delete_duplicate_and_orphan(
    erp: Any, erp_fault: Callable[..., Any], control: Callable[..., Any]
) -> None:
    first = _create(erp)
    dup = control("POST", f"orders/{first.No}/duplicate", json={})
    assert dup["external_document_no"] == "WEB-1" and dup["no"] != first.No
    assert control("GET", "orders", params={"external_document_no": "WEB-1"})["count"] == 2
    page = erp.ListSalesOrders().SalesOrders.SalesOrder
    assert [o.ExternalDocumentNo for o in page] == ["WEB-1", "WEB-1"]
    orphan = control(
        "POST",
        "orders",
        json={
            "external_document_no": "LEGACY-9",
            "customer_no": "C20000",
            "lines": [{"item_no": "PEN-01", "quantity": 10}],
        },
    )
    assert erp.GetSalesOrder(ExternalDocumentNo="LEGACY-9").No == orphan["no"]
    control("DELETE", f"orders/{orphan['no']}")
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetSalesOrder(No=orphan["no"])
    assert erp_fault(exc.value).Code == "ORDER_NOT_FOUND"
    control("DELETE", "orders/SO-1", expect=404)


def test_alter_order(erp: Any, control: Callable[..., Any]) -> None:
    order = _create(erp)
    changed = control("PATCH", f"orders/{order.No}", json={"lines": [{"line_no": 10000, "quantity": 100}]})
    assert changed["amount"] == "1262.24" and changed["invoice_discount_amount"] == "25.76"  # 1288.00 - 2 %
    again = erp.GetSalesOrder(No=order.No)
    assert again.Lines.Line[0].Quantity == D(100) and again.LastModified > order.LastModified
    control(
        "PATCH",
        f"orders/{order.No}",
        json={
            "add_lines": [{"item_no": "PEN-01", "quantity": 3}],
            "lines": [{"line_no": 10000, "options": {"color": "black"}}],
        },
    )
    again = erp.GetSalesOrder(No=order.No)
    assert [ln.ItemNo for ln in again.Lines.Line] == ["MUG-01", "PEN-01"]
    assert again.Lines.Line[0].Options.Option[0].Value == "black"
    tampered = control("PATCH", f"orders/{order.No}", json={"remove_lines": [20000], "amount": "1.00"})
    assert tampered["amount"] == "1.00" and len(tampered["lines"]) == 1


def test_status_changes_and_cancel_rules(
    erp: Any, erp_fault: Callable[..., Any], control: Callable[..., Any]
) -> None:
    order = _create(erp)
    shipped = control("POST", f"orders/{order.No}/status", json={"status": "SHIPPED", "tracking_no": "1Z999"})
    assert shipped["tracking_no"] == "1Z999"
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.CancelSalesOrder(No=order.No)
    assert erp_fault(exc.value).Code == "VALIDATION"
    control("POST", f"orders/{order.No}/status", json={"status": "INVOICED"})
    invoiced = erp.GetSalesOrder(No=order.No)
    assert (invoiced.Status, invoiced.TrackingNo, invoiced.InvoiceNo) == ("INVOICED", "1Z999", "SI-00000001")
    control("POST", f"orders/{order.No}/status", expect=400, json={"status": "LOST"})


def test_price_and_master_data_changes(
    erp: Any, erp_fault: Callable[..., Any], control: Callable[..., Any]
) -> None:
    def base(customer: str, qty: int = 1) -> Any:
        line = erp.SimulateSalesPrices(
            CustomerNo=customer, Lines={"Line": [{"LineNo": 1, "ItemNo": "MUG-01", "Quantity": D(qty)}]}
        ).Lines.Line[0]
        return line.BaseUnitPrice, line.PriceOrigin

    control("PUT", "items/MUG-01", json={"unit_price": "13.00"})
    assert base("C70000") == (D("13.00"), "LIST")
    entry = {"item_no": "MUG-01", "sales_type": "CUSTOMER", "sales_code": "C10000", "unit_price": "7.77"}
    control("POST", "prices", json=entry)
    assert base("C10000") == (D("7.77"), "CUSTOMER")
    assert control("DELETE", "prices", json=entry)["removed"] == 1
    assert base("C10000") == (D("10.00"), "CUSTOMER_PRICE_GROUP")
    control("PATCH", "customers/C10000", json={"blocked": True})
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.CreateSalesOrder(ExternalDocumentNo="W", CustomerNo="C10000", Lines=order_lines(("MUG-01", 1)))
    assert erp_fault(exc.value).Code == "CUSTOMER_BLOCKED"


def test_price_mismatch_policies(
    sim: SimulatorServer, erp: Any, erp_fault: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = {"Line": [{"LineNo": 1, "ItemNo": "PEN-01", "Quantity": D(1), "ExpectedUnitPrice": D("0.50")}]}
    monkeypatch.setattr(sim.app.config, "price_mismatch_policy", "hold")
    assert erp.CreateSalesOrder(ExternalDocumentNo="H1", CustomerNo="C70000", Lines=lines).Status == "ON_HOLD"
    monkeypatch.setattr(sim.app.config, "price_mismatch_policy", "reject")
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.CreateSalesOrder(ExternalDocumentNo="H2", CustomerNo="C70000", Lines=lines)
    assert erp_fault(exc.value).Field == "Lines/Line[LineNo=1]/ExpectedUnitPrice"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    """A loopback HTTP endpoint recording (body, Authorization) of every POST."""
    got: list[tuple[bytes, str]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        got.append((body, environ.get("HTTP_AUTHORIZATION", "")))
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [b"<ok/>"]

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    from threading import Thread

    Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}/soap/", got
    server.close()


def _wait(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_status_push(erp: Any, control: Callable[..., Any], receiver: Any) -> None:
    url, got = receiver
    control("POST", "push", json={"url": url, "username": "mw", "password": "secret"})
    order = _create(erp)
    control("POST", f"orders/{order.No}/status", json={"status": "SHIPPED", "tracking_no": "TRK-1"})
    _wait(lambda: len(got) == 1)
    body, auth = got[0]
    assert auth.startswith("Basic ")
    update = etree.fromstring(body).find(f".//{{{PUSH_NS}}}StatusUpdate")
    fields = {child.tag.split("}")[1]: child.text for child in update}
    assert fields["ExternalDocumentNo"] == "WEB-1" and fields["OrderNo"] == order.No
    assert (fields["Status"], fields["TrackingNo"]) == ("SHIPPED", "TRK-1") and fields["ChangedAt"].endswith(
        "Z"
    )
    _wait(lambda: control("GET", "push")["sent"] == 1)
    control("DELETE", "push")


def test_auto_progress_timer(erp: Any, control: Callable[..., Any], receiver: Any) -> None:
    url, got = receiver
    control("POST", "push", json={"url": url})
    order = _create(erp)
    control("POST", "auto-progress", json={"seconds": 0.1})
    _wait(lambda: erp.GetSalesOrder(No=order.No).Status == "INVOICED")
    control("POST", "auto-progress", json={"seconds": None})
    _wait(lambda: len(got) >= 1)
    statuses = [s.text for body, _ in got for s in etree.fromstring(body).iter(f"{{{PUSH_NS}}}Status")]
    assert statuses == ["SHIPPED", "INVOICED"]

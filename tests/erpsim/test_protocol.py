"""Integration: WSDL serving, hardened XML parsing, raw SOAP edge cases, subprocess and bulk scale."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

import requests
from lxml import etree

from erpsim import SimConfig, SimulatorServer, make_app, start_subprocess
from erpsim.soap import SOAP_ENV
from tests.erpsim.helpers import make_client

NS = "urn:legacy-erp:sales:v1"
AUTH = ("erp-user", "erp-pass")


def _post(sim: SimulatorServer, body: str | bytes) -> requests.Response:
    return requests.post(sim.soap_url, data=body, auth=AUTH, timeout=10, headers={"Content-Type": "text/xml"})


def _envelope(inner: str) -> str:
    return f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:e="{NS}"><s:Body>{inner}</s:Body></s:Envelope>'


def _fault_code(resp: requests.Response) -> str:
    assert resp.status_code == 500
    return etree.fromstring(resp.content).findtext(f".//{{{NS}}}Code")


def test_wsdl_is_served_with_the_live_address(sim: SimulatorServer) -> None:
    resp = requests.get(sim.wsdl_url, timeout=10)
    doc = etree.fromstring(resp.content)
    address = doc.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address").get("location")
    assert resp.status_code == 200 and address == sim.soap_url
    import zeep

    assert zeep.Client(sim.wsdl_url).service.GetCustomer  # loadable over HTTP as well
    assert requests.get(f"{sim.url}/healthz", timeout=5).text == "ok"
    assert requests.put(sim.soap_url, timeout=5).status_code == 405


def test_entities_and_dtds_are_refused(sim: SimulatorServer) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _envelope(
        "<e:GetCustomer><e:CustomerNo>&x;</e:CustomerNo></e:GetCustomer>"
    )
    resp = _post(sim, xxe)
    assert _fault_code(resp) == "VALIDATION" and b"root:" not in resp.content
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + _envelope("<e:GetCustomer><e:CustomerNo>&b;</e:CustomerNo></e:GetCustomer>")
    )
    assert _fault_code(_post(sim, bomb)) == "VALIDATION"


def test_malformed_and_unknown_requests(sim: SimulatorServer) -> None:
    assert _fault_code(_post(sim, "<not-xml")) == "VALIDATION"
    assert _fault_code(_post(sim, "<a/>")) == "VALIDATION"
    assert _fault_code(_post(sim, _envelope("<e:DropTables/>"))) == "VALIDATION"
    too_many = "".join(
        f"<e:Line><e:LineNo>{i}</e:LineNo><e:ItemNo>PEN-01</e:ItemNo><e:Quantity>1</e:Quantity></e:Line>"
        for i in range(501)
    )
    body = _envelope(
        f"<e:SimulateSalesPrices><e:CustomerNo>C10000</e:CustomerNo><e:Lines>{too_many}</e:Lines>"
        "</e:SimulateSalesPrices>"
    )
    assert _fault_code(_post(sim, body)) == "VALIDATION"
    bad_qty = _envelope(
        "<e:SimulateSalesPrices><e:CustomerNo>C10000</e:CustomerNo><e:Lines><e:Line><e:LineNo>1"
        "</e:LineNo><e:ItemNo>PEN-01</e:ItemNo><e:Quantity>-1</e:Quantity></e:Line></e:Lines>"
        "</e:SimulateSalesPrices>"
    )
    resp = _post(sim, bad_qty)
    assert _fault_code(resp) == "VALIDATION" and b"Lines/Line[LineNo=1]/Quantity" in resp.content


def test_body_size_limit() -> None:
    app = make_app(SimConfig(max_body_bytes=100))
    status: list[str] = []
    environ = {
        "PATH_INFO": "/soap",
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": "1000",
        "wsgi.input": io.BytesIO(b"x" * 1000),
    }
    app(environ, lambda s, h: status.append(s))
    assert status == ["413 Payload Too Large"]


def test_subprocess_server() -> None:
    with start_subprocess() as proc:
        _, erp = make_client(proc.soap_url)
        assert erp.GetCustomer(CustomerNo="C10000").CustomerNo == "C10000"
        assert requests.get(f"{proc.control_url}/stats", timeout=5).json()["total_calls"] == 1
    assert proc.proc.returncode is not None


def test_bulk_100k_orders_page_quickly(
    sim: SimulatorServer, control: Callable[..., Any], zeep_pair: Any
) -> None:
    started = time.monotonic()
    result = control("POST", "orders/bulk", json={"count": 100_000, "prefix": "BENCH-"})
    assert result["created"] == 100_000 and time.monotonic() - started < 10
    state = sim.app.state
    seen, bookmark, started = 0, None, time.monotonic()
    while True:
        rows, bookmark = state.page_orders(None, bookmark, 1000)
        seen += len(rows)
        if bookmark is None:
            break
    assert seen == 100_000 and time.monotonic() - started < 3
    started = time.monotonic()
    page = zeep_pair[1].ListSalesOrders(PageSize=1000, Bookmark=None)
    assert len(page.SalesOrders.SalesOrder) == 1000 and page.NextBookmark and time.monotonic() - started < 5
    assert zeep_pair[1].GetSalesOrder(ExternalDocumentNo="BENCH-0100000").No == result["last_no"]


def test_more_threads_also_accept_more_kept_alive_connections() -> None:
    """Every thread can serve a client's own connection: 130 open at once are all answered (waitress would
    otherwise stop accepting at its default of 100)."""
    import http.client

    with SimulatorServer(SimConfig(threads=70)) as sim:
        conns = [http.client.HTTPConnection(sim.host, sim.port, timeout=5) for _ in range(130)]
        try:
            for conn in conns:
                conn.request("GET", "/_control/stats")
            statuses = [conn.getresponse().status for conn in conns]
        finally:
            for conn in conns:
                conn.close()
    assert statuses == [200] * 130

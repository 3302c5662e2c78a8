"""The zeep adapter against the simulator on loopback: mapping, faults, timeouts, safe XML."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from middleware.config import Settings
from middleware.domain.configuration import Configuration
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderStatus, OrderTotals
from middleware.domain.pricing import LineStatus, PriceRequestLine
from middleware.errors import ErpRejected, ErpTimeout, ErpUnavailable, NotFound
from middleware.soap.connectors.reference.connector import ReferenceErp as ZeepErp
from middleware.wiring.erp import build_erp

erpsim_server = pytest.importorskip("erpsim.server")
GOLD = Configuration.of({"color": "gold", "engraving": "Happy Birthday"})


@pytest.fixture(scope="module")
def sim() -> Iterator[object]:
    with erpsim_server.SimulatorServer() as server:
        yield server


@pytest.fixture
def erp(sim) -> Iterator[ZeepErp]:  # type: ignore[no-untyped-def]
    requests.delete(f"{sim.control_url}/faults", timeout=5)
    adapter = build_erp(Settings(erp_endpoint=sim.soap_url, erp_read_timeout=0.5))
    yield adapter
    adapter.close()
    requests.delete(f"{sim.control_url}/faults", timeout=5)


def faults(sim, **config: object) -> None:  # type: ignore[no-untyped-def]
    requests.post(f"{sim.control_url}/faults", json=config, timeout=5).raise_for_status()


def test_simulate_prices_maps_the_worked_case(erp: ZeepErp) -> None:
    answer = erp.simulate_prices("C10000", "EUR", [PriceRequestLine("1", "MUG-01", 60, GOLD),
                                                   PriceRequestLine("2", "NOPE", 1)])
    ok, missing = answer.lines
    assert (ok.base_unit_price, ok.net_unit_price, ok.net_amount) == (Decimal("9.00"), Decimal("12.73"),
                                                                      Decimal("778.80"))
    assert (ok.tax_amount, ok.gross_amount) == (Decimal("147.97"), Decimal("926.77"))
    assert ok.next_break is not None and ok.next_break.min_quantity == 100
    assert ok.configuration == GOLD and ok.price_origin == "customer_group"
    assert missing.status is LineStatus.NOT_FOUND and missing.net_amount is None
    assert answer.valid_until is not None and answer.valid_until.tzinfo is not None


def test_customers_and_items_are_mapped_and_paged(erp: ZeepErp) -> None:
    customer = erp.get_customer("C10000")
    assert customer.customer_id == "C10000" and customer.currency == "EUR" and customer.price_group
    first = erp.list_items(2, None)
    assert len(first.items) == 2 and first.bookmark
    second = erp.list_items(2, first.bookmark)
    assert {p.sku for p in first.items}.isdisjoint(p.sku for p in second.items)
    assert erp.list_customers(100, None).items


def test_unknown_customer_is_not_found_and_unknown_order_is_none(erp: ZeepErp) -> None:
    with pytest.raises(NotFound):
        erp.get_customer("NOBODY")
    assert erp.get_sales_order(order_number="WEB-NOPE") is None


def test_orders_round_trip(erp: ZeepErp) -> None:
    number = f"WEB-T{datetime.now(UTC).strftime('%H%M%S%f')}"
    order = NewOrder(
        number, "C10000", "EUR", datetime.now(UTC),
        (OrderLine("1", "MUG-01", 60, GOLD, Decimal("12.73"), option_labels=(("color", "Gold"),)),),
        Address("Ada", "Hauptstr. 1", "10115", "Berlin", "DE"),
        OrderTotals(Decimal("778.80"), Decimal("147.97"), Decimal("926.77")),
    )
    created = erp.create_sales_order(order, "C10000")
    assert created.order_number == number and created.status is OrderStatus.ACCEPTED
    assert created.lines[0].configuration == GOLD
    again = erp.get_sales_order(erp_order_number=created.erp_order_number)
    assert again is not None and again.order_number == number
    with pytest.raises(ErpRejected) as exc:
        erp.create_sales_order(order, "C10000")
    assert exc.value.code == "DUPLICATE_EXTERNAL_DOCUMENT_NO"
    page = erp.list_sales_orders(None, 100, None)
    assert number in {o.order_number for o in page.items}
    assert erp.cancel_sales_order(created.erp_order_number, "test").status is OrderStatus.CANCELLED


def test_busy_outage_and_slowness_map_to_our_errors(sim, erp: ZeepErp) -> None:  # type: ignore[no-untyped-def]
    line = [PriceRequestLine("1", "MUG-01", 1)]
    faults(sim, error_rate=1.0)
    with pytest.raises(ErpUnavailable) as busy:
        erp.simulate_prices("C10000", "EUR", line)
    assert not isinstance(busy.value, ErpTimeout)
    faults(sim, error_rate=0.0, outage=True)
    with pytest.raises(ErpUnavailable):
        erp.simulate_prices("C10000", "EUR", line)
    faults(sim, outage=False, latency_ms=1500)
    with pytest.raises(ErpTimeout):
        erp.simulate_prices("C10000", "EUR", line)


def test_a_refused_connection_is_unavailable_not_ambiguous() -> None:
    erp = build_erp(Settings(erp_endpoint="http://127.0.0.1:9/soap"))
    with pytest.raises(ErpUnavailable) as exc:
        erp.list_items(1, None)
    assert not isinstance(exc.value, ErpTimeout)


def test_wrong_credentials_are_rejected(sim) -> None:  # type: ignore[no-untyped-def]
    erp = build_erp(Settings(erp_endpoint=sim.soap_url, erp_password="wrong-password"))
    with pytest.raises(ErpRejected) as exc:
        erp.list_items(1, None)
    assert exc.value.code == "AUTH_FAILED"
    assert "wrong-password" not in str(exc.value)


EVIL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY boom "boom">]>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>
<ns0:ListItemsResponse xmlns:ns0="urn:legacy-erp:sales:v1"><ns0:Items/>
<ns0:NextBookmark>&boom;</ns0:NextBookmark>
</ns0:ListItemsResponse></soap-env:Body></soap-env:Envelope>"""


def test_answers_with_a_dtd_are_refused() -> None:
    class Evil(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(EVIL)))
            self.end_headers()
            self.wfile.write(EVIL)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        erp = build_erp(Settings(erp_endpoint=f"http://127.0.0.1:{server.server_port}/soap"))
        with pytest.raises(ErpUnavailable) as exc:
            erp.list_items(1, None)
        assert "DTDForbidden" in str(exc.value)
    finally:
        server.shutdown()
        server.server_close()

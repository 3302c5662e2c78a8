"""End to end over real HTTP on loopback: REST -> middleware -> SOAP (zeep) -> erpsim."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests

from middleware.app import create_app
from middleware.config import Settings
from middleware.web import WebServer
from middleware.wiring import Container, build_container

erpsim_server = pytest.importorskip("erpsim.server")

API_KEY = "integration-key-1"
WORKED = {"customer_id": "C10000", "currency": "EUR",
          "items": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60,
                     "options": {"color": "gold", "engraving": "Happy Birthday"}}]}


@dataclass
class Stack:
    """The simulator, the middleware served by waitress, and HTTP sessions to both."""

    sim: object
    container: Container
    url: str
    http: requests.Session

    def prices(self, body: dict, timeout: float = 10) -> requests.Response:
        return self.http.post(f"{self.url}/api/v1/prices", json=body, timeout=timeout,
                              headers={"Authorization": f"Bearer {API_KEY}"})

    def control(self, method: str, path: str, **kwargs: object) -> dict:
        response = self.http.request(method, f"{self.sim.control_url}/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response.json()

    def erp_calls(self, operation: str) -> int:
        return self.control("GET", "stats")["operations"].get(operation, {}).get("calls", 0)


@pytest.fixture
def stack(database_url: str) -> Iterator[Stack]:
    with erpsim_server.SimulatorServer() as sim:
        settings = Settings(database_url=database_url, erp_endpoint=sim.soap_url, shop_api_keys=(API_KEY,),
                            erp_read_timeout=1.0, erp_connect_timeout=1.0, breaker_failure_threshold=3)
        container = build_container(settings)
        server = WebServer(create_app(container=container), "127.0.0.1", 0, threads=8).start()
        http = requests.Session()
        http.trust_env = False
        try:
            yield Stack(sim, container, server.url, http)
        finally:
            server.close()
            http.close()
            container.close()


def test_the_worked_case_end_to_end(stack: Stack) -> None:
    response = stack.prices(WORKED)
    assert response.status_code == 200, response.text
    line = response.json()["lines"][0]
    assert (line["base_unit_price"], line["net_unit_price"]) == ("9.00", "12.73")
    assert (line["net_amount"], line["tax_amount"], line["gross_amount"]) == ("778.80", "147.97", "926.77")
    assert line["next_break"] == {"min_quantity": 100, "base_unit_price": "8.50"}
    assert line["price_origin"] == "customer_group"


def test_a_48_item_request_makes_exactly_one_erp_call(stack: Stack) -> None:
    stack.container.catalog.customer("C10000")
    stack.control("POST", "stats/reset")
    items = [{"line_ref": str(n), "sku": "MUG-01", "quantity": n, "options": {"color": "white"}}
             for n in range(1, 49)]
    response = stack.prices({**WORKED, "items": items})
    assert response.status_code == 200, response.text
    assert len(response.json()["lines"]) == 48
    assert stack.erp_calls("SimulateSalesPrices") == 1


def test_fifty_concurrent_identical_requests_make_one_erp_call(stack: Stack) -> None:
    stack.container.catalog.customer("C10000")
    stack.control("POST", "faults", json={"latency_ms": 200})
    stack.control("POST", "stats/reset")
    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(lambda _: stack.prices(WORKED), range(50)))
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["totals"]["gross"] for a in answers} == {"926.77"}
    assert stack.erp_calls("SimulateSalesPrices") == 1


def test_erp_outage_serves_the_known_quote_as_stale(stack: Stack) -> None:
    stack.container.prices.cache.ttl = timedelta(0)  # every quote is due again at once
    assert stack.prices(WORKED).status_code == 200
    stack.control("POST", "faults", json={"outage": True})
    response = stack.prices(WORKED)
    assert response.status_code == 200
    assert response.json()["source"] == "stale"
    assert response.json()["lines"][0]["net_unit_price"] == "12.73"


def test_erp_hanging_with_nothing_known_is_503_within_the_timeout(stack: Stack) -> None:
    stack.container.catalog.customer("C10000")
    stack.control("POST", "faults", json={"latency_ms": 2500})
    started = time.monotonic()
    response = stack.prices(WORKED)
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    assert time.monotonic() - started < 3.0


def test_catalog_sync_fills_the_products_endpoint(stack: Stack) -> None:
    result = stack.container.catalog.sync_from_erp()
    assert result.products.created >= 3
    response = stack.http.get(f"{stack.url}/api/v1/products/MUG-01", timeout=5,
                              headers={"Authorization": f"Bearer {API_KEY}"})
    product = response.json()
    assert product["list_price"] == "12.00"
    assert {o["code"] for o in product["options"]} >= {"color", "engraving"}

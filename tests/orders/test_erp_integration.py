"""Delivery against the reference ERP over loopback: outage, time-out after commit, rejection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from erpsim import SimulatorServer
from middleware.app import create_app
from middleware.domain.orders import OrderStatus
from middleware.wiring import build_container

from .conftest import AUTH, make_settings
from .erp_helpers import control, erp_orders, tote_order
from .test_worker import wait_for


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def live(sim, database_url):  # type: ignore[no-untyped-def]
    sim.app.reset()
    control(sim.url, "DELETE", "faults")
    settings = make_settings(
        database_url,
        erp_endpoint=sim.soap_url,
        erp_read_timeout=0.5,
        erp_connect_timeout=0.5,
        delivery_backoff_base=0.05,
        delivery_backoff_cap=0.2,
    )
    container = build_container(settings)
    container.catalog.sync_from_erp()
    container.delivery_worker.start()
    yield container, create_app(container=container).test_client()
    container.close()
    control(sim.url, "DELETE", "faults")


def statuses(container, numbers) -> set[OrderStatus]:  # type: ignore[no-untyped-def]
    return {container.orders.get(n)[0].status for n in numbers}


def test_orders_placed_while_the_erp_is_down_arrive_once_when_it_is_back(sim, live):
    container, client = live
    control(sim.url, "POST", "faults", {"outage": True})
    numbers = [f"OUT-{n}" for n in range(5)]
    for number in numbers:
        assert client.post("/api/v1/orders", json=tote_order(number), headers=AUTH).status_code == 202
    time.sleep(0.3)
    assert statuses(container, numbers) <= {OrderStatus.RECEIVED, OrderStatus.SUBMITTING}
    control(sim.url, "DELETE", "faults")
    assert wait_for(lambda: statuses(container, numbers) == {OrderStatus.ACCEPTED}, timeout=10)
    in_erp = erp_orders(sim.url)
    assert all(len(in_erp[n]) == 1 for n in numbers)
    record = container.orders.get("OUT-0")[0]
    assert record.erp_order_number == in_erp["OUT-0"][0]["no"]


def test_a_timeout_after_commit_yields_exactly_one_erp_order(sim, live):
    container, client = live
    control(sim.url, "POST", "faults", {"timeout_after_commit_rate": 1.0, "hang_seconds": 1.5})
    client.post("/api/v1/orders", json=tote_order("TMO-1"), headers=AUTH)
    assert wait_for(lambda: statuses(container, ["TMO-1"]) == {OrderStatus.SUBMIT_UNKNOWN}, timeout=5)
    control(sim.url, "DELETE", "faults")
    assert wait_for(lambda: statuses(container, ["TMO-1"]) == {OrderStatus.ACCEPTED}, timeout=10)
    assert len(erp_orders(sim.url)["TMO-1"]) == 1
    outcomes = [e.detail["outcome"] for e in container.orders.get("TMO-1")[1] if e.kind == "attempt"]
    assert outcomes[0] == "timeout" and outcomes[-1] == "adopted"


def test_an_order_the_erp_rejects_is_not_retried(sim, live):
    container, client = live
    control(sim.url, "PATCH", "customers/C10000", {"blocked": True})
    client.post("/api/v1/orders", json=tote_order("REJ-1"), headers=AUTH)
    assert wait_for(lambda: statuses(container, ["REJ-1"]) == {OrderStatus.REJECTED}, timeout=5)
    time.sleep(0.5)
    calls = control(sim.url, "GET", "stats")["operations"]["CreateSalesOrder"]["calls"]
    assert calls == 1
    assert "REJ-1" not in erp_orders(sim.url)
    record = container.orders.get("REJ-1")[0]
    assert record.last_error and "BLOCKED" in record.last_error


def test_a_back_dated_order_is_priced_at_the_erps_today(sim, live):
    container, client = live
    body = tote_order("OLD-1")
    body["placed_at"] = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    assert client.post("/api/v1/orders", json=body, headers=AUTH).status_code == 202
    assert wait_for(lambda: statuses(container, ["OLD-1"]) == {OrderStatus.ACCEPTED}, timeout=10)
    [order] = erp_orders(sim.url)["OLD-1"]
    assert order["order_date"] == datetime.now(UTC).date().isoformat()

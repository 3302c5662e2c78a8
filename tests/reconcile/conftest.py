"""Fixtures of reconciliation: the FakeErp (pages its orders), a hand-moved clock, local orders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from erpsim import SimulatorServer
from middleware.config import Settings
from middleware.domain.configuration import Configuration
from middleware.domain.erp import ErpOrder, ErpOrderLine
from middleware.domain.orders import (
    Address,
    NewOrder,
    OrderLine,
    OrderRecord,
    OrderStatus,
    OrderTotals,
    fingerprint,
)
from middleware.ports.orders import KIND_ERP_ORDER
from middleware.store.order_repo import SqlTransactions
from middleware.wiring import Container, build_container
from tests.fakes import START as START  # re-exported for the tests
from tests.fakes import FakeClock, FakeErp

GOLD = Configuration.of({"color": "gold", "engraving": "Hi"})
ADDRESS = Address("Ada Shop GmbH", "Hauptstr. 1", "10115", "Berlin", "DE")


def erp_order(number: str, erp_no: str, at: datetime, *, status: OrderStatus = OrderStatus.ACCEPTED,
              **changes: Any) -> ErpOrder:
    """An ERP order matching `local_order`'s default content."""
    order = ErpOrder(
        erp_order_number=erp_no, order_number=number, erp_customer_no="C10000", currency="EUR", status=status,
        lines=(ErpOrderLine(10000, "MUG-01", Decimal(60), GOLD, Decimal("1.50"), Decimal("90.00"),
                            Decimal(19), Decimal("17.10")),
               ErpOrderLine(20000, "PEN-01", Decimal(10), Configuration(), Decimal("1.00"), Decimal("10.00"),
                            Decimal(19), Decimal("1.90"))),
        invoice_discount=Decimal(0), net=Decimal("100.00"), tax=Decimal("19.00"), gross=Decimal("119.00"),
        last_modified=at,
    )
    return replace(order, **changes)


def add_local_order(c: Container, number: str, status: OrderStatus, at: datetime, *,
                    erp_no: str | None = None, lines: Sequence[OrderLine] | None = None) -> OrderRecord:
    """Store one of our orders through the orders repository, as delivery would have left it."""
    lines = tuple(lines or (OrderLine("1", "MUG-01", 60, GOLD, Decimal("1.50")),
                            OrderLine("2", "PEN-01", 10, Configuration(), Decimal("1.00"))))
    order = NewOrder(number, "C10000", "EUR", at, lines, ADDRESS,
                     OrderTotals(Decimal("100.00"), Decimal("19.00"), Decimal("119.00")))
    record = OrderRecord(order, "C10000", status, at, at, fingerprint(order), erp_order_number=erp_no)
    with SqlTransactions(c.db).write() as t:
        t.orders.add(record)
        if erp_no:
            t.orders.set_erp_result(number, erp_no, None, (), at)
    return record


def local_status(c: Container, number: str) -> OrderStatus:
    """The stored status of one of our orders."""
    with SqlTransactions(c.db).read() as t:
        record = t.orders.get(number)
        assert record is not None
        return record.status


@pytest.fixture
def clock() -> FakeClock:
    """A clock at 2026-11-23 10:00 UTC."""
    return FakeClock()


@pytest.fixture
def fake_erp() -> FakeErp:
    """An empty fake ERP."""
    return FakeErp()


@pytest.fixture
def container(database_url: str, fake_erp: FakeErp, clock: FakeClock) -> Iterator[Container]:
    """A wired container on a fresh database with the fake ERP and clock."""
    settings = Settings.from_env({}, database_url=database_url, reconcile_page_size=3)
    c = build_container(settings, erp=fake_erp, clock=clock)
    yield c
    c.close()


# --- against the reference ERP (erpsim) ------------------------------------------------------------

@pytest.fixture(scope="session")
def server() -> Iterator[SimulatorServer]:
    """One reference ERP for the session."""
    with SimulatorServer() as srv:
        yield srv


@pytest.fixture
def sim(server: SimulatorServer) -> SimulatorServer:
    """The reference ERP reset to demo data without orders."""
    server.app.reset()
    return server


@pytest.fixture
def live(database_url: str, sim: SimulatorServer) -> Iterator[Container]:
    """Middleware wired to the reference ERP over SOAP, catalog mirrored, clock movable."""
    settings = Settings.from_env({}, database_url=database_url, erp_endpoint=sim.soap_url,
                                 reconcile_page_size=2)
    c = build_container(settings, clock=FakeClock(datetime.now(UTC)))
    c.catalog.sync_from_erp()
    yield c
    c.close()


def control(sim: SimulatorServer, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the reference ERP's control API."""
    response = requests.request(method, f"{sim.control_url}/{path}", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def place(c: Container, number: str, deliver: bool = True) -> str | None:
    """Place an order through the order service and deliver it; returns the ERP number."""
    lines = (OrderLine("1", "MUG-01", 60, Configuration.of({"color": "gold"}), Decimal("9.90")),
             OrderLine("2", "PEN-01", 100, Configuration(), Decimal("1.00")))
    c.orders.place(NewOrder(number, "C10000", "EUR", c.clock.now(), lines, ADDRESS,
                            OrderTotals(Decimal("694.00"), Decimal("131.86"), Decimal("825.86"))))
    if deliver:
        deliver_all(c)
    return c.orders.get(number)[0].erp_order_number


def deliver_all(c: Container) -> None:
    """Deliver every due outbox entry once."""
    for entry in c.delivery.claim([KIND_ERP_ORDER], "test", 50):
        c.delivery.deliver(entry)

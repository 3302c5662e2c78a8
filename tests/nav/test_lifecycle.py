"""An order's whole life through the NAV connector: delivered, shipped, invoiced (and deleted by posting),
polled into our records and a webhook; reconciliation then finds nothing lost and NAV holds one order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from middleware.app import create_app
from middleware.domain.orders import OrderStatus
from middleware.soap.connectors.nav.connector import NavErp
from middleware.wiring import Container, build_container
from tests.nav.helpers import NavServer, connector_config, profile
from tests.orders.conftest import FakeClock, make_settings
from tests.orders.test_delivery import deliver, place, status
from tests.orders.test_status_pull_webhooks import RecordingTransport

NUMBER = "WEB-NAV-1"


@pytest.fixture
def stack(
    nav: NavServer, database_url: str
) -> Iterator[tuple[Container, NavErp, RecordingTransport, FakeClock]]:
    erp = NavErp(connector_config(nav, profile(nav, "codeunit")))
    clock = FakeClock()
    c = build_container(
        make_settings(
            database_url, status_webhook_url="http://127.0.0.1:9/hook", status_webhook_secret="hook-secret"
        ),
        erp=erp,
        clock=clock,
    )
    c.catalog.repo.upsert_customers([erp.get_customer("C10000")])
    c.catalog.repo.upsert_products(list(erp.list_items(100, None).items))
    transport = RecordingTransport([])
    c.webhooks.transport = transport
    yield c, erp, transport, clock
    c.close()


def events(transport: RecordingTransport) -> list[dict[str, Any]]:
    return [json.loads(body) for _url, body, _headers in transport.posts]


def test_invoiced_nav_order_is_polled_to_invoiced_and_never_sent_again(stack: Any, nav: NavServer) -> None:
    c, _erp, transport, clock = stack
    place(create_app(container=c).test_client(), NUMBER)
    deliver(c, clock, rounds=2)
    assert status(c, NUMBER) is OrderStatus.ACCEPTED
    erp_no = c.orders.get(NUMBER)[0].erp_order_number
    nav.control("POST", f"orders/{erp_no}/post", {"ship": True, "tracking_no": "TRK-NAV-1"})
    c.status_poll.run()
    assert status(c, NUMBER) is OrderStatus.SHIPPED
    nav.control("POST", f"orders/{erp_no}/post", {"ship": False, "invoice": True})
    counts = c.status_poll.run()
    deliver(c, clock, rounds=2)  # webhook deliveries
    assert counts["applied"] == 1 and status(c, NUMBER) is OrderStatus.INVOICED  # listed as a posted invoice
    sent = [e["status"] for e in events(transport) if e.get("order_number") == NUMBER]
    assert sent[-1] == "invoiced" and "shipped" in sent
    report = c.reconciler.run(1)
    assert dict(report.by_kind) == {}, report.sample  # nothing missing, duplicated or drifting
    assert status(c, NUMBER) is OrderStatus.INVOICED
    deliver(c, clock, rounds=2)
    held = nav.control("GET", f"orders?external_document_no={NUMBER}")
    assert held["count"] == 1 and report.erp_orders >= 1

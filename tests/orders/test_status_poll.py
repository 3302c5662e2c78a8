"""An ERP that pushes no status: the scheduled poll reads it and moves our orders, never backwards."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from middleware.domain.erp import Page
from middleware.domain.orders import OrderStatus
from middleware.ports.erp import ErpCapabilities
from middleware.services import status_poll

from .conftest import FakeClock, FakeErp, seeded_container
from .test_delivery import deliver, place, status


class PollingErp(FakeErp):
    """An ERP without status push: its list shows only orders it still has open (like NAV)."""

    capabilities = dataclasses.replace(ErpCapabilities(), status_push=False, modified_since_listing=False)

    def __init__(self) -> None:
        super().__init__()
        self.invoiced_and_gone: set[str] = set()

    def list_sales_orders(self, modified_since: Any, page_size: int, bookmark: str | None) -> Page[Any]:
        open_orders = [o for o in self.orders if o.order_number not in self.invoiced_and_gone]
        return Page(tuple(open_orders), None)

    def set_status(self, number: str, status: OrderStatus, **fields: Any) -> None:
        [order] = [o for o in self.orders if o.order_number == number]
        self.replace(order.erp_order_number, status=status, last_modified=datetime.now(UTC), **fields)


@pytest.fixture
def erp() -> PollingErp:
    return PollingErp()


@pytest.fixture
def container(database_url: str, erp: PollingErp, clock: FakeClock) -> Iterator[Any]:
    c = seeded_container(database_url, erp, clock)
    yield c
    c.close()


def test_the_poll_is_scheduled_only_for_an_erp_without_status_push(container: Any) -> None:
    assert container.status_poll is not None
    assert status_poll.JOB in {spec.name for spec in container.scheduler.specs}


def test_shipped_then_invoiced_and_deleted_orders_reach_invoiced(client: Any, container: Any,
                                                                 erp: PollingErp, clock: FakeClock) -> None:
    place(client, "WEB-1")
    deliver(container, clock)
    assert status(container, "WEB-1") is OrderStatus.ACCEPTED
    erp.set_status("WEB-1", OrderStatus.SHIPPED, tracking_no="TRK-1")
    counts = container.status_poll.run()
    assert counts["applied"] == 1 and status(container, "WEB-1") is OrderStatus.SHIPPED
    # fully invoiced: the ERP's open-order list no longer shows it; a lookup (posted invoice) still does
    erp.set_status("WEB-1", OrderStatus.INVOICED, invoice_no="INV-1")
    erp.invoiced_and_gone.add("WEB-1")
    counts = container.status_poll.run()
    assert counts["looked_up"] == 1 and counts["applied"] == 1
    assert status(container, "WEB-1") is OrderStatus.INVOICED
    assert erp.creates("WEB-1") == 1


def test_a_poll_never_moves_an_order_backwards(client: Any, container: Any, erp: PollingErp,
                                               clock: FakeClock) -> None:
    place(client, "WEB-2")
    deliver(container, clock)
    erp.set_status("WEB-2", OrderStatus.SHIPPED)
    container.status_poll.run()
    erp.set_status("WEB-2", OrderStatus.ACCEPTED)  # a stale answer
    container.status_poll.run()
    assert status(container, "WEB-2") is OrderStatus.SHIPPED

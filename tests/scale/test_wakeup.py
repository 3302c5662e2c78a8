"""An order taken by a web node wakes the delivery worker of another node at once (PostgreSQL NOTIFY)."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from middleware.app import create_app
from middleware.domain.orders import OrderStatus
from middleware.store.pg_notify import OutboxWakeup
from tests.orders.conftest import AUTH, FakeErp, order_body, seeded_container

needs_postgres = pytest.mark.skipif(
    not os.environ.get("MIDDLEWARE_TEST_DATABASE_URL"),
    reason="MIDDLEWARE_TEST_DATABASE_URL is not set (cross-node wake-up needs PostgreSQL)",
)


def _status(container: Any, number: str) -> OrderStatus:
    return container.orders.get(number)[0].status  # type: ignore[no-any-return]


@needs_postgres
def test_an_order_taken_by_a_web_node_is_delivered_by_a_worker_node_long_before_its_next_poll(
    database_url: str,
) -> None:
    erp = FakeErp()
    web = seeded_container(database_url, erp, delivery_poll_interval=60)
    worker = seeded_container(database_url, erp, delivery_poll_interval=60)
    wakeup = next(b for b in worker.background if isinstance(b, OutboxWakeup))
    try:
        worker.delivery_worker.start()
        wakeup.start()
        assert wakeup.listener.listening.wait(5), "the worker node did not start listening"
        time.sleep(0.2)  # the worker's first look at the outbox is over: only a wake-up brings it back
        response = create_app(container=web).test_client().post(
            "/api/v1/orders", json=order_body("WAKE-1"), headers=AUTH
        )
        assert response.status_code == 202
        deadline = time.monotonic() + 5
        while _status(worker, "WAKE-1") is not OrderStatus.ACCEPTED and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _status(worker, "WAKE-1") is OrderStatus.ACCEPTED
        assert web.delivery_worker.running is False  # the web node delivered nothing itself
    finally:
        wakeup.stop()
        worker.close()
        web.close()

"""The background worker: a POST wakes it, so delivery starts at once; stop() ends it cleanly."""

from __future__ import annotations

import time

from middleware.app import create_app
from middleware.domain.orders import OrderStatus

from .conftest import AUTH, order_body, seeded_container


def wait_for(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def test_a_post_wakes_the_worker_and_the_order_is_delivered_promptly(database_url, erp):
    c = seeded_container(database_url, erp, delivery_poll_interval=30.0)
    c.delivery_worker.start()
    try:
        client = create_app(container=c).test_client()
        time.sleep(0.05)  # the worker is now idle, waiting up to 30 s unless woken
        started = time.monotonic()
        assert client.post("/api/v1/orders", json=order_body(), headers=AUTH).status_code == 202
        assert wait_for(lambda: c.orders.get("WEB-100001")[0].status is OrderStatus.ACCEPTED)
        assert time.monotonic() - started < 2.0
    finally:
        c.delivery_worker.stop()
        c.close()
    assert not c.delivery_worker.running


def test_the_worker_retries_in_the_background_until_the_erp_is_back(database_url, erp):
    c = seeded_container(database_url, erp)
    erp.plan = ["down", "timeout_after_commit", "down"]
    c.delivery_worker.start()
    try:
        client = create_app(container=c).test_client()
        for n in range(5):
            client.post("/api/v1/orders", json=order_body(f"W-{n}"), headers=AUTH)
        assert wait_for(
            lambda: all(c.orders.get(f"W-{n}")[0].status is OrderStatus.ACCEPTED for n in range(5))
        )
        assert erp.created == 5
    finally:
        c.close()


def test_two_workers_on_one_database_send_each_order_exactly_once(database_url, erp):
    a = seeded_container(database_url, erp, delivery_concurrency=4)
    b = seeded_container(database_url, erp, delivery_concurrency=4)
    try:
        client = create_app(container=a).test_client()
        numbers = [f"MW-{n}" for n in range(60)]
        for number in numbers:
            client.post("/api/v1/orders", json=order_body(number), headers=AUTH)
        a.delivery_worker.start()
        b.delivery_worker.start()
        assert wait_for(lambda: a.orders.count_pending() == 0, timeout=10)
        assert all(erp.creates(n) == 1 for n in numbers)
        assert erp.count("get_sales_order") == 0  # nobody ever had to ask: no double claims
    finally:
        a.close()
        b.close()


def test_each_delivery_runs_under_a_request_id_naming_its_order(database_url, erp):
    from middleware.observability import requestid

    seen: list[str | None] = []
    create = erp.create_sales_order

    def recording(order, erp_customer_no):  # type: ignore[no-untyped-def]
        seen.append(requestid.current())
        return create(order, erp_customer_no)

    erp.create_sales_order = recording
    c = seeded_container(database_url, erp)
    try:
        client = create_app(container=c).test_client()
        assert client.post("/api/v1/orders", json=order_body("WEB-RID-1"), headers=AUTH).status_code == 202
        c.delivery_worker.run_once()
    finally:
        c.close()
    assert seen == ["erp_order:WEB-RID-1"]


def test_a_stopped_worker_hands_its_leases_back_at_once(database_url, erp):
    from sqlalchemy import select

    from middleware.jobs.delivery_worker import DeliveryWorker
    from middleware.ports.orders import KIND_ERP_ORDER
    from middleware.store.order_tables import outbox

    c = seeded_container(database_url, erp)
    handled = []

    def crashes(entry):  # type: ignore[no-untyped-def]  # a bug leaves the entry leased
        handled.append(entry.id)
        raise RuntimeError("bug")

    worker = DeliveryWorker(c.delivery, {KIND_ERP_ORDER: crashes}, c.clock, poll_interval=0.05)
    try:
        create_app(container=c).test_client().post("/api/v1/orders", json=order_body(), headers=AUTH)
        worker.start()
        assert wait_for(lambda: handled)
        worker.stop()
        with c.db.read() as conn:
            row = conn.execute(select(outbox.c.lease_owner, outbox.c.state)).one()
        assert row == (None, "pending")  # free for any other worker now, not in a few seconds
    finally:
        worker.stop()
        c.close()

"""Delivery to the ERP: exactly once through outages, time-outs, duplicates, crashes and rejections."""

from __future__ import annotations

from decimal import Decimal

from middleware.domain.orders import OrderStatus
from middleware.ports.orders import KIND_ERP_ORDER

from .conftest import AUTH, order_body


def place(client, number: str = "WEB-1", **changes) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/orders", json=order_body(number, **changes), headers=AUTH)
    assert response.status_code == 202, response.json


def deliver(container, clock, rounds: int = 1, step: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        container.delivery_worker.run_once()
        clock.advance(step)


def status(container, number: str = "WEB-1") -> OrderStatus:  # type: ignore[no-untyped-def]
    return container.orders.get(number)[0].status


def test_an_order_is_delivered_and_shows_the_erp_number(client, container, erp, clock):
    place(client)
    deliver(container, clock)
    body = client.get("/api/v1/orders/WEB-1", headers=AUTH).json
    assert body["status"] == "accepted" and body["erp_order_number"] == "SO-000001"
    assert body["erp_totals"]["net"] == "763.80"
    kinds = [e["kind"] for e in body["history"]]
    assert kinds == ["received", "attempt", "status_changed"]
    attempt = body["history"][1]["detail"]
    assert attempt["outcome"] == "accepted" and attempt["attempt"] == 1 and "duration_ms" in attempt
    assert erp.creates("WEB-1") == 1


def test_erp_down_then_back_delivers_each_order_once(client, container, erp, clock):
    for n in range(3):
        place(client, f"WEB-{n}")
    erp.plan = ["down"] * 6
    deliver(container, clock, rounds=2)
    assert all(status(container, f"WEB-{n}") is OrderStatus.RECEIVED for n in range(3))
    deliver(container, clock, rounds=3)
    assert all(status(container, f"WEB-{n}") is OrderStatus.ACCEPTED for n in range(3))
    assert len(erp.orders) == 3 and erp.created == 3


def test_a_timeout_after_commit_leaves_exactly_one_erp_order(client, container, erp, clock):
    place(client)
    erp.plan = ["timeout_after_commit"]
    deliver(container, clock)
    assert status(container) is OrderStatus.SUBMIT_UNKNOWN
    deliver(container, clock)
    assert status(container) is OrderStatus.ACCEPTED
    assert erp.creates("WEB-1") == 1 and erp.created == 1
    history = container.orders.get("WEB-1")[1]
    outcomes = [e.detail.get("outcome") for e in history if e.kind == "attempt"]
    assert outcomes == ["timeout", "adopted"]


def test_a_duplicate_fault_adopts_the_existing_erp_order(client, container, erp, clock):
    place(client)
    erp.plan = ["timeout_after_commit"]
    erp.lookup_plan = ["ok"]
    deliver(container, clock)
    # the ERP already has it; even a blind re-send is caught by the duplicate fault and adopted
    with container.db.write() as conn:
        from sqlalchemy import update

        from middleware.store.order_tables import orders, outbox

        conn.execute(update(outbox).values(attempts=0))
        conn.execute(update(orders).values(status="received"))
    deliver(container, clock)
    assert status(container) is OrderStatus.ACCEPTED
    assert erp.created == 1
    attempts = [e.detail for e in container.orders.get("WEB-1")[1] if e.kind == "attempt"]
    assert attempts[-1]["outcome"] == "adopted" and attempts[-1]["code"] == "DUPLICATE_EXTERNAL_DOCUMENT_NO"


def test_a_rejected_order_is_not_retried(client, container, erp, clock):
    place(client)
    erp.plan = ["reject"]
    deliver(container, clock, rounds=5, step=600)
    record = container.orders.get("WEB-1")[0]
    assert record.status is OrderStatus.REJECTED
    assert "ITEM_NOT_FOUND" in (record.last_error or "")
    assert erp.creates("WEB-1") == 1


def test_a_manual_retry_sends_a_rejected_order_again(client, container, erp, clock):
    place(client)
    erp.plan = ["reject"]
    deliver(container, clock)
    assert container.orders.retry_all_failed(actor="test") == ["WEB-1"]
    deliver(container, clock)
    assert status(container) is OrderStatus.ACCEPTED
    kinds = [e.kind for e in container.orders.get("WEB-1")[1]]
    assert "admin_retry" in kinds


def test_a_retryable_fault_backs_off_and_retries(client, container, erp, clock):
    place(client)
    erp.plan = ["busy"]
    deliver(container, clock)
    assert status(container) is OrderStatus.RECEIVED
    deliver(container, clock)
    assert status(container) is OrderStatus.ACCEPTED and erp.created == 1


def test_an_order_past_max_age_needs_attention(client, container, erp, clock):
    place(client)
    erp.plan = ["down"] * 100
    deliver(container, clock, rounds=3, step=50_000)
    assert status(container) is OrderStatus.NEEDS_ATTENTION
    calls = len(erp.calls)
    deliver(container, clock, rounds=2, step=40_000)
    assert len(erp.calls) == calls


def test_an_expired_lease_is_retaken_by_asking_the_erp_first(client, container, erp, clock):
    place(client)
    # a worker claimed the entry, created the order in the ERP and died before recording it
    entries = container.delivery.claim([KIND_ERP_ORDER], "dead-worker:1", 10)
    order = container.orders.get("WEB-1")[0].order
    erp.create_sales_order(order, "ERP-C10000")
    assert status(container) is OrderStatus.SUBMITTING and entries
    deliver(container, clock)  # the lease still holds: nobody else may touch it
    assert erp.creates("WEB-1") == 1
    clock.advance(60)
    deliver(container, clock)
    assert status(container) is OrderStatus.ACCEPTED
    assert erp.creates("WEB-1") == 1 and erp.lookups("WEB-1")


def test_two_workers_never_claim_the_same_entry(client, container, clock):
    for n in range(20):
        place(client, f"WEB-{n}")
    first = container.delivery.claim([KIND_ERP_ORDER], "a:1", 15)
    second = container.delivery.claim([KIND_ERP_ORDER], "b:1", 15)
    assert len(first) == 15 and len(second) == 5
    assert not {e.subject for e in first} & {e.subject for e in second}


def test_a_late_result_of_a_worker_that_lost_its_lease_cannot_complete_the_entry(client, container, clock):
    place(client)
    entry = container.delivery.claim([KIND_ERP_ORDER], "slow:1", 1)[0]
    clock.advance(60)
    container.delivery.claim([KIND_ERP_ORDER], "fast:1", 1)
    with container.db.write() as conn:
        from middleware.store.outbox import SqlOutbox

        assert SqlOutbox(conn).complete(entry.id, entry.owner, clock.now()) is False


def test_a_unit_price_deviation_is_recorded_and_accepted_by_default(client, container, erp, clock):
    place(client)
    erp.unit_price_delta = Decimal("0.50")
    deliver(container, clock)
    body = client.get("/api/v1/orders/WEB-1", headers=AUTH).json
    assert body["status"] == "accepted"
    kinds = {(d["kind"], d["field"]) for d in body["deviations"]}
    assert ("unit_price", "unit_price") in kinds and ("total", "net") in kinds
    assert any(e["kind"] == "price_deviation" for e in body["history"])


def test_hold_for_review_puts_an_order_with_deviations_on_hold(database_url, erp, clock):
    from middleware.app import create_app

    from .conftest import seeded_container

    c = seeded_container(database_url, erp, clock, price_deviation_policy="hold_for_review")
    try:
        client = create_app(container=c).test_client()
        place(client)
        erp.unit_price_delta = Decimal("-1.00")
        deliver(c, clock)
        assert status(c) is OrderStatus.ON_HOLD
    finally:
        c.close()


def test_an_invoice_discount_is_an_explained_deviation_that_does_not_hold(database_url, erp, clock):
    from middleware.app import create_app

    from .conftest import seeded_container

    c = seeded_container(database_url, erp, clock, price_deviation_policy="hold_for_review")
    try:
        client = create_app(container=c).test_client()
        place(
            client,
            lines=[{"line_ref": "1", "sku": "PEN-01", "quantity": 1000, "unit_price": "2.00"}],
            totals={"net": "2000.00", "tax": "380.00", "gross": "2380.00"},
        )
        erp.invoice_discount = Decimal("40.00")
        deliver(c, clock)
        record = c.orders.get("WEB-1")[0]
        assert record.status is OrderStatus.ACCEPTED
        assert record.deviations and all(d.explained for d in record.deviations)
        assert "invoice discount" in record.deviations[0].reason
    finally:
        c.close()


def _backed_off_by_an_outage(database_url, erp, clock):  # type: ignore[no-untyped-def]
    from middleware.app import create_app

    from .conftest import seeded_container

    c = seeded_container(database_url, erp, clock, delivery_backoff_base=100.0, delivery_backoff_cap=300.0)
    client = create_app(container=c).test_client()
    for n in range(3):
        place(client, f"B-{n}")
    erp.plan = ["down"] * 3
    c.delivery_worker.run_once()
    clock.advance(2.0)
    assert c.delivery_worker.run_once() == 0  # all three wait out a backoff of 50..100 s
    return c, client


def test_the_first_answer_of_the_erp_after_an_outage_wakes_the_backlog(database_url, erp, clock):
    c, client = _backed_off_by_an_outage(database_url, erp, clock)
    try:
        place(client, "B-new")
        c.delivery_worker.run_once()
        assert {status(c, f"B-{n}") for n in range(3)} == {OrderStatus.ACCEPTED}
        assert erp.created == 4
    finally:
        c.close()


def test_orders_waiting_out_a_backoff_probe_the_erp_every_second(database_url, erp, clock):
    c, _ = _backed_off_by_an_outage(database_url, erp, clock)
    try:
        assert c.delivery.leases.probe()  # the earliest is due now ...
        assert not c.delivery.leases.probe()  # ... and the next one only a second later
        c.delivery_worker.run_once()  # it gets through and wakes the rest
        assert {status(c, f"B-{n}") for n in range(3)} == {OrderStatus.ACCEPTED}
    finally:
        c.close()

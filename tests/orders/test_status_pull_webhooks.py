"""ERP status reports, pull mode and the signed status webhook."""

from __future__ import annotations

import json

from middleware.domain.orders import OrderAck, OrderStatus, StatusUpdate, UpdateOutcome
from middleware.services.webhooks import SIGNATURE_HEADER, WebhookService, sign, verify
from middleware.store.order_repo import SqlTransactions

from .conftest import AUTH, order_body, seeded_container
from .test_delivery import deliver, place, status

A, IGN, U = UpdateOutcome.APPLIED, UpdateOutcome.IGNORED, UpdateOutcome.UNKNOWN_ORDER


def test_status_reports_apply_once_and_never_move_backwards(client, container, clock):
    place(client)
    deliver(container, clock)
    apply = container.order_status.apply_status_updates
    results = apply(
        [
            StatusUpdate("WEB-1", OrderStatus.SHIPPED, "SO-000001", tracking_no="TRK1"),
            StatusUpdate("WEB-1", OrderStatus.SHIPPED, "SO-000001"),
            StatusUpdate("WEB-1", OrderStatus.RELEASED),
            StatusUpdate("NOPE", OrderStatus.SHIPPED),
            StatusUpdate("WEB-1", OrderStatus.INVOICED, "SO-999999"),
        ]
    )
    assert [r.outcome for r in results] == [A, IGN, IGN, U, IGN]
    assert status(container) is OrderStatus.SHIPPED
    shipped = [e for e in container.orders.get("WEB-1")[1] if e.status is OrderStatus.SHIPPED]
    assert shipped[0].detail["tracking_no"] == "TRK1"


def test_a_status_report_found_by_erp_number_alone_applies(client, container, clock):
    place(client)
    deliver(container, clock)
    [result] = container.order_status.apply_status_updates(
        [StatusUpdate("", OrderStatus.INVOICED, "SO-000001")]
    )
    assert result.outcome is A and result.order_number == "WEB-1"


def test_a_status_report_for_an_undelivered_order_stops_its_delivery(client, container, erp, clock):
    place(client)
    container.order_status.apply_status_updates([StatusUpdate("WEB-1", OrderStatus.ACCEPTED, "SO-777")])
    deliver(container, clock)
    assert erp.calls == []
    record = container.orders.get("WEB-1")[0]
    assert record.status is OrderStatus.ACCEPTED and record.erp_order_number == "SO-777"


def test_in_push_mode_an_acknowledgement_cannot_accept_an_undelivered_order(client, container, erp, clock):
    place(client)
    [result] = container.pull_delivery.acknowledge_orders([OrderAck("WEB-1", "SO-MADE-UP")])
    assert result.outcome is IGN and "push" in (result.reason or "")
    record = container.orders.get("WEB-1")[0]
    assert record.erp_order_number is None and record.status is not OrderStatus.ACCEPTED
    deliver(container, clock)  # the order still goes to the ERP
    assert status(container, "WEB-1") is OrderStatus.ACCEPTED and erp.calls


def test_pull_mode_offers_orders_under_a_lease_and_takes_acknowledgements(database_url, erp, clock):
    from middleware.app import create_app

    c = seeded_container(database_url, erp, clock, order_delivery="pull")
    try:
        client = create_app(container=c).test_client()
        place(client, "P-1")
        place(client, "P-2")
        deliver(c, clock)  # push delivery is off in pull mode
        assert erp.calls == []
        offered = c.pull_delivery.fetch_new_orders(10, lease_seconds=30)
        assert sorted(r.order_number for r in offered) == ["P-1", "P-2"]
        assert c.pull_delivery.fetch_new_orders(10, lease_seconds=30) == []
        results = c.pull_delivery.acknowledge_orders(
            [OrderAck("P-1", "SO-1"), OrderAck("P-1", "SO-1"), OrderAck("NOPE", "SO-9")]
        )
        assert [r.outcome for r in results] == [A, IGN, U]
        assert results[1].reason == "already acknowledged"
        clock.advance(31)
        again = c.pull_delivery.fetch_new_orders(10)
        assert [r.order_number for r in again] == ["P-2"]
        [rejected] = c.pull_delivery.acknowledge_orders([OrderAck("P-2", None, "VALIDATION", "bad address")])
        assert rejected.status is OrderStatus.REJECTED
        assert c.pull_delivery.count_pending() == 0
        assert status(c, "P-1") is OrderStatus.ACCEPTED
    finally:
        c.close()


def test_a_signature_verifies_and_a_tampered_body_does_not():
    header = sign("s3cret", 1_700_000_000, b'{"a":1}')
    assert header.startswith("t=1700000000,v1=")
    assert verify("s3cret", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("s3cret", header, b'{"a":2}', now=1_700_000_010)
    assert not verify("other", header, b'{"a":1}', now=1_700_000_010)
    assert not verify("s3cret", header, b'{"a":1}', now=1_700_009_999)


class RecordingTransport:
    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.posts: list[tuple[str, bytes, dict]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.posts.append((url, body, headers))
        return self.answers.pop(0) if self.answers else 200


def test_status_changes_are_sent_as_signed_webhooks_with_retries(database_url, erp, clock):
    c = seeded_container(
        database_url,
        erp,
        clock,
        status_webhook_url="http://127.0.0.1:9/hook",
        status_webhook_secret="hook-secret",
    )
    try:
        transport = RecordingTransport([500])
        c.webhooks.transport = transport
        from middleware.app import create_app

        place(create_app(container=c).test_client())
        deliver(c, clock, rounds=3)
        assert status(c, "WEB-1") is OrderStatus.ACCEPTED
        assert len(transport.posts) == 2  # the 500 was retried
        _url, body, headers = transport.posts[-1]
        event = json.loads(body)
        assert event["type"] == "order.status_changed" and event["status"] == "accepted"
        assert event["erp_order_number"] == "SO-000001"
        assert verify("hook-secret", headers[SIGNATURE_HEADER], body, now=int(clock.now().timestamp()))
        assert transport.posts[0][2]["X-Middleware-Event-Id"] == headers["X-Middleware-Event-Id"]
        assert isinstance(c.webhooks, WebhookService) and isinstance(c.webhooks.tx, SqlTransactions)
    finally:
        c.close()


def test_the_order_page_holds_no_secrets(client, container, clock):
    place(client)
    deliver(container, clock)
    text = client.get("/api/v1/orders/WEB-1", headers=AUTH).get_data(as_text=True)
    assert "erp-pass" not in text and "test-shop-key" not in text
    assert order_body()["order_number"] != "" and "WEB-1" in text

"""The orders panel and order page: failed deliveries show up, can be retried and resolved, all audited."""

from __future__ import annotations

from typing import Any

from .conftest import ADMIN_USER, page_token, place_order


def _fail_delivery(admin_client: Any, container: Any, fake_erp: Any, number: str) -> None:
    place_order(admin_client, number)
    fake_erp.down = True
    container.delivery_worker.run_once()
    fake_erp.down = False


def test_an_order_that_failed_while_the_erp_was_down_needs_attention(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    _fail_delivery(admin_client, container, fake_erp, "WEB-200001")
    html = admin_client.get("/admin/panel/orders").get_data(as_text=True)
    assert "WEB-200001" in html
    assert "connection refused" in html
    assert "Queue depth" in html


def test_retry_delivers_the_order_once_the_erp_is_back(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    _fail_delivery(admin_client, container, fake_erp, "WEB-200002")
    response = admin_client.post(
        "/admin/orders/WEB-200002/retry",
        data={"csrf_token": page_token(admin_client), "back": "/admin/", "note": "ERP is back"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    container.delivery_worker.run_once()
    page = admin_client.get("/admin/orders/WEB-200002").get_data(as_text=True)
    assert "accepted" in page and "SO-000001" in page
    assert "WEB-200002" not in admin_client.get("/admin/panel/orders").get_data(as_text=True)
    actions = [(a.action, a.actor, a.subject, a.outcome) for a in container.audit.recent("admin")]
    assert ("retry_order", ADMIN_USER, "WEB-200002", "done") in actions


def test_the_order_page_shows_the_timeline_and_the_failed_erp_call(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    _fail_delivery(admin_client, container, fake_erp, "WEB-200003")
    container.audit.flush()
    page = admin_client.get("/admin/orders/WEB-200003").get_data(as_text=True)
    assert "Timeline" in page and "received" in page
    assert "CreateSalesOrder" in page and "connection refused" in page


def test_retry_all_failed_queues_every_failed_order(admin_client: Any, container: Any, fake_erp: Any) -> None:
    from middleware.domain.orders import OrderStatus

    _fail_delivery(admin_client, container, fake_erp, "WEB-200004")
    with container.db.write() as conn:  # an order the ERP rejected for good
        from middleware.store.order_tables import orders

        conn.execute(
            orders.update()
            .where(orders.c.order_number == "WEB-200004")
            .values(status=OrderStatus.REJECTED.value)
        )
    response = admin_client.post("/admin/orders/retry-failed", data={"csrf_token": page_token(admin_client)})
    assert response.status_code == 302
    follow = admin_client.get("/admin/").get_data(as_text=True)
    assert "1 queued again" in follow


def test_mark_resolved_takes_the_order_off_the_attention_list(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    _fail_delivery(admin_client, container, fake_erp, "WEB-200005")
    admin_client.post(
        "/admin/orders/WEB-200005/resolve",
        data={"csrf_token": page_token(admin_client), "note": "entered by hand in the ERP"},
    )
    assert "WEB-200005" not in admin_client.get("/admin/panel/orders").get_data(as_text=True)
    page = admin_client.get("/admin/orders/WEB-200005").get_data(as_text=True)
    assert "resolve order" in page and ADMIN_USER in page
    _, events = container.orders.get("WEB-200005")
    resolved = [e for e in events if e.kind == "admin_resolved"]
    assert resolved and resolved[0].detail["note"] == "entered by hand in the ERP"


def test_retrying_an_unknown_order_says_so_and_is_audited_as_failed(
    admin_client: Any, container: Any
) -> None:
    form = {"csrf_token": page_token(admin_client), "note": "x"}
    admin_client.post("/admin/orders/NOPE-1/retry", data=form)
    assert "Not possible" in admin_client.get("/admin/").get_data(as_text=True)
    assert container.audit.recent("admin")[0].outcome == "failed"


def test_search_finds_orders_by_number_and_customer(admin_client: Any, container: Any, fake_erp: Any) -> None:
    place_order(admin_client, "WEB-300001")
    place_order(admin_client, "WEB-300002")
    html = admin_client.get("/admin/search?q=C10000").get_data(as_text=True)
    assert "WEB-300001" in html and "WEB-300002" in html
    exact = admin_client.get("/admin/search?q=WEB-300002")
    assert exact.status_code == 302 and exact.headers["Location"] == "/admin/orders/WEB-300002"
    assert "No orders match" in admin_client.get("/admin/search?q=zzz%25_").get_data(as_text=True)


def test_an_unknown_order_page_is_404(admin_client: Any) -> None:
    assert admin_client.get("/admin/orders/NOPE-2").status_code == 404


def test_order_counts_per_status_show_the_last_24_hours(admin_client: Any, container: Any) -> None:
    place_order(admin_client, "WEB-400001")
    container.delivery_worker.run_once()
    status = admin_client.get("/admin/status.json").get_json()
    assert status["orders"]["state"] == "ok"
    assert status["orders"]["data"]["stats"]["counts"] == {"accepted": 1}
    assert status["orders"]["data"]["stats"]["queue_depth"] == 0


def test_retry_and_resolve_ask_for_a_note(admin_client: Any, container: Any) -> None:
    place_order(admin_client, "WEB-NOTE-1")
    page = admin_client.get("/admin/orders/WEB-NOTE-1").get_data(as_text=True)
    assert 'name="note" required' in page
    form = {"csrf_token": page_token(admin_client), "back": "/admin/"}
    admin_client.post("/admin/orders/WEB-NOTE-1/resolve", data=form)
    assert "write a note" in admin_client.get("/admin/").get_data(as_text=True)
    assert not [e for e in container.audit.recent("admin", 5) if e.action == "resolve_order"]


def test_retry_is_offered_only_where_it_can_work(admin_client: Any, container: Any) -> None:
    place_order(admin_client, "WEB-NOTE-2")
    page = admin_client.get("/admin/orders/WEB-NOTE-2").get_data(as_text=True)
    assert "/admin/orders/WEB-NOTE-2/retry" in page
    container.delivery_worker.run_once()
    page = admin_client.get("/admin/orders/WEB-NOTE-2").get_data(as_text=True)
    assert "accepted" in page and "/admin/orders/WEB-NOTE-2/retry" not in page

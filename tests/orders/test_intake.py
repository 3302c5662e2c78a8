"""POST /api/v1/orders: validation at the edge, one transaction with the outbox, idempotency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from middleware.store.order_tables import order_events, order_lines, orders, outbox

from .conftest import AUTH, order_body


def count(container, table) -> int:  # type: ignore[no-untyped-def]
    with container.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_accepted_order_is_stored_with_labels_and_one_outbox_entry(client, container):
    response = client.post("/api/v1/orders", json=order_body(), headers=AUTH)
    assert response.status_code == 202, response.json
    assert response.json["status"] == "received"
    assert response.headers["Location"] == "/api/v1/orders/WEB-100001"
    assert (count(container, orders), count(container, order_lines), count(container, outbox)) == (1, 1, 1)
    record, events = container.orders.get("WEB-100001")
    line = record.order.lines[0]
    assert dict(line.option_labels) == {"color": "Gold", "engraving": "Happy Birthday"}
    assert line.quote_id == "q_1" and str(line.unit_price) == "12.73"
    assert record.erp_customer_no == "ERP-C10000"
    assert [e.kind for e in events] == ["received"]


def test_the_same_order_again_returns_the_first_answer(client, container):
    first = client.post("/api/v1/orders", json=order_body(), headers=AUTH)
    again = client.post("/api/v1/orders", json=order_body(), headers=AUTH)
    assert again.status_code == 202
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(container, orders) == 1 and count(container, outbox) == 1


def test_the_same_number_with_different_content_is_a_conflict(client, container):
    client.post("/api/v1/orders", json=order_body(), headers=AUTH)
    changed = order_body()
    changed["lines"][0]["quantity"] = 61
    response = client.post("/api/v1/orders", json=changed, headers=AUTH)
    assert response.status_code == 409
    assert "different content" in response.json["detail"]


def test_an_idempotency_key_reused_for_another_order_is_a_conflict(client):
    headers = {**AUTH, "Idempotency-Key": "key-1"}
    assert client.post("/api/v1/orders", json=order_body("A-1"), headers=headers).status_code == 202
    assert client.post("/api/v1/orders", json=order_body("A-1"), headers=headers).status_code == 202
    response = client.post("/api/v1/orders", json=order_body("A-2"), headers=headers)
    assert response.status_code == 409
    assert "A-1" in response.json["detail"]


def test_ten_concurrent_identical_posts_create_one_order(container):
    from middleware.app import create_app

    app = create_app(container=container)
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/api/v1/orders", json=order_body("RACE-1"), headers=AUTH).status_code)

    threads = [threading.Thread(target=post) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [202] * 10
    assert (
        count(container, orders) == 1
        and count(container, outbox) == 1
        and count(container, order_events) == 1
    )


def _lines(n: int) -> list[dict]:
    return [{"line_ref": str(i), "sku": "PEN-01", "quantity": 1, "unit_price": "2.00"} for i in range(n)]


@pytest.mark.parametrize(
    ("changes", "status", "needle"),
    [
        ({"customer_id": "NOPE"}, 422, "customer_id: unknown customer"),
        ({"customer_id": "C99999"}, 422, "blocked"),
        ({"lines": []}, 422, "lines"),
        ({"lines": _lines(501)}, 422, "lines"),
        ({"currency": "euro"}, 422, "currency"),
        ({"order_number": ""}, 422, "order_number"),
        ({"order_number": "X" * 36}, 422, "order_number"),  # the ERP's ExternalDocumentNo holds 35
        ({"order_number": "WEB-\uffff"}, 422, "order_number"),
        ({"currency": "USD"}, 422, "currency: customer C10000 buys in EUR"),
        ({"placed_at": "2026-06-26T10:02:00Z"}, 422, "placed_at: must lie between"),  # 150 days back
        ({"placed_at": "2026-11-24T10:02:00Z"}, 422, "placed_at: must lie between"),
        ({"placed_at": "0001-01-01T00:00:00+14:00"}, 422, "placed_at"),
        ({"placed_at": "9999-12-31T23:59:59-12:00"}, 422, "placed_at"),
        ({"order_number": "bad\nnumber"}, 422, "order_number"),
        ({"placed_at": "2026-11-23T10:02:00"}, 422, "placed_at"),
        ({"totals": {"net": "1.001", "tax": "0", "gross": "1"}}, 422, "totals.net"),
        ({"surprise": 1}, 422, "surprise: unknown field"),
        (
            {
                "shipping_address": {
                    "name": "A",
                    "street": "B",
                    "postal_code": "1",
                    "city": "C",
                    "country": "Germany",
                }
            },
            422,
            "shipping_address.country",
        ),
    ],
)
def test_invalid_orders_get_a_precise_problem(client, changes, status, needle):
    response = client.post("/api/v1/orders", json=order_body(**changes), headers=AUTH)
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert needle in response.json["detail"]


@pytest.mark.parametrize(
    ("line_changes", "needle"),
    [
        ({"quantity": 0}, "lines[0].quantity"),
        ({"quantity": "5"}, "lines[0].quantity"),
        ({"unit_price": "12.731"}, "lines[0].unit_price"),
        ({"unit_price": 12.73}, "lines[0].unit_price"),
        ({"unit_price": "-1.00"}, "lines[0].unit_price"),
        ({"sku": "GHOST"}, "lines[0].sku: unknown product"),
        ({"options": {"color": "purple"}}, "lines[0].options.color"),
        ({"options": {"size": "XL", "color": "gold"}}, "has no option 'size'"),
        ({"options": {"engraving": "Hi"}}, "option 'color' is required"),
        ({"options": {"color": "gold", "engraving": "Happy \uffff"}}, "lines[0].options.engraving"),
        ({"line_ref": "\ufffe"}, "lines[0].line_ref"),
    ],
)
def test_invalid_lines_name_the_line_and_field(client, line_changes, needle):
    body = order_body()
    body["lines"][0].update(line_changes)
    response = client.post("/api/v1/orders", json=body, headers=AUTH)
    assert response.status_code == 422, response.json
    assert needle in response.json["detail"]


def test_duplicate_line_refs_are_refused(client):
    body = order_body()
    body["lines"].append(dict(body["lines"][0]))
    response = client.post("/api/v1/orders", json=body, headers=AUTH)
    assert response.status_code == 422 and "line_ref" in response.json["detail"]


def test_nothing_is_stored_for_a_refused_order(client, container):
    response = client.post("/api/v1/orders", json=order_body(currency="USD"), headers=AUTH)
    assert response.status_code == 422
    assert (count(container, orders), count(container, outbox)) == (0, 0)


def test_orders_need_the_api_key(client):
    assert client.post("/api/v1/orders", json=order_body()).status_code == 401


def test_an_unknown_order_is_404(client):
    response = client.get("/api/v1/orders/NOPE", headers=AUTH)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_routes_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    assert "post" in document["paths"]["/api/v1/orders"]
    assert "get" in document["paths"]["/api/v1/orders/{order_number}"]

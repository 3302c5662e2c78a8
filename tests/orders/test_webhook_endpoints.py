"""Webhook endpoints managed over the API: secret once, events per type, signed, in order, never internal."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from middleware.domain.orders import OrderStatus, StatusUpdate
from middleware.services.webhooks import SIGNATURE_HEADER, verify

from .conftest import AUTH, order_body, seeded_container
from .test_delivery import deliver


class Recorder:
    """A webhook transport that records posts and answers from a script (then 200)."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.answers = list(answers or [])
        self.posts: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.posts.append((url, json.loads(body), headers))
        return self.answers.pop(0) if self.answers else 200

    def types(self, url: str | None = None) -> list[str]:
        return [p[1]["type"] for p in self.posts if url is None or p[0] == url]


def create(client: Any, url: str = "https://shop.example.com/hook", types: list[str] | None = None) -> Any:
    body: dict[str, Any] = {"url": url}
    if types is not None:
        body["event_types"] = types
    return client.post("/api/v1/webhook-endpoints", json=body, headers=AUTH)


def report(container: Any, status: OrderStatus, **fields: Any) -> None:
    container.order_status.apply_status_updates([StatusUpdate("WEB-1", status, **fields)])


@pytest.fixture
def recorder(container: Any) -> Recorder:
    container.webhooks.transport = rec = Recorder()
    return rec


def test_the_secret_is_shown_once_and_endpoints_can_be_listed_and_removed(client: Any) -> None:
    created = create(client, types=["order.shipped"])
    assert created.status_code == 201
    endpoint = created.json
    assert endpoint["secret"].startswith("whsec_") and endpoint["event_types"] == ["order.shipped"]
    listed = client.get("/api/v1/webhook-endpoints", headers=AUTH).json["items"]
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
    one = client.get(f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=AUTH)
    assert one.status_code == 200 and endpoint["secret"] not in one.get_data(as_text=True)
    assert client.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=AUTH).status_code == 204
    assert client.get(f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=AUTH).status_code == 404
    assert client.get("/api/v1/webhook-endpoints").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://x.example/h"},
        {"url": "https://x.example/h", "event_types": ["order.submit_unknown"]},
        {"url": "https://u:p@x.example/h"},
        {"url": "https://x.example/h", "extra": 1},
    ],
)
def test_bad_endpoints_are_refused_with_422(client: Any, body: dict[str, Any]) -> None:
    response = client.post("/api/v1/webhook-endpoints", json=body, headers=AUTH)
    assert response.status_code == 422, response.json


def test_events_go_to_the_endpoints_that_want_them_with_the_fields_the_shop_needs(
    client: Any, container: Any, clock: Any, recorder: Recorder
) -> None:
    all_url, shipped_url = "https://a.example/h", "https://b.example/h"
    secret = create(client, all_url).json["secret"]
    create(client, shipped_url, ["order.shipped"])
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    deliver(container, clock, rounds=3)
    report(container, OrderStatus.SHIPPED, tracking_no="TRK-1")
    report(container, OrderStatus.INVOICED, invoice_no="INV-7")
    deliver(container, clock, rounds=4)
    assert recorder.types(all_url) == ["order.accepted", "order.shipped", "order.invoiced"]
    assert recorder.types(shipped_url) == ["order.shipped"]
    by_type = {p[1]["type"]: p for p in recorder.posts if p[0] == all_url}
    assert by_type["order.accepted"][1]["data"]["erp_order_number"] == "SO-000001"
    assert by_type["order.shipped"][1]["data"]["tracking_number"] == "TRK-1"
    assert by_type["order.invoiced"][1]["data"]["invoice_number"] == "INV-7"
    _url, event, headers = by_type["order.invoiced"]
    body = json.dumps(event, separators=(",", ":")).encode()
    assert verify(secret, headers[SIGNATURE_HEADER], body, now=int(clock.now().timestamp()))
    assert headers["X-Middleware-Event-Id"] == event["id"]
    assert len({p[1]["id"] for p in recorder.posts}) == 3  # one id per event, shared by its endpoints


def test_internal_states_never_reach_the_shop_and_rejections_carry_the_reason(
    client: Any, container: Any, erp: Any, clock: Any, recorder: Recorder
) -> None:
    create(client)
    erp.plan = ["timeout", "reject"]
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    deliver(container, clock, rounds=8, step=30.0)
    assert recorder.types() == ["order.rejected"]
    data = recorder.posts[0][1]["data"]
    assert data["status"] == "rejected" and data["reason"]
    assert "submit_unknown" not in json.dumps([p[1] for p in recorder.posts])


def test_one_order_s_events_arrive_in_order_even_when_the_first_delivery_failed(
    client: Any, container: Any, clock: Any, recorder: Recorder
) -> None:
    create(client)
    recorder.answers = [500, 500]
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    deliver(container, clock)  # accepted: its event is queued
    report(container, OrderStatus.SHIPPED, tracking_no="TRK-1")
    deliver(container, clock, rounds=12, step=5.0)
    delivered = [p[1]["type"] for p in recorder.posts[2:]]
    assert recorder.types()[:2] == ["order.accepted", "order.accepted"]
    assert delivered == ["order.accepted", "order.shipped"]


def test_the_environment_endpoint_is_one_endpoint_that_cannot_be_removed_over_the_api(
    database_url: str, erp: Any, clock: Any
) -> None:
    from middleware.app import create_app

    c = seeded_container(database_url, erp, clock, status_webhook_url="https://env.example/h",
                         status_webhook_secret="env-secret")
    try:
        client = create_app(container=c).test_client()
        [env] = client.get("/api/v1/webhook-endpoints", headers=AUTH).json["items"]
        assert env["source"] == "environment" and env["url"] == "https://env.example/h"
        listing = client.get("/api/v1/webhook-endpoints", headers=AUTH).get_data(as_text=True)
        assert "env-secret" not in listing
        assert client.delete(f"/api/v1/webhook-endpoints/{env['id']}", headers=AUTH).status_code == 409
    finally:
        c.close()


@pytest.fixture
def shop_server() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    received: list[tuple[bytes, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers[SIGNATURE_HEADER]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_a_test_event_is_sent_signed_over_http_now(client: Any, clock: Any, shop_server: Any) -> None:
    url, received = shop_server
    endpoint = create(client, url).json
    answer = client.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/test", headers=AUTH)
    assert answer.status_code == 200 and answer.json == {"delivered": True, "status_code": 204, "error": None}
    [(body, signature)] = received
    assert json.loads(body)["type"] == "webhook.test"
    assert verify(endpoint["secret"], signature, body, now=int(clock.now().timestamp()))

"""Failed webhook deliveries on the admin page, replayed one at a time or all at once; counted in /metrics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import AUTH, order_body, seeded_container
from .test_delivery import deliver
from .test_webhook_endpoints import Recorder

ADMIN = {"username": "admin", "password": "test-admin-password"}


@pytest.fixture
def container(database_url: str, erp: Any, clock: Any) -> Iterator[Any]:
    """The orders container with known admin credentials."""
    c = seeded_container(database_url, erp, clock, admin_username=ADMIN["username"],
                         admin_password=ADMIN["password"])
    yield c
    c.close()


def sign_in(client: Any) -> None:
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post("/admin/login", data={"csrf_token": token, **ADMIN}).status_code == 302


def token(client: Any, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)  # type: ignore[union-attr]


def test_a_given_up_delivery_shows_per_endpoint_and_can_be_replayed(
    client: Any, container: Any, clock: Any, database_url: str
) -> None:
    body = {"url": "https://down.example/h"}
    endpoint = client.post("/api/v1/webhook-endpoints", json=body, headers=AUTH).json
    container.webhooks.transport = recorder = Recorder([500] * 100)
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    deliver(container, clock, rounds=3)
    clock.advance(container.settings.delivery_max_age + 1)
    deliver(container, clock, rounds=2)
    sign_in(client)
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert endpoint["id"] in page and "order.accepted" in page and "HTTP 500" in page and "given up" in page
    assert endpoint["secret"] not in page
    metrics = client.get("/metrics").get_data(as_text=True)
    assert f'middleware_webhook_failed_deliveries{{endpoint="{endpoint["id"]}"}} 1.0' in metrics

    recorder.answers = []
    subject = re.search(r'name="subject" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    replay = client.post("/admin/webhooks/replay", data={"csrf_token": token(client, "/admin/webhooks"),
                                                          "subject": subject, "back": "/admin/webhooks"})
    assert replay.status_code == 302
    before = len(recorder.posts)
    deliver(container, clock, rounds=2)
    assert len(recorder.posts) == before + 1 and recorder.posts[-1][1]["type"] == "order.accepted"
    assert "No failed deliveries" in client.get("/admin/webhooks").get_data(as_text=True)
    assert container.audit.recent("admin", 3)[0].action == "replay_webhook"


def test_replay_all_failed_requeues_every_given_up_delivery(client: Any, container: Any, clock: Any) -> None:
    client.post("/api/v1/webhook-endpoints", json={"url": "https://down.example/h"}, headers=AUTH)
    container.webhooks.transport = recorder = Recorder([500] * 100)
    for n in (1, 2):
        client.post("/api/v1/orders", json=order_body(f"WEB-{n}"), headers=AUTH)
    deliver(container, clock, rounds=3)
    clock.advance(container.settings.delivery_max_age + 1)
    deliver(container, clock, rounds=2)
    sign_in(client)
    recorder.answers = []
    client.post("/admin/webhooks/replay-failed", data={"csrf_token": token(client, "/admin/webhooks"),
                                                        "note": "shop fixed", "back": "/admin/webhooks"})
    before = len(recorder.posts)
    deliver(container, clock, rounds=2)
    assert len(recorder.posts) == before + 2
    panel = client.get("/admin/panel/orders").get_data(as_text=True)
    assert "Webhooks queued" in panel

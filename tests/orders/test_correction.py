"""An admin shortens a rejected order's engraving and sends it again; the history records who and why."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from middleware.domain.orders import OrderStatus

from .conftest import AUTH, order_body, seeded_container
from .test_delivery import deliver, status

ADMIN = {"username": "admin", "password": "test-admin-password"}


@pytest.fixture
def container(database_url: str, erp: Any, clock: Any) -> Iterator[Any]:
    c = seeded_container(database_url, erp, clock, admin_username=ADMIN["username"],
                         admin_password=ADMIN["password"])
    yield c
    c.close()


def _token(client: Any, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)  # type: ignore[union-attr]


def test_a_rejected_order_is_corrected_and_resubmitted_from_its_page(
    client: Any, container: Any, erp: Any, clock: Any
) -> None:
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    erp.plan = ["reject"]
    deliver(container, clock)
    assert status(container, "WEB-1") is OrderStatus.REJECTED
    token = _token(client, "/admin/login")
    client.post("/admin/login", data={"csrf_token": token, **ADMIN})
    page = client.get("/admin/orders/WEB-1").get_data(as_text=True)
    assert "Correct and resubmit" in page and "engraving=Happy Birthday" in page
    form = {"csrf_token": _token(client, "/admin/orders/WEB-1"), "back": "/admin/orders/WEB-1",
            "options": "color=gold\nengraving=Happy B-day", "note": "engraving too long for the ERP"}
    assert client.post("/admin/orders/WEB-1/lines/1/correct", data=form).status_code == 302
    deliver(container, clock)
    record, events = container.orders.get("WEB-1")
    assert record.status is OrderStatus.ACCEPTED
    assert dict(record.order.lines[0].configuration.selections)["engraving"] == "Happy B-day"
    [corrected] = [e for e in events if e.kind == "configuration_corrected"]
    assert corrected.detail["before"]["engraving"] == "Happy Birthday"
    assert corrected.detail["actor"] == "admin"
    assert corrected.detail["note"] == "engraving too long for the ERP"
    assert [o.order_number for o in erp.orders] == ["WEB-1"]
    assert container.audit.recent("admin", 3)[0].action == "correct_configuration"


def test_a_correction_is_checked_against_the_catalog_and_only_for_rejected_orders(
    client: Any, container: Any, erp: Any, clock: Any
) -> None:
    client.post("/api/v1/orders", json=order_body("WEB-1"), headers=AUTH)
    desk = container.admin.orders
    from middleware.errors import Conflict, InputError

    with pytest.raises(Conflict):
        desk.correct("WEB-1", "1", {"color": "gold"}, "admin", "x")
    erp.plan = ["reject"]
    deliver(container, clock)
    with pytest.raises(InputError, match="purple"):
        desk.correct("WEB-1", "1", {"color": "purple"}, "admin", "x")
    assert status(container, "WEB-1") is OrderStatus.REJECTED

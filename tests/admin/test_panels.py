"""ERP link, prices, explorer, inbound SOAP and unavailable panels."""

from __future__ import annotations

from typing import Any

import pytest

from middleware.services.admin import AdminService

from .conftest import page_token


def test_the_dashboard_shows_every_panel(admin_client: Any) -> None:
    html = admin_client.get("/admin/").get_data(as_text=True)
    for title in ("ERP link", "Prices", "Orders", "Reconciliation", "Scheduler", "From the ERP"):
        assert title in html
    assert 'data-panel="/admin/panel/erp"' in html and "admin.js" in html


def test_the_erp_panel_shows_down_after_a_failed_call_and_up_after_a_good_one(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    assert "no calls yet" in admin_client.get("/admin/panel/erp").get_data(as_text=True)
    fake_erp.down = True
    with pytest.raises(Exception):
        container.erp.get_customer("ERP-C10000")
    html = admin_client.get("/admin/panel/erp").get_data(as_text=True)
    assert 'badge bad">down' in html and "connection refused" in html and "GetCustomer" in html
    fake_erp.down = False
    container.erp.get_customer("ERP-C10000")
    html = admin_client.get("/admin/panel/erp").get_data(as_text=True)
    assert 'badge good">up' in html and "50.0 %" in html  # 1 of 2 calls failed


def test_the_prices_panel_shows_cache_counters(admin_client: Any, container: Any) -> None:
    response = admin_client.post(
        "/api/v1/prices",
        headers={"Authorization": "Bearer test-shop-key-123"},
        json={
            "customer_id": "C10000",
            "currency": "EUR",
            "items": [{"line_ref": "1", "sku": "PEN-01", "quantity": 3}],
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    admin_client.post(
        "/api/v1/prices",
        headers={"Authorization": "Bearer test-shop-key-123"},
        json={
            "customer_id": "C10000",
            "currency": "EUR",
            "items": [{"line_ref": "1", "sku": "PEN-01", "quantity": 3}],
        },
    )
    data = admin_client.get("/admin/status.json").get_json()["prices"]["data"]
    assert data["hits"] == 1 and data["misses"] == 1 and data["entries"] == 1
    assert "50.0 %" in admin_client.get("/admin/panel/prices").get_data(as_text=True)


def test_the_price_explorer_shows_the_erps_full_breakdown(admin_client: Any, fake_erp: Any) -> None:
    html = admin_client.post(
        "/admin/prices",
        data={
            "csrf_token": page_token(admin_client, "/admin/prices"),
            "customer_id": "C10000",
            "sku": "PEN-01",
            "quantity": "10",
            "options": "color=gold\nengraving=Hi",
        },
    ).get_data(as_text=True)
    assert "ERP-C10000" in html and "Base unit price" in html and "90.00" in html and "customer_group" in html
    assert [name for name, _ in fake_erp.calls] == ["simulate_prices"]


@pytest.mark.parametrize(
    "form,status,message",
    [
        ({"customer_id": "NOPE", "sku": "PEN-01", "quantity": "1"}, 404, "not found"),
        ({"customer_id": "C10000", "sku": "PEN-01", "quantity": "x"}, 400, "whole number"),
        ({"customer_id": "C10000", "sku": "PEN-01", "quantity": "0"}, 400, "quantity"),
        (
            {"customer_id": "C10000", "sku": "PEN-01", "quantity": "1", "options": "nocolon"},
            400,
            "code=value",
        ),
    ],
)
def test_the_price_explorer_explains_bad_input(
    admin_client: Any, form: dict[str, str], status: int, message: str
) -> None:
    form["csrf_token"] = page_token(admin_client, "/admin/prices")
    response = admin_client.post("/admin/prices", data=form)
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_the_price_explorer_says_when_the_erp_is_down(admin_client: Any, fake_erp: Any) -> None:
    fake_erp.down = True
    response = admin_client.post(
        "/admin/prices",
        data={
            "csrf_token": page_token(admin_client, "/admin/prices"),
            "customer_id": "C10000",
            "sku": "PEN-01",
            "quantity": "1",
        },
    )
    assert response.status_code == 502 and "The ERP could not answer" in response.get_data(as_text=True)


def test_panels_without_a_source_say_not_available(admin_client: Any, container: Any) -> None:
    container.admin.recon_source = None
    container.admin.scheduler_source = None
    for name in ("recon", "jobs"):
        assert "not available" in admin_client.get(f"/admin/panel/{name}").get_data(as_text=True)
    assert (
        admin_client.post("/admin/jobs/x/run", data={"csrf_token": page_token(admin_client)}).status_code
        == 302
    )
    assert "Not possible" in admin_client.get("/admin/").get_data(as_text=True)


def test_a_failing_source_shows_an_error_in_its_panel_only(admin_client: Any, container: Any) -> None:
    class Broken:
        def price_stats(self) -> Any:
            raise RuntimeError("boom")

    container.admin.prices_source = Broken()
    assert "could not read: RuntimeError: boom" in admin_client.get("/admin/panel/prices").get_data(
        as_text=True
    )
    assert admin_client.get("/admin/").status_code == 200


def test_an_unknown_panel_is_404(admin_client: Any) -> None:
    assert admin_client.get("/admin/panel/nope").status_code == 404


def test_admin_service_is_plain_python_over_ports() -> None:
    from datetime import UTC, datetime

    from tests.fakes import FakeClock

    service = AdminService(FakeClock(datetime(2026, 1, 1, tzinfo=UTC)))
    assert service.erp_link().state == "unavailable" and service.orders().state == "unavailable"
    assert service.search("x") == []

"""A real browser (headless Chromium via Playwright) signs in, finds an order that failed while the
reference ERP was down, presses Retry once the ERP is back, and sees the order delivered."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from .conftest import ADMIN_PASSWORD, ADMIN_USER, SHOP_KEY, make_settings

CHROMIUM = os.environ.get("MIDDLEWARE_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)"
)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until the condition holds or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def control(sim: Any, method: str, path: str, body: Any = None) -> Any:
    """The simulator's control API."""
    response = requests.request(method, f"{sim.control_url}/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def tote_order(number: str) -> dict[str, Any]:
    """An order of the demo catalog for customer C10000."""
    return {
        "order_number": number,
        "customer_id": "C10000",
        "currency": "EUR",
        "placed_at": datetime.now(UTC).isoformat(),
        "lines": [{"line_ref": "1", "sku": "TOTE-01", "quantity": 2, "unit_price": "6.50"}],
        "shipping_address": {
            "name": "Ada Coffee Roasters GmbH",
            "street": "Hauptstr. 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "totals": {"net": "13.00", "tax": "0.00", "gross": "13.00"},
    }


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[Any, Any, str]]:
    """The reference ERP, and the middleware served by waitress with its delivery worker running."""
    from werkzeug.serving import make_server

    from erpsim import SimulatorServer
    from middleware.app import create_app
    from middleware.wiring import build_container

    with SimulatorServer() as sim:
        # a long backoff: once the ERP is back, only the admin's Retry makes the order go out now
        settings = make_settings(
            database_url,
            erp_endpoint=sim.soap_url,
            erp_read_timeout=2.0,
            erp_connect_timeout=1.0,
            delivery_backoff_base=300.0,
            delivery_backoff_cap=600.0,
            delivery_probe_interval=3600.0,  # nor may a probe for the end of the outage
        )
        container = build_container(settings)
        container.catalog.sync_from_erp()
        container.delivery_worker.start()
        # werkzeug's threaded server: middleware.web.WebServer.close() races its select loop (reported)
        server = make_server("127.0.0.1", 0, create_app(container=container), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="admin-browser-web", daemon=True)
        thread.start()
        try:
            yield sim, container, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=5)
            container.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium from the Debian package (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _attempted(container: Any, number: str) -> bool:
    return any(e.kind == "attempt" for e in container.orders.get(number)[1])


def test_an_admin_retries_an_order_that_failed_while_the_erp_was_down(live: Any, browser: Any) -> None:
    sim, container, base = live
    ARTIFACTS.mkdir(exist_ok=True)
    control(sim, "POST", "faults", {"outage": True})
    response = requests.post(
        f"{base}/api/v1/orders",
        json=tote_order("WEB-880001"),
        timeout=10,
        headers={"Authorization": f"Bearer {SHOP_KEY}"},
    )
    assert response.status_code == 202, response.text
    assert wait_for(lambda: _attempted(container, "WEB-880001")), "the delivery was never attempted"
    control(sim, "DELETE", "faults")  # the ERP is back; the order waits for its (long) backoff

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/admin/")
    assert "/admin/login" in page.url
    page.screenshot(path=str(ARTIFACTS / "admin-sign-in.png"))
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    row = page.locator("table.attention tr", has_text="WEB-880001")
    row.wait_for()
    assert "received" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-dashboard-failed-order.png"), full_page=True)

    row.get_by_role("button", name="Retry").click()
    page.wait_for_selector(".flash.ok")
    assert "queued for delivery" in page.inner_text(".flash.ok")
    assert wait_for(lambda: container.orders.get("WEB-880001")[0].status.value == "accepted", timeout=10)

    page.goto(f"{base}/admin/orders/WEB-880001")
    assert page.locator("h1 .badge").inner_text() == "accepted"
    page.locator("details.message", has_text="CreateSalesOrder").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "admin-order-delivered.png"), full_page=True)
    body = page.inner_text("main")
    assert "admin_retry" in body.replace(" ", "_") or "admin retry" in body
    assert settings_password_absent(page.content(), container)
    # off the attention list (the test order's zero tax makes it a price deviation, listed below)
    page.goto(f"{base}/admin/")
    assert page.locator("table.attention tr", has_text="WEB-880001").count() == 0
    assert page.locator("table.deviations tr", has_text="WEB-880001").count() == 1
    page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)
    page.goto(f"{base}/admin/audit")
    assert "retry order" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "admin-audit.png"), full_page=True)


def settings_password_absent(html: str, container: Any) -> bool:
    """No configured secret appears on the page."""
    s = container.settings
    return all(secret not in html for secret in (s.erp_password, s.admin_password, s.soap_password))


def test_the_price_explorer_shows_the_reference_erps_breakdown(live: Any, browser: Any) -> None:
    _, _, base = live
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/admin/prices")
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/prices")
    page.fill("input[name=customer_id]", "C10000")
    page.fill("input[name=sku]", "MUG-01")
    page.fill("input[name=quantity]", "60")
    page.fill("textarea[name=options]", "color=gold\nengraving=Happy Birthday")
    page.click("form.explorer button[type=submit]")
    page.wait_for_selector("text=Net unit price")
    text = page.inner_text("main")
    assert "surcharge color" in text and "Base unit price" in text
    page.screenshot(path=str(ARTIFACTS / "admin-price-explorer.png"), full_page=True)

"""Every admin page in headless Chromium at desktop width and on a 390 px phone: nothing wider than the
screen, the header's search and sign-out on screen; screenshots kept under test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from .conftest import ADMIN_PASSWORD, ADMIN_USER, SHOP_KEY
from .test_browser import ARTIFACTS, CHROMIUM, browser, live, tote_order  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="no Chromium")
PAGES = ("/admin/", "/admin/orders", "/admin/orders/WEB-770001", "/admin/findings", "/admin/webhooks",
         "/admin/charts", "/admin/audit", "/admin/prices", "/admin/search?q=WEB-77")
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def _on_screen(page: Any, selector: str, width: int) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
def test_every_page_fits_the_screen(live: Any, browser: Any, device: str) -> None:  # noqa: F811
    _sim, _container, base = live
    for n in range(2):
        requests.post(f"{base}/api/v1/orders", json=tote_order(f"WEB-77000{n + 1}"), timeout=10,
                      headers={"Authorization": f"Bearer {SHOP_KEY}"}).raise_for_status()
    ARTIFACTS.mkdir(exist_ok=True)
    viewport = VIEWPORTS[device]
    page = browser.new_page(viewport=viewport)
    _sign_in(page, base)
    for path in PAGES:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} is {width} px wide on a {viewport['width']} px screen"
        assert _on_screen(page, "header .search input", viewport["width"]), path
        assert _on_screen(page, "header .signout button", viewport["width"]), path
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "admin"
        page.screenshot(path=str(ARTIFACTS / f"{device}-{name}.png"), full_page=True)

"""The admin's Catalog tab in headless Chromium: products, options with their rules, configurator preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..admin.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401  (the shared Chromium fixture)
from .conftest import ADMIN_PASSWORD, ADMIN_USER, Stack

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}")


def _sign_in(page: Any, url: str) -> None:
    page.goto(url)
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url)


def test_the_catalog_tab_shows_products_options_and_a_configurator_preview(
    stack: Stack,
    browser: Any,  # noqa: F811  (the fixture imported above)
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _sign_in(page, f"{stack.url}/admin/catalog")
    row = page.locator("table.catalog tr", has_text="MUG-01")
    assert "Coffee mug" in row.inner_text() and "engraving" in row.inner_text()
    assert (
        page.locator("table.catalog tr", has_text="UMBRELLA-01").locator(".badge").inner_text() == "blocked"
    )
    page.screenshot(path=str(ARTIFACTS / "admin-catalog.png"), full_page=True)

    row.get_by_role("link", name="MUG-01").click()
    page.wait_for_url(f"{stack.url}/admin/catalog/MUG-01")
    engraving = page.inner_text("[data-option=engraving]")
    assert "at most 30 characters" in engraving
    assert page.locator("[data-option=color] .values li").all_inner_texts() == [
        "white White",
        "black Black",
        "gold Gold",
    ]

    page.fill("input[name=customer_id]", "C10000")
    page.fill("input[name=quantity]", "60")
    page.select_option("select[name=opt_color]", "gold")
    page.fill("input[name=opt_engraving]", "Happy Birthday")
    page.click("form.explorer button[type=submit]")
    page.wait_for_selector("section.live")
    live = page.inner_text("section.live")
    assert "12.73" in live and "778.80" in live and "926.77" in live
    gold = page.inner_text("section.preview tr[data-option=color][data-value=gold]")
    assert "+0.90" in gold
    engraved = page.inner_text("section.preview tr[data-option=engraving]")
    assert "+3.50" in engraved and "+15.00" in engraved
    page.screenshot(path=str(ARTIFACTS / "admin-catalog-preview.png"), full_page=True)

    page.fill("input[name=opt_engraving]", "x" * 31)
    page.click("form.explorer button[type=submit]")
    page.wait_for_selector("ul.problems")
    assert "at most 30 allowed" in page.inner_text("ul.problems")

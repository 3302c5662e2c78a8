"""The X3 connector against erpsim's X3 dialect, V6 and V7."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from middleware.domain.configuration import Configuration
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderStatus, OrderTotals
from middleware.domain.pricing import LineStatus, PriceRequestLine
from middleware.errors import ErpRejected, ErpTimeout, ErpUnavailable, NotFound
from middleware.ports.erp import ErpMessage
from middleware.soap.connectors.x3.connector import X3Erp
from tests.x3.conftest import x3_config, x3_profile

GOLD = Configuration.of({"color": "gold", "engraving": "Happy Birthday"})


def new_order(number: str, config: Configuration = GOLD, quantity: int = 60) -> NewOrder:
    """The worked case as an order."""
    return NewOrder(
        number, "C10000", "EUR", datetime.now(UTC),
        (OrderLine("1", "MUG-01", quantity, config, Decimal("12.73")),),
        Address("Ada", "Hauptstr. 1", "10115", "Berlin", "DE"),
        OrderTotals(Decimal("778.80"), Decimal("147.97"), Decimal("926.77")),
    )  # fmt: skip


def test_worked_case_prices_in_one_run(x3: X3Erp, x3_sim: Any) -> None:
    lines = [
        PriceRequestLine("a", "MUG-01", 60, GOLD),
        PriceRequestLine("b", "NOPE-1", 1),
        PriceRequestLine("c", "MUG-01", 1, Configuration.of({"handle": "big"})),
    ]
    before = x3_sim.app.stats.snapshot()["operations"].get("run", {}).get("calls", 0)
    answer = x3.simulate_prices("C10000", "EUR", lines)
    assert x3_sim.app.stats.snapshot()["operations"]["run"]["calls"] == before + 1
    mug, missing, unmapped = answer.lines
    assert (mug.net_amount, mug.tax_amount, mug.gross_amount) == (
        Decimal("778.80"), Decimal("147.97"), Decimal("926.77"))  # fmt: skip
    assert mug.base_unit_price == Decimal("9.00") and mug.net_unit_price == Decimal("12.73")
    assert mug.price_origin == "customer_group" and mug.tax_rate == Decimal("19")
    assert {s.code for s in mug.surcharges} == {"color", "engraving", "engraving_setup"}
    assert [d.code for d in mug.discounts] == ["line_discount"]
    assert mug.next_break is not None and mug.next_break.min_quantity == 100
    assert missing.status is LineStatus.NOT_FOUND and "NOPE-1" in missing.status_text
    assert unmapped.status is LineStatus.INVALID_CONFIGURATION
    assert answer.valid_until is not None and answer.valid_until > datetime.now(UTC)


def test_unknown_customer(x3: X3Erp) -> None:
    with pytest.raises(NotFound):
        x3.get_customer("C99999")
    with pytest.raises(ErpRejected) as exc:
        x3.simulate_prices("C99999", "EUR", [PriceRequestLine("a", "MUG-01", 1)])
    assert exc.value.code == "CUSTOMER_NOT_FOUND" and exc.value.field == "YBPCNUM"


def test_order_save_lookup_duplicate_and_cancel(x3: X3Erp, messages: list[ErpMessage]) -> None:
    created = x3.create_sales_order(new_order("WEB-X3-1"), "C10000")
    assert created.order_number == "WEB-X3-1" and created.status is OrderStatus.ACCEPTED
    assert created.lines[0].configuration == GOLD and created.lines[0].net_amount == Decimal("778.80")
    assert created.net + created.tax == created.gross
    assert any(m.subject == "WEB-X3-1" and m.operation == "save SOH" for m in messages)
    found = x3.get_sales_order(order_number="WEB-X3-1")
    assert found is not None and found.erp_order_number == created.erp_order_number
    assert x3.get_sales_order(order_number="WEB-NONE") is None
    assert x3.get_sales_order(erp_order_number="SO-999999") is None
    with pytest.raises(ErpRejected) as dup:
        x3.create_sales_order(new_order("WEB-X3-1"), "C10000")
    assert dup.value.code == "DUPLICATE_EXTERNAL_DOCUMENT_NO" and dup.value.field == "CUSORDREF"
    assert x3.cancel_sales_order(created.erp_order_number, "test").status is OrderStatus.CANCELLED


def test_order_rejections_name_the_field(x3: X3Erp) -> None:
    with pytest.raises(ErpRejected) as bad_item:
        x3.create_sales_order(new_order("WEB-X3-2", Configuration.of({"color": "purple"})), "C10000")
    assert bad_item.value.field == "ITMREF" and "purple" in bad_item.value.reason
    with pytest.raises(ErpRejected) as unmapped:
        x3.create_sales_order(new_order("WEB-X3-3", Configuration.of({"handle": "x"})), "C10000")
    assert unmapped.value.code == "INVALID_CONFIGURATION"


def test_status_progress_is_polled(x3: X3Erp, control: Callable[..., Any]) -> None:
    created = x3.create_sales_order(new_order("WEB-X3-4"), "C10000")
    no = created.erp_order_number
    control("POST", f"orders/{no}/status", json={"status": "SHIPPED"})
    shipped = x3.get_sales_order(erp_order_number=no)
    assert shipped is not None and shipped.status is OrderStatus.SHIPPED and shipped.tracking_no
    with pytest.raises(ErpRejected):
        x3.cancel_sales_order(no, "too late")
    control("POST", f"orders/{no}/status", json={"status": "INVOICED"})
    invoiced = x3.get_sales_order(order_number="WEB-X3-4")
    assert invoiced is not None and invoiced.status is OrderStatus.INVOICED and invoiced.invoice_no


def test_order_listing_pages_by_order_date(x3: X3Erp) -> None:
    numbers = {x3.create_sales_order(new_order(f"WEB-L{n}", quantity=1), "C10000").erp_order_number
               for n in range(5)}  # fmt: skip
    seen, bookmark = [], None
    for _ in range(5):
        page = x3.list_sales_orders(datetime.now(UTC) - timedelta(days=1), 2, bookmark)
        seen += [o.erp_order_number for o in page.items]
        bookmark = page.bookmark
        if bookmark is None:
            break
    assert seen == sorted(numbers)
    assert x3.list_sales_orders(datetime.now(UTC) + timedelta(days=2), 10, None).items == ()


def test_catalog_and_customers_page_through_query(x3: X3Erp) -> None:
    skus, bookmark = [], None
    while True:
        page = x3.list_items(4, bookmark)
        skus += [p.sku for p in page.items]
        if page.bookmark is None:
            break
        bookmark = page.bookmark
    assert skus == sorted(skus) and "MUG-01" in skus and len(skus) == len(set(skus)) > 4
    customers = x3.list_customers(3, None)
    assert len(customers.items) == 3 and customers.bookmark == customers.items[-1].erp_customer_no
    rest = x3.list_customers(100, customers.bookmark)
    assert rest.bookmark is None and customers.items[-1] not in rest.items


def test_item_options_and_tax_classes(x3: X3Erp) -> None:
    page = x3.list_items(100, None)
    mug = next(p for p in page.items if p.sku == "MUG-01")
    color = mug.option("color")
    assert color is not None and {v.code for v in color.values} == {"white", "black", "gold"}
    assert {p.tax_class for p in page.items} <= {"standard", "reduced"}


def test_busy_pool_and_outage_are_unavailable(x3: X3Erp, control: Callable[..., Any]) -> None:
    line = [PriceRequestLine("a", "MUG-01", 1)]
    control("POST", "faults", json={"error_rate": 1.0})
    with pytest.raises(ErpUnavailable) as busy:
        x3.simulate_prices("C10000", "EUR", line)
    assert not isinstance(busy.value, ErpTimeout) and "pool" in str(busy.value).lower()
    control("POST", "faults", json={"error_rate": 0.0, "outage": True})
    with pytest.raises(ErpUnavailable):
        x3.get_customer("C10000")


def test_timeout_after_commit_then_lookup_finds_the_order(
    x3_sim: Any, version: str, control: Callable[..., Any]
) -> None:
    erp = X3Erp(x3_config(x3_sim, version, read_timeout=0.5))
    control("POST", "faults", json={"timeout_after_commit_rate": 1.0, "hang_seconds": 2})
    with pytest.raises(ErpTimeout):
        erp.create_sales_order(new_order("WEB-X3-T"), "C10000")
    control("DELETE", "faults")
    found = erp.get_sales_order(order_number="WEB-X3-T")
    assert found is not None and found.order_number == "WEB-X3-T"
    erp.close()


def test_bad_credentials_are_refused(x3_sim: Any, version: str) -> None:
    erp = X3Erp(x3_config(x3_sim, version, password="wrong-secret"))
    with pytest.raises(ErpRejected) as exc:
        erp.get_customer("C10000")
    assert exc.value.code == "AUTH_FAILED" and "wrong-secret" not in str(exc.value)
    checks = erp.check()
    assert not all(c.ok for c in checks) and all("wrong-secret" not in c.detail for c in checks)
    erp.close()


def test_check_reports_every_step(x3: X3Erp) -> None:
    checks = x3.check()
    assert [c.name for c in checks][:2] == ["endpoint", "WSDL"] and all(c.ok for c in checks), checks


def test_unknown_pool_alias_is_unavailable(x3_sim: Any, version: str) -> None:
    profile = x3_profile(version)
    profile["x3"]["pool_alias"] = "NOPOOL"
    erp = X3Erp(x3_config(x3_sim, version, profile=profile))
    with pytest.raises(ErpUnavailable) as exc:
        erp.get_customer("C10000")
    assert "NOPOOL" in str(exc.value)
    erp.close()

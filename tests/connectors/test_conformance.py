"""What every connector must do against a running ERP (one set of tests, run for each case in cases.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from middleware.domain.configuration import Configuration
from middleware.domain.erp import ErpOrder, Page
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderTotals
from middleware.domain.pricing import LinePrice, LineStatus, PriceRequestLine
from middleware.errors import ErpRejected, ErpTimeout, ErpUnavailable, NotFound
from middleware.ports.erp import Erp
from tests.connectors.cases import PASSWORD, ConnectorCase

T = TypeVar("T")
WORKED_OPTIONS = {"color": "gold", "engraving": "Happy Birthday"}
MAX_PAGES = 500


def worked_line(case: ConnectorCase, line_ref: str = "1") -> PriceRequestLine:
    """The README's worked case: 60 x MUG-01, gold, engraved."""
    return PriceRequestLine(line_ref, case.item, 60, Configuration.of(WORKED_OPTIONS))


def priced(erp: Erp, case: ConnectorCase, lines: Sequence[PriceRequestLine]) -> list[LinePrice]:
    """Price the lines the way PriceService does: one call, or one call per line without batch prices."""
    if erp.capabilities.batch_prices:
        return list(erp.simulate_prices(case.customer, case.currency, lines).lines)
    return [erp.simulate_prices(case.customer, case.currency, [line]).lines[0] for line in lines]


def new_order(case: ConnectorCase) -> NewOrder:
    """A one-line order of the worked case under a fresh shop order number."""
    line = OrderLine("1", case.item, 60, Configuration.of(WORKED_OPTIONS), Decimal("12.73"))
    return NewOrder(
        f"CONF-{uuid.uuid4().hex[:10].upper()}",
        case.customer,
        case.currency,
        datetime.now(UTC),
        (line,),
        Address("Ada Shop GmbH", "Hauptstr. 1", "10115", "Berlin", "DE"),
        OrderTotals(Decimal("778.80"), Decimal("147.97"), Decimal("926.77")),
    )


def find_order(erp: Erp, created: ErpOrder, order_number: str) -> ErpOrder | None:
    """The order by the shop's number when the ERP can look it up so, else by the ERP's number."""
    if erp.capabilities.lookup_by_order_number:
        return erp.get_sales_order(order_number=order_number)
    return erp.get_sales_order(erp_order_number=created.erp_order_number)


def every_page(fetch: Callable[[str | None], Page[T]]) -> Iterator[Page[T]]:
    """Follow bookmarks until the last page (failing on a listing that never ends)."""
    bookmark: str | None = None
    for _ in range(MAX_PAGES):
        page = fetch(bookmark)
        yield page
        if page.bookmark is None:
            return
        assert page.bookmark != bookmark, "the bookmark did not move"
        bookmark = page.bookmark
    pytest.fail(f"still more pages after {MAX_PAGES}")


def test_a_known_customer_is_answered(erp: Erp, case: ConnectorCase) -> None:
    customer = erp.get_customer(case.customer)
    assert customer.erp_customer_no == case.customer
    assert customer.name


def test_an_unknown_customer_is_not_found(erp: Erp) -> None:
    with pytest.raises(NotFound):
        erp.get_customer("NO-SUCH-CUSTOMER-42")


def test_the_worked_case_is_priced_as_the_readme_says(erp: Erp, case: ConnectorCase) -> None:
    [line] = priced(erp, case, [worked_line(case)])
    assert line.status is LineStatus.OK, line.status_text
    assert (line.net_unit_price, line.net_amount) == (Decimal("12.73"), Decimal("778.80"))
    assert (line.tax_amount, line.gross_amount) == (Decimal("147.97"), Decimal("926.77"))


def test_an_unknown_item_is_a_not_found_line_never_a_zero_price(erp: Erp, case: ConnectorCase) -> None:
    unknown = PriceRequestLine("2", "NO-SUCH-ITEM-42", 1)
    known, missing = priced(erp, case, [worked_line(case), unknown])
    assert known.status is LineStatus.OK and known.net_amount == Decimal("778.80")
    assert missing.sku == "NO-SUCH-ITEM-42" and missing.status is LineStatus.NOT_FOUND
    assert (missing.net_unit_price, missing.net_amount, missing.gross_amount) == (None, None, None)


def test_a_created_order_is_found_by_its_number(erp: Erp, case: ConnectorCase) -> None:
    order = new_order(case)
    created = erp.create_sales_order(order, case.customer)
    assert created.erp_order_number and created.order_number == order.order_number
    assert created.net == Decimal("778.80")
    found = find_order(erp, created, order.order_number)
    assert found is not None and found.erp_order_number == created.erp_order_number
    assert erp.get_sales_order(erp_order_number=created.erp_order_number) is not None


def test_an_order_is_never_created_twice(erp: Erp, case: ConnectorCase, control: Callable[..., Any]) -> None:
    order = new_order(case)
    created = erp.create_sales_order(order, case.customer)
    try:
        again = erp.create_sales_order(order, case.customer)
    except ErpRejected:
        pass  # refused as a duplicate
    else:
        assert again.erp_order_number == created.erp_order_number  # adopted
    held = control("GET", f"orders?external_document_no={order.order_number}")
    assert held["count"] == 1


def test_an_order_nobody_created_is_none(erp: Erp) -> None:
    assert erp.get_sales_order(erp_order_number="NO-SUCH-ORDER-42") is None
    if erp.capabilities.lookup_by_order_number:
        assert erp.get_sales_order(order_number="NO-SUCH-ORDER-42") is None


def test_the_listing_pages_contain_a_new_order(erp: Erp, case: ConnectorCase) -> None:
    erp.create_sales_order(new_order(case), case.customer)
    order = new_order(case)
    created = erp.create_sales_order(order, case.customer)
    since = datetime.now(UTC) - timedelta(days=1)
    pages = list(every_page(lambda bookmark: erp.list_sales_orders(since, 1, bookmark)))
    listed = [o.erp_order_number for page in pages for o in page.items]
    assert created.erp_order_number in listed
    assert len(listed) == len(set(listed)) >= 2 and len(pages) >= 2


def test_items_are_paged_until_exhausted(erp: Erp, case: ConnectorCase) -> None:
    pages = list(every_page(lambda bookmark: erp.list_items(2, bookmark)))
    skus = [item.sku for page in pages for item in page.items]
    assert case.item in skus
    assert len(skus) == len(set(skus)) > 2
    assert all(len(page.items) <= 2 for page in pages)


def test_customers_are_paged_until_exhausted(erp: Erp, case: ConnectorCase) -> None:
    pages = list(every_page(lambda bookmark: erp.list_customers(2, bookmark)))
    numbers = [customer.erp_customer_no for page in pages for customer in page.items]
    assert case.customer in numbers
    assert len(numbers) == len(set(numbers)) > 2
    assert all(len(page.items) <= 2 for page in pages)


def test_an_outage_is_unavailable_and_retryable(
    erp: Erp, case: ConnectorCase, control: Callable[..., Any]
) -> None:
    control("POST", "faults", json={"outage": True})
    with pytest.raises(ErpUnavailable) as raised:
        priced(erp, case, [worked_line(case)])
    assert not isinstance(raised.value, ErpTimeout)


def test_a_busy_erp_is_unavailable(erp: Erp, case: ConnectorCase, control: Callable[..., Any]) -> None:
    control("POST", "faults", json={"error_rate": 1.0})
    with pytest.raises(ErpUnavailable) as raised:
        erp.get_customer(case.customer)
    assert not isinstance(raised.value, ErpTimeout)


def test_a_slow_answer_is_a_timeout(
    make_erp: Callable[..., Erp], case: ConnectorCase, control: Callable[..., Any]
) -> None:
    erp = make_erp(erp_read_timeout="0.3")
    control("POST", "faults", json={"latency_ms": 1500})
    with pytest.raises(ErpTimeout):
        erp.create_sales_order(new_order(case), case.customer)


def test_refused_credentials_are_rejected_without_the_password(
    make_erp: Callable[..., Erp], case: ConnectorCase
) -> None:
    erp = make_erp(erp_password="Wrong-Secret-0815")
    with pytest.raises(ErpRejected) as raised:
        erp.get_customer(case.customer)
    assert raised.value.code == "AUTH_FAILED"
    assert "Wrong-Secret-0815" not in str(raised.value) and PASSWORD not in str(raised.value)


def test_an_unreachable_erp_is_unavailable(
    make_erp: Callable[..., Erp], case: ConnectorCase, unreachable: str
) -> None:
    erp = make_erp(erp_endpoint=unreachable)
    with pytest.raises(ErpUnavailable) as raised:
        erp.get_customer(case.customer)
    assert not isinstance(raised.value, ErpTimeout)


def test_the_check_passes_against_a_healthy_erp(erp: Erp, case: ConnectorCase) -> None:
    items = erp.check()
    assert items and all(item.ok for item in items), items
    assert erp.endpoint.startswith(("http://", "https://"))


def test_the_check_reports_refused_credentials_without_raising(make_erp: Callable[..., Erp]) -> None:
    items = make_erp(erp_password="Wrong-Secret-0815").check()
    assert not all(item.ok for item in items)
    assert not any("Wrong-Secret-0815" in item.detail + item.name for item in items)


def test_the_check_reports_an_unreachable_erp_without_raising(
    make_erp: Callable[..., Erp], unreachable: str
) -> None:
    items = make_erp(erp_endpoint=unreachable).check()
    assert not all(item.ok for item in items)


def test_capabilities_are_declared(erp: Erp) -> None:
    capabilities = erp.capabilities
    assert capabilities.max_concurrent_calls >= 1
    assert isinstance(capabilities.batch_prices, bool) and isinstance(capabilities.status_push, bool)

"""The NAV connector against erpsim's NAV dialect: both pricing modes, both auth kinds."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from erpsim.demo_data import demo_catalog
from erpsim.pricing import LineRequest, price_line
from middleware.domain.configuration import Configuration
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderStatus, OrderTotals
from middleware.domain.pricing import LineStatus, PriceRequestLine, totals_of
from middleware.errors import ConfigError, ErpRejected, ErpUnavailable, NotFound
from middleware.soap.connectors.nav.connector import NavErp
from tests.nav.helpers import NavServer, connector_config, profile

WORKED = PriceRequestLine(
    "1", "MUG-01", 60, Configuration.of({"color": "gold", "engraving": "Happy Birthday"})
)
MODES = [("codeunit", "basic"), ("quote", "basic"), ("codeunit", "ntlm"), ("quote", "ntlm")]


@pytest.fixture(params=MODES, ids=[f"{m}-{a}" for m, a in MODES])
def erp(
    request: pytest.FixtureRequest, nav_basic: NavServer, nav_ntlm: NavServer
) -> Iterator[tuple[NavErp, NavServer]]:
    mode, auth = request.param
    nav = nav_basic if auth == "basic" else nav_ntlm
    nav.sim.reset()
    connector = NavErp(connector_config(nav, profile(nav, mode)))
    yield connector, nav
    connector.close()


def order(number: str, qty: int = 60) -> NewOrder:
    return NewOrder(
        number,
        "C10000",
        "EUR",
        datetime.now(UTC),
        (OrderLine("1", WORKED.sku, qty, WORKED.configuration, Decimal("12.73")),),
        Address("Ada Shop GmbH", "Hauptstr. 1", "10115", "Berlin", "DE"),
        OrderTotals(Decimal("778.80"), Decimal("147.97"), Decimal("926.77")),
    )


def test_worked_case_gives_the_reference_totals(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    reference = price_line(
        demo_catalog(),
        demo_catalog().customers["C10000"],
        LineRequest(1, "MUG-01", Decimal(60), (("color", "gold"), ("engraving", "Happy Birthday"))),
        "EUR",
        datetime.now(UTC).date(),
    )
    answer = connector.simulate_prices("C10000", "EUR", [WORKED])
    line = answer.lines[0]
    assert line.status is LineStatus.OK
    assert (line.net_amount, line.tax_amount, line.gross_amount) == (
        reference.line_amount,
        reference.vat_amount,
        reference.amount_incl_vat,
    )
    assert (line.net_amount, line.tax_amount, line.gross_amount) == (
        Decimal("778.80"),
        Decimal("147.97"),
        Decimal("926.77"),
    )
    assert {s.code for s in line.surcharges} == {"engraving", "engraving_setup"}
    assert line.price_origin is None and line.next_break is None  # NAV does not say; nothing invented


def test_lines_nav_refuses_carry_nav_reasons(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    lines = [
        PriceRequestLine("1", "NOPE", 1),
        PriceRequestLine("2", "UMBRELLA-01", 1),
        PriceRequestLine("3", "MUG-01", 1, Configuration.of({"color": "pink"})),
        PriceRequestLine("4", "BOOK-01", 3),
    ]
    answer = connector.simulate_prices("C10000", "EUR", lines)
    assert [ln.status for ln in answer.lines] == [
        LineStatus.NOT_FOUND,
        LineStatus.BLOCKED,
        LineStatus.INVALID_CONFIGURATION,
        LineStatus.OK,
    ]
    assert "does not exist" in answer.lines[0].status_text
    assert answer.lines[3].tax_rate == Decimal("7")


def test_gross_price_customer_and_many_lines_match_the_reference(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    catalog = demo_catalog()
    lines = [
        PriceRequestLine(str(i), sku, q)
        for i, (sku, q) in enumerate([("MUG-02", 3), ("CAP-01", 10), ("TOTE-01", 12), ("COFFEE-250", 4)])
    ]
    answer = connector.simulate_prices("C30000", "EUR", lines)
    assert answer.prices_include_tax is True
    for line, asked in zip(answer.lines, lines, strict=True):
        ref = price_line(
            catalog,
            catalog.customers["C30000"],
            LineRequest(1, asked.sku, Decimal(asked.quantity)),
            "EUR",
            datetime.now(UTC).date(),
        )
        assert (line.net_amount, line.tax_amount, line.gross_amount) == (
            ref.line_amount,
            ref.vat_amount,
            ref.amount_incl_vat,
        ), asked.sku
    assert totals_of(answer.lines).gross == sum((ln.gross_amount or 0 for ln in answer.lines), Decimal(0))


def test_unknown_customer_is_rejected_and_get_customer_not_found(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    with pytest.raises(ErpRejected):
        connector.simulate_prices("C99999", "EUR", [WORKED])
    with pytest.raises(NotFound):
        connector.get_customer("C99999")
    assert connector.get_customer("C30000").customer_id == "B2C"


@pytest.fixture
def quote_erp(nav: NavServer) -> Iterator[tuple[NavErp, NavServer]]:
    connector = NavErp(connector_config(nav, profile(nav, "quote")))
    yield connector, nav
    connector.close()


def test_quote_mode_deletes_every_quote_even_after_a_fault(quote_erp: tuple[NavErp, NavServer]) -> None:
    connector, nav = quote_erp
    nav.control("POST", "stats/reset")
    connector.simulate_prices("C10000", "EUR", [WORKED, PriceRequestLine("2", "NOPE", 1)])
    assert nav.sim.quotes.quotes == {}
    calls = nav.control("GET", "stats")["operations"]
    assert calls["SalesQuote:Delete"]["calls"] == 1
    nav.control("POST", "faults", {"outage": True, "operations": ["SalesQuote:Delete"]})
    connector.simulate_prices("C10000", "EUR", [WORKED])
    assert len(connector.undeleted_quotes) == 1 and len(nav.sim.quotes.quotes) == 1
    assert not next(c for c in connector.check() if c.name == "sales quotes left behind").ok
    nav.control("DELETE", "faults")
    assert connector.housekeeping() == 0 and nav.sim.quotes.quotes == {}


def test_order_is_created_found_by_shop_number_and_invoiced_after_posting(
    erp: tuple[NavErp, NavServer],
) -> None:
    connector, nav = erp
    created = connector.create_sales_order(order("WEB-100001"), "C10000")
    assert created.order_number == "WEB-100001" and created.status is OrderStatus.ACCEPTED
    assert (created.net, created.tax, created.gross) == (
        Decimal("778.80"),
        Decimal("147.97"),
        Decimal("926.77"),
    )
    assert created.lines[0].configuration == WORKED.configuration  # variant + charges + text line, read back
    found = connector.get_sales_order(order_number="WEB-100001")
    assert found is not None and found.erp_order_number == created.erp_order_number
    assert connector.get_sales_order(order_number="WEB-404") is None
    nav.control("POST", f"orders/{created.erp_order_number}/post", {"ship": True, "tracking_no": "TRK-1"})
    shipped = connector.get_sales_order(erp_order_number=created.erp_order_number)
    assert shipped is not None and shipped.status is OrderStatus.SHIPPED and shipped.tracking_no == "TRK-1"
    nav.control("POST", f"orders/{created.erp_order_number}/post", {"ship": False, "invoice": True})
    for invoiced in (
        connector.get_sales_order(erp_order_number=created.erp_order_number),
        connector.get_sales_order(order_number="WEB-100001"),
    ):
        assert invoiced is not None and invoiced.status is OrderStatus.INVOICED and invoiced.invoice_no
        assert invoiced.erp_order_number == created.erp_order_number and invoiced.gross == Decimal("926.77")


def test_listing_reads_a_date_window_then_posted_invoices(erp: tuple[NavErp, NavServer]) -> None:
    connector, nav = erp
    assert (
        connector.capabilities.modified_since_listing is False and connector.capabilities.status_push is False
    )
    numbers = [
        connector.create_sales_order(order(f"WEB-L{i}", 2), "C10000").erp_order_number for i in range(3)
    ]
    nav.control("POST", f"orders/{numbers[0]}/post", {"ship": True, "invoice": True})
    seen, bookmark = [], None
    while True:
        page = connector.list_sales_orders(datetime.now(UTC) - timedelta(days=1), 1, bookmark)
        seen += [(o.erp_order_number, o.status) for o in page.items]
        if page.bookmark is None:
            break
        bookmark = page.bookmark
    assert sorted(seen) == sorted(
        [
            (numbers[0], OrderStatus.INVOICED),
            (numbers[1], OrderStatus.ACCEPTED),
            (numbers[2], OrderStatus.ACCEPTED),
        ]
    )
    future = connector.list_sales_orders(datetime.now(UTC) + timedelta(days=2), 10, None)
    assert future.items == ()


def test_cancel_deletes_the_order(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    created = connector.create_sales_order(order("WEB-C1", 1), "C10000")
    assert (
        connector.cancel_sales_order(created.erp_order_number, "customer asked").status
        is OrderStatus.CANCELLED
    )
    assert connector.get_sales_order(erp_order_number=created.erp_order_number) is None


def test_items_and_customers_page_with_bookmarks(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    skus, bookmark = [], None
    while True:
        page = connector.list_items(4, bookmark)
        skus += [p.sku for p in page.items]
        if page.bookmark is None:
            break
        bookmark = page.bookmark
    assert skus == sorted(demo_catalog().items) and not any(s.startswith("ENGRAVING") for s in skus)
    mug = next(p for p in connector.list_items(100, None).items if p.sku == "MUG-01")
    assert [o.code for o in mug.options] == ["color", "engraving"] and len(mug.options[0].values) == 3
    customers = connector.list_customers(3, None)
    assert len(customers.items) == 3 and customers.bookmark is not None


def test_faults_map_to_the_error_tree(erp: tuple[NavErp, NavServer]) -> None:
    connector, nav = erp
    nav.control("POST", "faults", {"outage": True})
    with pytest.raises(ErpUnavailable):
        connector.list_items(1, None)
    nav.control("POST", "faults", {"outage": False, "error_rate": 1.0})
    with pytest.raises(ErpUnavailable):  # a lock timeout: try again later
        connector.list_customers(1, None)
    nav.control("DELETE", "faults")
    assert all(item.ok for item in connector.check())


def test_concurrent_prices_share_the_keep_alive_pool(erp: tuple[NavErp, NavServer]) -> None:
    connector, _ = erp
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: connector.simulate_prices("C10000", "EUR", [WORKED]), range(16)))
    assert {a.lines[0].gross_amount for a in answers} == {Decimal("926.77")}


def test_wrong_password_is_auth_failed(nav_basic: NavServer) -> None:
    prof = profile(nav_basic)
    config = connector_config(nav_basic, prof)
    from dataclasses import replace

    connector = NavErp(replace(config, password="wrong"))
    with pytest.raises(ErpRejected) as caught:
        connector.list_items(1, None)
    assert caught.value.code == "AUTH_FAILED" and "wrong" not in str(caught.value)
    connector.close()


def test_a_bad_profile_names_the_key(nav_basic: NavServer) -> None:
    prof = profile(nav_basic)
    prof["nav"]["pricing"]["mode"] = "telepathy"
    with pytest.raises(ConfigError, match=r"\[nav.pricing\] mode"):
        NavErp(connector_config(nav_basic, prof))


def test_check_names_a_codeunit_parameter_the_wsdl_lacks(nav_basic: NavServer) -> None:
    prof = profile(nav_basic)
    prof["nav"]["pricing"]["params"]["campaign"] = "campaignNo"
    connector = NavErp(connector_config(nav_basic, prof))
    items = {item.name: item for item in connector.check()}
    assert not items["codeunit GetSalesPrice"].ok and "campaignNo" in items["codeunit GetSalesPrice"].detail
    connector.close()


def test_a_value_nav_has_no_variant_for_is_an_invalid_configuration(nav: NavServer) -> None:
    for mode in ("codeunit", "quote"):
        prof = profile(nav, mode)
        prof["nav"]["options"]["color"]["values"]["pink"] = "Pink"
        prof["nav"]["item_options"]["MUG-01"] = ["color:white|black|gold|pink", "engraving"]
        connector = NavErp(connector_config(nav, prof))
        pink = PriceRequestLine("1", "MUG-01", 5, Configuration.of({"color": "pink"}))
        plain = PriceRequestLine("2", "MUG-02", 1)
        line, ok = connector.simulate_prices("C10000", "EUR", [pink, plain]).lines
        connector.close()
        assert line.status is LineStatus.INVALID_CONFIGURATION and "Item Variant" in line.status_text, mode
        assert ok.status is LineStatus.OK, mode


def test_the_profile_caps_a_page(nav: NavServer) -> None:
    prof = profile(nav)
    prof["nav"]["catalog"]["page_size"] = 3
    connector = NavErp(connector_config(nav, prof))
    page = connector.list_items(100, None)
    connector.close()
    assert len(page.items) == 3 and page.bookmark is not None


def test_price_calls_map_an_outage_and_a_lock_fault_once_facts_are_cached(
    erp: tuple[NavErp, NavServer],
) -> None:
    connector, nav = erp  # codeunit calls with Basic go over per-thread connections, with NTLM over the pool
    assert connector.simulate_prices("C10000", "EUR", [WORKED]).lines[0].status is LineStatus.OK
    nav.control("POST", "faults", {"outage": True})
    with pytest.raises(ErpUnavailable, match="HTTP 503"):
        connector.simulate_prices("C10000", "EUR", [WORKED])
    nav.control("POST", "faults", {"outage": False, "error_rate": 1.0})
    with pytest.raises(ErpUnavailable):
        connector.simulate_prices("C10000", "EUR", [WORKED])
    nav.control("DELETE", "faults")
    assert connector.simulate_prices("C10000", "EUR", [WORKED]).lines[0].gross_amount == Decimal("926.77")


def test_codeunit_calls_with_a_refused_password_are_auth_failed(nav: NavServer) -> None:
    from dataclasses import replace

    bad = NavErp(replace(connector_config(nav, profile(nav)), password="wrong-pass"))
    assert bad.codeunit_call.direct is not None  # Basic: the calls go over per-thread connections
    bad.codeunit_call._params = {"GetSalesPrice": ["custNo", "itemNo", "quantity"]}  # WSDL read already
    with pytest.raises(ErpRejected) as caught:
        bad.codeunit_call("GetSalesPrice", custNo="C10000", itemNo="MUG-01", quantity=Decimal(1))
    bad.close()
    assert caught.value.code == "AUTH_FAILED" and "wrong-pass" not in str(caught.value)

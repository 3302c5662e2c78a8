"""Unit tests of order totals: invoice discount (rule 7), allocation, recalculation, store paging."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from erpsim.model import Catalog
from erpsim.orders import (
    OrderLineRequest,
    apply_invoice_discount,
    build_order,
    price_order_lines,
    recalculate,
)
from erpsim.pricing import LineRequest, invoice_discount_percent
from erpsim.store import ErpState
from tests.erpsim.helpers import TODAY

WORKED = (("color", "gold"), ("engraving", "Happy Birthday"))


def _order(catalog: Catalog, customer: str, *lines: tuple[str, int, tuple]):  # type: ignore[no-untyped-def]
    cust = catalog.customers[customer]
    reqs = [
        OrderLineRequest(LineRequest(i + 1, item, D(qty), opts)) for i, (item, qty, opts) in enumerate(lines)
    ]
    priced = [ln for ln, _ in price_order_lines(catalog, cust, reqs, cust.currency, TODAY)]
    return build_order(1, "SO-1", "WEB-1", cust, cust.currency, TODAY, priced, catalog, 1)


def test_rule7_invoice_discount_threshold(catalog: Catalog) -> None:
    c = catalog.customers["C10000"]
    assert invoice_discount_percent(catalog, c, D("999.99")) == 0
    assert invoice_discount_percent(catalog, c, D("1000.00")) == D("2")
    assert invoice_discount_percent(catalog, catalog.customers["C70000"], D("5000")) == 0  # terms NONE


def test_rule7_quote_and_order_differ_only_by_invoice_discount(catalog: Catalog) -> None:
    small = _order(catalog, "C10000", ("MUG-01", 60, WORKED))
    assert (small.inv_disc, small.amount, small.vat_amount, small.amount_incl_vat) == (
        D("0.00"),
        D("778.80"),
        D("147.97"),
        D("926.77"),
    )
    big = _order(catalog, "C10000", ("MUG-01", 60, WORKED), ("MUG-01", 30, ()))
    net = D("778.80") + big.lines[1].line_amount
    assert big.inv_disc == (net * D("0.02")).quantize(D("0.01")) and big.amount == net - big.inv_disc
    assert sum(ln.inv_disc for ln in big.lines) == big.inv_disc
    assert big.vat_amount == sum(ln.vat_amount for ln in big.lines)
    assert big.amount_incl_vat == big.amount + big.vat_amount
    assert big.lines[0].vat_amount == ((D("778.80") - big.lines[0].inv_disc) * D("0.19")).quantize(D("0.01"))


def test_invoice_discount_allocation_remainder() -> None:
    from erpsim.model import OrderLine

    z = D("0.00")
    lines = [
        OrderLine(i, "X", "x", D(1), (), D("333.33"), z, D("333.33"), z, D("19"), z, z) for i in range(3)
    ]
    final, totals = apply_invoice_discount(lines, D("2"))
    assert totals["inv_disc"] == D("20.00") and sum(ln.inv_disc for ln in final) == D("20.00")


def test_recalculate_after_quantity_change(catalog: Catalog) -> None:
    order = _order(catalog, "C10000", ("MUG-01", 60, WORKED))
    lines, totals = recalculate(
        catalog, catalog.customers["C10000"], [replace(order.lines[0], quantity=D(100))], False
    )
    assert lines[0].line_amount == D("1288.00")  # 100 x 12.73 + 15.00 fee
    assert totals["inv_disc"] == D("25.76")


def test_store_paging_is_stable_under_modification(catalog: Catalog) -> None:
    state = ErpState(catalog)
    cust = catalog.customers["C10000"]
    for i in range(25):
        seq, no = state.new_no()
        state.insert(build_order(seq, no, f"E{i}", cust, "EUR", TODAY, [], catalog, state.stamp()))
    seen: list[str] = []
    rows, bm = state.page_orders(None, None, 10)
    seen += [o.no for o in rows]
    state.replace_order(state.get("SO-100001"), status="RELEASED")  # already read: moves to the end
    while bm:
        rows, bm = state.page_orders(None, bm, 10)
        seen += [o.no for o in rows]
    assert len(seen) == 26 and seen[-1] == "SO-100001" and len(set(seen)) == 25
    since = state.get("SO-100020").modified_us
    rows, bm = state.page_orders(since, None, 100)
    assert [o.no for o in rows][:1] == ["SO-100020"] and bm is None

"""Integration: every operation through a zeep client built from wsdl/erp.wsdl on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
import zeep

from tests.erpsim.helpers import TODAY, WORKED_OPTIONS, order_lines


def test_get_customer(erp: Any, erp_fault: Callable[..., Any]) -> None:
    c = erp.GetCustomer(CustomerNo="C10000")
    assert (c.CustomerNo, c.PriceGroup, c.DiscountGroup, c.CurrencyCode, c.VATBusPostingGroup) == (
        "C10000",
        "B2B-GOLD",
        "B2B-GOLD",
        "EUR",
        "DOMESTIC",
    )
    assert c.AllowLineDiscount is True and c.PricesIncludingVAT is False and c.Blocked is False
    assert c.ShopCustomerId == "C10000" and c.LastModified.tzinfo is not None
    assert erp.GetCustomer(CustomerNo="C40000").AllowLineDiscount is False
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetCustomer(CustomerNo="C99999")
    detail = erp_fault(exc.value)
    assert (detail.Code, detail.Field, detail.Retryable) == ("CUSTOMER_NOT_FOUND", "CustomerNo", False)


def test_simulate_worked_case_and_line_statuses(erp: Any) -> None:
    res = erp.SimulateSalesPrices(
        CustomerNo="C10000",
        CurrencyCode="EUR",
        PriceDate=TODAY,
        Lines={
            "Line": [
                {"LineNo": 1, "ItemNo": "MUG-01", "Quantity": D(60), "Options": WORKED_OPTIONS},
                {"LineNo": 2, "ItemNo": "NOPE", "Quantity": D(1)},
                {
                    "LineNo": 3,
                    "ItemNo": "MUG-01",
                    "Quantity": D(1),
                    "Options": {"Option": [{"Code": "color", "Value": "pink"}]},
                },
                {"LineNo": 4, "ItemNo": "UMBRELLA-01", "Quantity": D(1)},
            ]
        },
    )
    assert res.PricesIncludingVAT is False and res.CurrencyCode == "EUR"
    now = datetime.now(UTC)
    assert now < res.ValidUntil <= now + timedelta(minutes=5, seconds=1)
    line = res.Lines.Line[0]
    assert (line.Status, line.BaseUnitPrice, line.PriceOrigin, line.NetUnitPrice, line.LineAmount) == (
        "OK",
        D("9.00"),
        "CUSTOMER_PRICE_GROUP",
        D("12.73"),
        D("778.80"),
    )
    assert [(s.Code, s.Basis, s.Amount) for s in line.Surcharges.Surcharge] == [
        ("color", "PERCENT", D("0.90")),
        ("engraving", "PER_UNIT", D("3.50")),
        ("engraving_setup", "PER_LINE", D("15.00")),
    ]
    assert line.Discounts.Discount[0].Amount == D("0.67")
    assert (line.VATPercent, line.VATAmount, line.AmountIncludingVAT) == (D("19"), D("147.97"), D("926.77"))
    assert (line.NextBreak.MinQuantity, line.NextBreak.BaseUnitPrice) == (D("100"), D("8.50"))
    statuses = [(ln.LineNo, ln.Status, ln.NetUnitPrice) for ln in res.Lines.Line[1:]]
    assert statuses == [(2, "NOT_FOUND", None), (3, "INVALID_CONFIGURATION", None), (4, "BLOCKED", None)]
    assert "pink" in res.Lines.Line[2].StatusText


def test_simulate_blocked_customer_many_lines(erp: Any, erp_fault: Callable[..., Any]) -> None:
    lines = {"Line": [{"LineNo": i, "ItemNo": "PEN-01", "Quantity": D(1)} for i in range(1, 501)]}
    res = erp.SimulateSalesPrices(CustomerNo="C50000", Lines=lines)
    assert len(res.Lines.Line) == 500 and {ln.Status for ln in res.Lines.Line} == {"BLOCKED"}
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.SimulateSalesPrices(CustomerNo="NOPE", Lines=lines)
    assert erp_fault(exc.value).Code == "CUSTOMER_NOT_FOUND"
    lines["Line"].append({"LineNo": 501, "ItemNo": "PEN-01", "Quantity": D(1)})
    with pytest.raises(zeep.exceptions.ValidationError):  # maxOccurs=500 in the WSDL; the server checks too
        erp.SimulateSalesPrices(CustomerNo="C10000", Lines=lines)


def test_valid_until_is_capped_by_the_campaign_end(erp: Any) -> None:
    day = datetime.now(UTC).date() + timedelta(days=20)  # last day of the XMAS campaign
    res = erp.SimulateSalesPrices(
        CustomerNo="C70000",
        PriceDate=day,
        Lines={"Line": [{"LineNo": 1, "ItemNo": "GIFTBOX-01", "Quantity": D(1)}]},
    )
    assert res.Lines.Line[0].PriceOrigin == "CAMPAIGN"
    assert res.ValidUntil <= datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)


def test_create_get_cancel_order(erp: Any, erp_fault: Callable[..., Any]) -> None:
    lines = {
        "Line": [
            {
                "LineNo": 10000,
                "ItemNo": "MUG-01",
                "Quantity": D(60),
                "ExpectedUnitPrice": D("12.73"),
                "Options": {
                    "Option": [
                        {"Code": "color", "Value": "gold", "Label": "Gold"},
                        {"Code": "engraving", "Value": "Happy Birthday"},
                    ]
                },
            },
            {"LineNo": 20000, "ItemNo": "BOOK-01", "Quantity": D(10)},
        ]
    }
    ship_to = {
        "Name": "Ada Shop GmbH",
        "Address": "Hauptstr. 1",
        "PostCode": "10115",
        "City": "Berlin",
        "CountryCode": "DE",
    }
    order = erp.CreateSalesOrder(
        ExternalDocumentNo="WEB-100001",
        CustomerNo="C10000",
        CurrencyCode="EUR",
        OrderDate=TODAY,
        ShipTo=ship_to,
        Lines=lines,
        ExpectedAmount=D("1018.80"),
    )
    assert order.No.startswith("SO-") and order.Status == "OPEN" and order.OrderDate == TODAY
    assert (
        order.Lines.Line[0].UnitPrice == D("12.73")
        and order.Lines.Line[0].Options.Option[1].Value == "Happy Birthday"
    )
    assert order.Lines.Line[1].VATPercent == D("7") and order.ShipTo.City == "Berlin"
    assert order.InvoiceDiscountAmount == D("20.38")  # 2 % of 1018.80
    assert order.Amount == D("998.42") and order.AmountIncludingVAT == order.Amount + order.VATAmount
    assert erp.GetSalesOrder(No=order.No).ExternalDocumentNo == "WEB-100001"
    assert erp.GetSalesOrder(ExternalDocumentNo="WEB-100001").No == order.No
    cancelled = erp.CancelSalesOrder(No=order.No, Reason="customer request")
    assert cancelled.Status == "CANCELLED" and cancelled.LastModified > order.LastModified
    assert erp.CancelSalesOrder(No=order.No).Status == "CANCELLED"  # idempotent
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.GetSalesOrder(ExternalDocumentNo="WEB-404")
    assert erp_fault(exc.value).Code == "ORDER_NOT_FOUND"


def test_duplicate_external_document_no(erp: Any, erp_fault: Callable[..., Any]) -> None:
    first = erp.CreateSalesOrder(
        ExternalDocumentNo="WEB-7", CustomerNo="C10000", Lines=order_lines(("PEN-01", 5))
    )
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.CreateSalesOrder(
            ExternalDocumentNo="WEB-7", CustomerNo="C10000", Lines=order_lines(("PEN-01", 5))
        )
    detail = erp_fault(exc.value)
    assert (detail.Code, detail.Field, detail.Retryable, detail.ExistingOrderNo) == (
        "DUPLICATE_EXTERNAL_DOCUMENT_NO",
        "ExternalDocumentNo",
        False,
        first.No,
    )
    assert first.No in exc.value.message


@pytest.mark.parametrize(
    "customer,item,options,code,field",
    [
        ("C50000", "MUG-01", None, "CUSTOMER_BLOCKED", "CustomerNo"),
        ("C99999", "MUG-01", None, "CUSTOMER_NOT_FOUND", "CustomerNo"),
        ("C10000", "NOPE", None, "ITEM_NOT_FOUND", "Lines/Line[LineNo=10000]/ItemNo"),
        (
            "C10000",
            "MUG-01",
            {"Option": [{"Code": "color", "Value": "pink"}]},
            "INVALID_CONFIGURATION",
            "Lines/Line[LineNo=10000]/Options",
        ),
    ],
)
def test_create_order_faults(
    erp: Any, erp_fault: Callable[..., Any], customer: str, item: str, options: Any, code: str, field: str
) -> None:
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.CreateSalesOrder(
            ExternalDocumentNo="WEB-X",
            CustomerNo=customer,
            Lines={"Line": [{"LineNo": 10000, "ItemNo": item, "Quantity": D(1), "Options": options}]},
        )
    detail = erp_fault(exc.value)
    assert (detail.Code, detail.Field, detail.Retryable) == (code, field, False)


def test_list_sales_orders_paging(erp: Any, control: Callable[..., Any]) -> None:
    control("POST", "orders/bulk", json={"count": 45})
    start = erp.ListSalesOrders(PageSize=1).SalesOrders.SalesOrder[0].LastModified
    nos, bookmark, pages = [], None, 0
    while True:
        page = erp.ListSalesOrders(ModifiedSince=start, PageSize=20, Bookmark=bookmark)
        nos += [o.No for o in page.SalesOrders.SalesOrder]
        pages += 1
        bookmark = page.NextBookmark
        if bookmark is None:
            break
    assert pages == 3 and len(nos) == 45 == len(set(nos)) and nos == sorted(nos)
    later = erp.ListSalesOrders(ModifiedSince=datetime.now(UTC) + timedelta(seconds=5))
    assert (
        later.SalesOrders is None and later.NextBookmark is None
    )  # zeep maps an empty <SalesOrders/> to None


def test_list_items_and_customers(erp: Any) -> None:
    items = erp.ListItems(PageSize=5)
    assert len(items.Items.Item) == 5 and items.NextBookmark
    rest = erp.ListItems(PageSize=1000, Bookmark=items.NextBookmark)
    all_items = {i.ItemNo: i for i in items.Items.Item + rest.Items.Item}
    assert rest.NextBookmark is None and len(all_items) == 13
    mug = all_items["MUG-01"]
    assert (mug.UnitPrice, mug.TaxClass, mug.ItemDiscountGroup, mug.CurrencyCode) == (
        D("12.00"),
        "STANDARD",
        "MUGS",
        "EUR",
    )
    color = mug.Options.Option[0]
    assert (color.Code, color.Kind, [v.Code for v in color.Values.Value]) == (
        "color",
        "SELECT",
        ["white", "black", "gold"],
    )
    assert mug.Options.Option[1].Kind == "TEXT" and mug.Options.Option[1].Required is False
    assert all_items["UMBRELLA-01"].Blocked is True and all_items["DESIGN-SVC"].UnitPrice is None
    customers = erp.ListCustomers(PageSize=100)
    by_no = {c.CustomerNo: c for c in customers.Customers.Customer}
    assert (
        len(by_no) == 7
        and by_no["C30000"].PricesIncludingVAT is True
        and by_no["C60000"].CurrencyCode == "USD"
    )


def test_schema_validation_fault(erp: Any, erp_fault: Callable[..., Any]) -> None:
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.ListSalesOrders(PageSize=0)
    assert erp_fault(exc.value).Code == "VALIDATION"
    with pytest.raises(zeep.exceptions.Fault) as exc:
        erp.ListSalesOrders(Bookmark="garbage!")
    assert (erp_fault(exc.value).Code, erp_fault(exc.value).Field) == ("VALIDATION", "Bookmark")

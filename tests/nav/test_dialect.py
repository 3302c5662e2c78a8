"""erpsim's NAV dialect: pages, codeunit, filters, paging, Key concurrency, posting, faults, auth."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from requests_ntlm import HttpNtlmAuth

from erpsim.nav.filters import compile_criteria
from tests.nav.helpers import PASSWORD, NavServer, call, texts, xml

WORKED_QUOTE = """<SalesQuote><Sell_to_Customer_No>C10000</Sell_to_Customer_No><SalesLines>
<Sales_Quote_Line><Type>Item</Type><No>MUG-01</No><Variant_Code>GOLD</Variant_Code><Quantity>60</Quantity></Sales_Quote_Line>
<Sales_Quote_Line><Type>Item</Type><No>ENGRAVING-MUG-01</No><Quantity>60</Quantity></Sales_Quote_Line>
<Sales_Quote_Line><Type>Item</Type><No>ENGRAVING-FEE-MUG-01</No><Quantity>1</Quantity></Sales_Quote_Line>
<Sales_Quote_Line><Type>_blank_</Type><Description>Happy Birthday</Description></Sales_Quote_Line>
</SalesLines></SalesQuote>"""


def order_xml(ext: str, customer: str = "C10000", qty: int = 2) -> str:
    return (
        f"<SalesOrder><Sell_to_Customer_No>{customer}</Sell_to_Customer_No>"
        f"<External_Document_No>{ext}</External_Document_No><SalesLines><Sales_Order_Line><Type>Item</Type>"
        f"<No>MUG-02</No><Quantity>{qty}</Quantity></Sales_Order_Line></SalesLines></SalesOrder>"
    )


def price_args(item: str, variant: str = "", qty: int = 60) -> str:
    extra = f"<variantCode>{variant}</variantCode>" if variant else ""
    return (
        f"<custNo>C10000</custNo><postingDate>2026-12-01</postingDate><itemNo>{item}</itemNo>"
        f"<quantity>{qty}</quantity><uoM></uoM><campaignCode></campaignCode>{extra}"
    )


def test_worked_case_quote_totals_match_the_reference_answer(nav: NavServer) -> None:
    root = xml(call(nav, "Page", "SalesQuote", "Create", WORKED_QUOTE))
    assert texts(root, "Line_Amount") == ["564.30", "199.50", "15.00"]
    assert set(texts(root, "Total_Amount_Excl_VAT")) == {"778.80"}
    assert set(texts(root, "Total_VAT_Amount")) == {"147.97"}
    assert set(texts(root, "Total_Amount_Incl_VAT")) == {"926.77"}


def test_codeunit_prices_variant_and_charge_items(nav: NavServer) -> None:
    got = {}
    for item, variant in (
        ("MUG-01", "GOLD"),
        ("MUG-01", ""),
        ("ENGRAVING-MUG-01", ""),
        ("ENGRAVING-FEE-MUG-01", ""),
    ):
        for fn in ("GetSalesPrice", "GetSalesDiscount"):
            answer = call(nav, "Codeunit", "B2BManagement", fn, price_args(item, variant))
            got[(item, variant, fn)] = Decimal(texts(xml(answer), "return_value")[0])
    assert got[("MUG-01", "GOLD", "GetSalesPrice")] == Decimal("9.90")
    assert got[("MUG-01", "", "GetSalesPrice")] == Decimal("9.00")
    assert got[("MUG-01", "GOLD", "GetSalesDiscount")] == Decimal("5")
    assert got[("ENGRAVING-MUG-01", "", "GetSalesPrice")] == Decimal("3.50")
    assert got[("ENGRAVING-FEE-MUG-01", "", "GetSalesDiscount")] == Decimal("0")


def test_missing_item_is_a_nav_record_not_found_fault(nav: NavServer) -> None:
    answer = call(nav, "Codeunit", "B2BManagement", "GetSalesPrice", price_args("NOPE"))
    assert answer.status_code == 500
    root = xml(answer)
    assert texts(root, "faultcode")[0].endswith("NavCSideRecordNotFoundException")
    assert "The Item does not exist" in texts(root, "faultstring")[0]


@pytest.mark.parametrize(
    ("criteria", "value", "matches"),
    [
        ("C10000", "C10000", True),
        ("C10000|C20000", "C20000", True),
        ("C10000|C20000", "C30000", False),
        (">=C20000", "C30000", True),
        (">=C20000", "C10000", False),
        ("C20000..C40000", "C40000", True),
        ("C20000..C40000", "C50000", False),
        ("*Coffee*", "Ada Coffee Roasters", True),
        ("*Coffee*", "Tea", False),
        ("<>CHARGES", "CHARGES", False),
        ("", "anything", True),
    ],
)
def test_filter_criteria_as_nav_reads_them(criteria: str, value: str, matches: bool) -> None:
    assert compile_criteria(criteria, "string")(value) is matches


def test_read_multiple_filters_and_pages_with_bookmark_key(nav: NavServer) -> None:
    flt = "<filter><Field>No</Field><Criteria>C10000..C70000</Criteria></filter>"
    seen, bookmark = [], ""
    while True:
        mark = f"<bookmarkKey>{bookmark}</bookmarkKey>" if bookmark else ""
        root = xml(call(nav, "Page", "Customer", "ReadMultiple", f"{flt}{mark}<setSize>3</setSize>"))
        page = texts(root, "No")
        seen += page
        if len(page) < 3:
            break
        bookmark = texts(root, "Key")[-1]
    assert seen == ["C10000", "C20000", "C30000", "C40000", "C50000", "C60000", "C70000"]
    one = xml(
        call(
            nav,
            "Page",
            "Customer",
            "ReadMultiple",
            "<filter><Field>Name</Field><Criteria>*Coffee*</Criteria></filter><setSize>0</setSize>",
        )
    )
    assert texts(one, "No") == ["C10000", "C60000"]


def test_stale_key_is_refused_with_other_user_has_modified(nav: NavServer) -> None:
    created = xml(call(nav, "Page", "SalesOrder", "Create", order_xml("WEB-1")))
    key, no = texts(created, "Key")[0], texts(created, "No")[0]
    update = f"<SalesOrder><Key>{key}</Key><External_Document_No>WEB-1b</External_Document_No></SalesOrder>"
    assert call(nav, "Page", "SalesOrder", "Update", update).status_code == 200
    stale = call(nav, "Page", "SalesOrder", "Delete", f"<Key>{key}</Key>")
    assert stale.status_code == 500
    assert "Other user has modified" in texts(xml(stale), "faultstring")[0]
    assert texts(xml(call(nav, "Page", "SalesOrder", "Read", f"<No>{no}</No>")), "External_Document_No") == [
        "WEB-1b"
    ]


def test_invoiced_order_leaves_the_order_page_and_becomes_a_posted_invoice(nav: NavServer) -> None:
    no = texts(xml(call(nav, "Page", "SalesOrder", "Create", order_xml("WEB-2"))), "No")[0]
    nav.control("POST", f"orders/{no}/post", {"ship": True, "tracking_no": "TRK-9"})
    shipped = xml(call(nav, "Page", "SalesOrder", "Read", f"<No>{no}</No>"))
    assert texts(shipped, "Quantity_Shipped") == ["2"] and texts(shipped, "Package_Tracking_No") == ["TRK-9"]
    nav.control("POST", f"orders/{no}/post", {"ship": False, "invoice": True})
    assert texts(xml(call(nav, "Page", "SalesOrder", "Read", f"<No>{no}</No>")), "No") == []
    flt = f"<filter><Field>Order_No</Field><Criteria>{no}</Criteria></filter><setSize>5</setSize>"
    invoice = xml(call(nav, "Page", "PostedSalesInvoice", "ReadMultiple", flt))
    assert texts(invoice, "Order_No") == [no] and texts(invoice, "External_Document_No") == ["WEB-2"]


def test_wrong_password_is_401_and_outage_is_503(nav: NavServer) -> None:
    assert call(nav, "Page", "Item", "Read", "<No>MUG-01</No>", auth=("erp-user", "wrong")).status_code == 401
    nav.control("POST", "faults", {"outage": True})
    assert call(nav, "Page", "Item", "Read", "<No>MUG-01</No>").status_code == 503


def test_ntlm_handshake_authenticates_the_connection(nav_ntlm: NavServer) -> None:
    session = requests.Session()
    session.auth = HttpNtlmAuth(nav_ntlm.username, PASSWORD)
    first = session.get(f"{nav_ntlm.base}/Page/Item", timeout=5)
    again = session.get(f"{nav_ntlm.base}/Page/Item", timeout=5)
    assert first.status_code == 200 and len(first.history) == 2  # 401 challenge, then the handshake
    assert again.status_code == 200 and not again.history  # the connection stays authenticated
    intruder = requests.Session()
    intruder.auth = HttpNtlmAuth(nav_ntlm.username, "wrong")
    assert intruder.get(f"{nav_ntlm.base}/Page/Item", timeout=5).status_code == 401


def test_is_updated_and_create_multiple_follow_the_key(nav: NavServer) -> None:
    box = f"<SalesOrder_List>{order_xml('WEB-M1')}{order_xml('WEB-M2', qty=3)}</SalesOrder_List>"
    created = xml(call(nav, "Page", "SalesOrder", "CreateMultiple", box))
    keys = [k for k in texts(created, "Key") if k.startswith("36;")]
    assert texts(created, "External_Document_No") == ["WEB-M1", "WEB-M2"] and len(keys) == 2
    fresh = xml(call(nav, "Page", "SalesOrder", "IsUpdated", f"<Key>{keys[0]}</Key>"))
    assert texts(fresh, "IsUpdated_Result")[-1] == "false"  # the wrapper and its result share the name
    update = (
        f"<SalesOrder><Key>{keys[0]}</Key><External_Document_No>WEB-M1b</External_Document_No></SalesOrder>"
    )
    call(nav, "Page", "SalesOrder", "Update", update)
    stale = xml(call(nav, "Page", "SalesOrder", "IsUpdated", f"<Key>{keys[0]}</Key>"))
    assert texts(stale, "IsUpdated_Result")[-1] == "true"
    assert call(nav, "Page", "Item", "Create", "<Item><No>X</No></Item>").status_code == 500  # read-only page

"""The published NAV pages and the codeunit: their fields, types and option enums, as NAV names them."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_NS = "urn:microsoft-dynamics-schemas/page/"
CODEUNIT_NS = "urn:microsoft-dynamics-schemas/codeunit/"

STATUS = ("Open", "Released", "Pending_Approval", "Pending_Prepayment")
LINE_TYPE = ("_blank_", "G_L_Account", "Item", "Resource", "Fixed_Asset", "Charge_Item")
CUSTOMER_BLOCKED = ("_blank_", "Ship", "Invoice", "All")
ITEM_TYPE = ("Inventory", "Service")


@dataclass(frozen=True)
class Field:
    """One page field: NAV's element name, an XSD built-in type or an option enum."""

    name: str
    xsd: str = "string"
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A page published as a SOAP page service (key field `No`, optional lines subpage)."""

    service: str
    entity: str
    fields: tuple[Field, ...]
    editable: bool = False
    lines: Page | None = None
    lines_part: str = "SalesLines"

    @property
    def namespace(self) -> str:
        """urn:microsoft-dynamics-schemas/page/<service lower-case>."""
        return PAGE_NS + self.service.lower()

    def field(self, name: str) -> Field | None:
        """The field with this element name."""
        return next((f for f in self.fields if f.name == name), None)


def _f(spec: str) -> tuple[Field, ...]:
    out = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        out.append(Field(name, kind or "string"))
    return tuple(out)


def _line(entity: str, extra: str = "") -> Page:
    base = _f(
        "Key No Variant_Code Description VAT_Prod_Posting_Group Quantity:decimal Unit_of_Measure_Code "
        "Unit_Price:decimal Line_Amount:decimal Line_Discount_Percent:decimal Line_Discount_Amount:decimal "
        f"Inv_Discount_Amount:decimal {extra} Document_No Line_No:int Total_Amount_Excl_VAT:decimal "
        "Total_VAT_Amount:decimal Total_Amount_Incl_VAT:decimal"
    )
    return Page(entity, entity, (base[0], Field("Type", "", LINE_TYPE), *base[1:]))


SHIPPING = "Qty_to_Ship:decimal Quantity_Shipped:decimal Qty_to_Invoice:decimal Quantity_Invoiced:decimal"
HEADER = (
    "Key No Sell_to_Customer_No Sell_to_Customer_Name External_Document_No "
    "Posting_Date:date Order_Date:date Document_Date:date"
)
SHIP_TO = (
    "Currency_Code Prices_Including_VAT:boolean VAT_Bus_Posting_Group Ship_to_Name Ship_to_Address "
    "Ship_to_Address_2 Ship_to_Post_Code Ship_to_City Ship_to_Country_Region_Code"
)


def _document(service: str, line_entity: str, tail: str) -> Page:
    head = _f(HEADER)
    fields = (*head, Field("Status", "", STATUS), *_f(SHIP_TO), *_f(tail))
    return Page(service, service, fields, True, _line(line_entity, SHIPPING))


SALES_ORDER = _document("SalesOrder", "Sales_Order_Line", "Package_Tracking_No Shipment_Date:date")
SALES_QUOTE = _document("SalesQuote", "Sales_Quote_Line", "Quote_Valid_Until_Date:date")
CUSTOMER = Page(
    "Customer",
    "Customer",
    (
        *_f("Key No Name Search_Name Web_Customer_ID Currency_Code Customer_Price_Group Customer_Disc_Group"),
        *_f("Prices_Including_VAT:boolean Allow_Line_Disc:boolean VAT_Bus_Posting_Group Invoice_Disc_Code"),
        Field("Blocked", "", CUSTOMER_BLOCKED),
        Field("Last_Date_Modified", "date"),
    ),
)
ITEM = Page(
    "Item",
    "Item",
    (
        *_f("Key No Description"),
        Field("Type", "", ITEM_TYPE),
        *_f("Base_Unit_of_Measure Unit_Price:decimal Item_Disc_Group Item_Category_Code"),
        *_f("VAT_Prod_Posting_Group Blocked:boolean Last_Date_Modified:date"),
    ),
)
POSTED_INVOICE = Page(
    "PostedSalesInvoice",
    "PostedSalesInvoice",
    _f(
        "Key No Sell_to_Customer_No Sell_to_Customer_Name Order_No External_Document_No "
        "Posting_Date:date Order_Date:date Currency_Code Prices_Including_VAT:boolean VAT_Bus_Posting_Group "
        "Package_Tracking_No "
        "Amount:decimal Amount_Including_VAT:decimal"
    ),
    lines=_line("Posted_Sales_Invoice_Line"),
    lines_part="SalesInvLines",
)
PAGES = {p.service: p for p in (SALES_ORDER, SALES_QUOTE, CUSTOMER, ITEM, POSTED_INVOICE)}


@dataclass(frozen=True)
class Function:
    """A published codeunit function: parameters in order (all required, as NAV publishes them)."""

    name: str
    params: tuple[Field, ...]
    returns: str


PRICE_PARAMS = _f("custNo postingDate:date itemNo quantity:decimal uoM campaignCode variantCode")
CODEUNIT_NAME = "B2BManagement"
FUNCTIONS = {
    f.name: f
    for f in (
        Function("GetSalesPrice", PRICE_PARAMS, "decimal"),
        Function("GetSalesDiscount", PRICE_PARAMS, "decimal"),
        Function("GetItemInventory", _f("itemNo"), "decimal"),
    )
}

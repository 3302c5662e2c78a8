"""Each operation translates ERP messages into domain values, calls its use case, and answers or faults."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from lxml import etree

from middleware.domain.configuration import Configuration
from middleware.domain.orders import (
    Address,
    NewOrder,
    OrderLine,
    OrderRecord,
    OrderStatus,
    OrderTotals,
)
from middleware.errors import InputError
from middleware.soap.service.inbound_backend import OfferedOrder

from .conftest import NS, envelope, fault_of, post

T = f"{{{NS}}}"


def item(no: str = "MUG-01", price: str = "12.00", options: str = "", extra: str = "") -> str:
    """An Item element."""
    return (
        f"<m:Item><m:ItemNo>{no}</m:ItemNo><m:Description>Mug</m:Description>"
        f"<m:BaseUnitOfMeasure>PCS</m:BaseUnitOfMeasure><m:UnitPrice>{price}</m:UnitPrice>"
        f"<m:CurrencyCode>EUR</m:CurrencyCode><m:TaxClass>STANDARD</m:TaxClass>{extra}"
        f"{options}</m:Item>"
    )


COLOR = (
    "<m:Options><m:Option><m:Code>color</m:Code><m:Label>Colour</m:Label><m:Kind>select</m:Kind>"
    "<m:Required>true</m:Required><m:Values><m:Value><m:Code>gold</m:Code><m:Label>Gold</m:Label></m:Value>"
    "</m:Values></m:Option><m:Option><m:Code>engraving</m:Code><m:Kind>text</m:Kind></m:Option></m:Options>"
)


def call(client, body: str):
    """POST an operation and parse the answer (asserting HTTP 200)."""
    response = post(client, envelope(body))
    assert response.status_code == 200, response.get_data(as_text=True)
    return etree.fromstring(response.get_data())


def upsert(client, *items: str):
    return call(client, f"<m:UpsertProducts><m:Products>{''.join(items)}</m:Products></m:UpsertProducts>")


def test_upsert_products_translates_items_with_their_options(client, backend):
    answer = upsert(client, item(options=COLOR, extra="<m:Blocked>true</m:Blocked>"))
    ((_, products),) = backend.calls
    product = products[0]
    assert (product.sku, product.name, product.unit, product.list_price) == (
        "MUG-01",
        "Mug",
        "PCS",
        Decimal("12.00"),
    )
    assert product.blocked is True and product.currency == "EUR" and product.tax_class == "STANDARD"
    color, engraving = product.options
    assert (color.code, color.label, color.kind.value, color.required) == ("color", "Colour", "select", True)
    assert [(v.code, v.label) for v in color.values] == [("gold", "Gold")]
    assert engraving.kind.value == "text" and engraving.values == ()
    assert answer.findtext(f".//{T}Created") == "1"


def test_bad_items_are_rejected_with_reasons_while_the_rest_is_stored(client, backend):
    no_values = "<m:Options><m:Option><m:Code>size</m:Code><m:Kind>select</m:Kind></m:Option></m:Options>"
    answer = upsert(client, item("A"), item("B", price="-1"), item("C", options=no_values), item("A"))
    assert [p.sku for p in backend.calls[0][1]] == ["A"]
    rejected = {r.findtext(f"{T}Key"): r.findtext(f"{T}Reason") for r in answer.iter(f"{T}RejectedRecord")}
    assert set(rejected) == {"B", "C", "A"}
    assert "UnitPrice" in rejected["B"] and "Values" in rejected["C"] and "more than once" in rejected["A"]


def test_service_rejections_are_reported_with_their_key(client, backend):
    from middleware.services.catalog import UpsertResult

    backend.upsert_products = lambda products: UpsertResult(0, 0, 1, ("MUG-01: currency 'XX' is not ISO",))
    answer = upsert(client, item())
    record = answer.find(f".//{T}RejectedRecord")
    assert record.findtext(f"{T}Key") == "MUG-01" and "ISO" in record.findtext(f"{T}Reason")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (item(price="twelve"), "UnitPrice"),
        (item().replace("<m:Description>Mug</m:Description>", ""), "Description"),
        (item(options=COLOR.replace("<m:Kind>text</m:Kind>", "<m:Kind>checkbox</m:Kind>")), "Kind"),
        (item(extra="<m:Blocked>maybe</m:Blocked>"), "Blocked"),
    ],
    ids=["wrong-type", "missing-field", "unknown-enum", "bad-boolean"],
)
def test_schema_violations_are_client_faults_naming_the_field(client, backend, body, field):
    response = post(client, envelope(f"<m:UpsertProducts><m:Products>{body}</m:Products></m:UpsertProducts>"))
    code, message = fault_of(response)
    assert code == "Client.SchemaValidationError"
    assert field in message and "{" not in message
    assert backend.calls == []


def test_too_many_items_is_a_client_fault_naming_the_list(client, backend):
    items = "".join(item(f"SKU-{i}") for i in range(1001))
    code, message = fault_of(
        post(client, envelope(f"<m:UpsertProducts><m:Products>{items}</m:Products></m:UpsertProducts>"))
    )
    assert code == "Client.InvalidInput" and "Products" in message and "1000" in message
    assert backend.calls == []


def test_upsert_customers_maps_erp_fields(client, backend):
    answer = call(
        client,
        (
            "<m:UpsertCustomers><m:Customers><m:Customer><m:CustomerNo>10000</m:CustomerNo>"
            "<m:ShopCustomerId>C10000</m:ShopCustomerId><m:Name>Ada</m:Name><m:PriceGroup>RETAIL</m:PriceGroup>"
            "<m:DiscountGroup>BIG</m:DiscountGroup><m:CurrencyCode>eur</m:CurrencyCode>"
            "<m:PricesIncludingVAT>true</m:PricesIncludingVAT><m:Blocked>false</m:Blocked>"
            "</m:Customer></m:Customers></m:UpsertCustomers>"
        ),
    )
    customer = backend.calls[0][1][0]
    assert (customer.customer_id, customer.erp_customer_no, customer.price_group) == (
        "C10000",
        "10000",
        "RETAIL",
    )
    assert customer.discount_group == "BIG" and customer.currency == "EUR" and customer.prices_include_tax
    assert answer.findtext(f".//{T}Updated") == "1"


def test_notify_price_change_passes_every_key_and_returns_the_count(client, backend):
    answer = call(
        client,
        (
            "<m:NotifyPriceChange><m:ItemNos><m:ItemNo>MUG-01</m:ItemNo><m:ItemNo>CAP-02</m:ItemNo></m:ItemNos>"
            "<m:CustomerNos><m:CustomerNo>10000</m:CustomerNo></m:CustomerNos><m:PriceGroups><m:PriceGroup>RETAIL</m:PriceGroup>"
            "</m:PriceGroups></m:NotifyPriceChange>"
        ),
    )
    assert backend.calls == [("invalidate_prices", (["MUG-01", "CAP-02"], ["10000"], ["RETAIL"], False))]
    assert answer.findtext(f".//{T}InvalidatedQuotes") == "4"


def test_notify_price_change_for_all(client, backend):
    answer = call(client, "<m:NotifyPriceChange><m:All>true</m:All></m:NotifyPriceChange>")
    assert backend.calls[0][1][3] is True and answer.findtext(f".//{T}InvalidatedQuotes") == "999"


def test_notify_price_change_without_any_key_is_a_client_fault(client, backend):
    code, message = fault_of(post(client, envelope("<m:NotifyPriceChange/>")))
    assert code == "Client.InvalidInput" and "ItemNos" in message
    assert backend.calls == []


def test_the_reference_erp_push_envelope_is_understood(client, backend):
    from erpsim.push import StatusUpdate, build_status_envelope

    changed = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    body = build_status_envelope(
        [
            StatusUpdate("WEB-1", "SO-1", "SHIPPED", changed, tracking_no="TRK-9"),
            StatusUpdate("WEB-2", "SO-2", "RELEASED", changed),
            StatusUpdate("X-3", "SO-3", "INVOICED", changed, invoice_no="INV-3"),
        ]
    )
    response = post(client, body, SOAPAction='"UpdateOrderStatus"')
    assert response.status_code == 200, response.get_data(as_text=True)
    updates = backend.calls[0][1]
    assert (updates[0].order_number, updates[0].erp_order_number, updates[0].status) == (
        "WEB-1",
        "SO-1",
        OrderStatus.SHIPPED,
    )
    assert updates[0].tracking_no == "TRK-9" and updates[0].changed_at == changed
    assert updates[2].invoice_no == "INV-3"
    results = etree.fromstring(response.get_data()).iter(f"{T}StatusUpdateResult")
    assert [r.findtext(f"{T}Result") for r in results] == ["APPLIED", "IGNORED", "UNKNOWN_ORDER"]


def test_status_time_without_offset_is_taken_as_utc(client, backend):
    call(
        client,
        (
            "<m:UpdateOrderStatus><m:Updates><m:StatusUpdate><m:ExternalDocumentNo>WEB-1</m:ExternalDocumentNo>"
            "<m:Status>SHIPPED</m:Status><m:ChangedAt>2026-11-23T09:30:00</m:ChangedAt></m:StatusUpdate>"
            "</m:Updates></m:UpdateOrderStatus>"
        ),
    )
    assert backend.calls[0][1][0].changed_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_unknown_status_is_a_client_fault_naming_status(client, backend):
    body = (
        "<m:UpdateOrderStatus><m:Updates><m:StatusUpdate><m:ExternalDocumentNo>WEB-1</m:ExternalDocumentNo>"
        "<m:Status>LOST_AT_SEA</m:Status><m:ChangedAt>2026-11-23T09:30:00Z</m:ChangedAt></m:StatusUpdate>"
        "</m:Updates></m:UpdateOrderStatus>"
    )
    code, message = fault_of(post(client, envelope(body)))
    assert code == "Client.SchemaValidationError" and "Status" in message and "LOST_AT_SEA" in message
    assert backend.calls == []


def test_status_update_without_any_order_number_is_a_client_fault(client, backend):
    body = (
        "<m:UpdateOrderStatus><m:Updates><m:StatusUpdate><m:Status>SHIPPED</m:Status>"
        "<m:ChangedAt>2026-11-23T09:30:00Z</m:ChangedAt></m:StatusUpdate></m:Updates></m:UpdateOrderStatus>"
    )
    code, message = fault_of(post(client, envelope(body)))
    assert code == "Client.InvalidInput" and "ExternalDocumentNo" in message and "StatusUpdate[1]" in message


@pytest.mark.parametrize("changed_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_an_extreme_changed_at_is_a_client_fault_not_a_server_error(client, backend, changed_at):
    body = (
        "<m:UpdateOrderStatus><m:Updates><m:StatusUpdate><m:ExternalDocumentNo>WEB-1</m:ExternalDocumentNo>"
        f"<m:Status>SHIPPED</m:Status><m:ChangedAt>{changed_at}</m:ChangedAt></m:StatusUpdate>"
        "</m:Updates></m:UpdateOrderStatus>"
    )
    code, message = fault_of(post(client, envelope(body)))
    assert code.startswith("Client") and "ChangedAt" in message
    assert backend.calls == []


def offered_order() -> OfferedOrder:
    """A pulled order with one configured line."""
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    line = OrderLine(
        "1",
        "MUG-01",
        60,
        Configuration.of({"color": "gold", "engraving": "Hi"}),
        Decimal("12.73"),
        "q_1",
        (("color", "Gold"), ("engraving", "Hi")),
    )
    order = NewOrder(
        "WEB-100001",
        "C10000",
        "EUR",
        now,
        (line,),
        Address("Ada Shop GmbH", "Hauptstr. 1", "10115", "Berlin", "DE"),
        OrderTotals(Decimal("763.80"), Decimal("145.12"), Decimal("908.92")),
    )
    record = OrderRecord(order, "10000", OrderStatus.RECEIVED, now, now, "f")
    return OfferedOrder(record, datetime(2026, 11, 23, 10, 1, tzinfo=UTC))


def test_fetch_new_orders_returns_orders_with_line_configuration(client, backend):
    backend.offered = [offered_order()]
    answer = call(client, "<m:FetchNewOrders><m:MaxCount>10</m:MaxCount></m:FetchNewOrders>")
    assert backend.calls == [("fetch_new_orders", 10)]
    order = answer.find(f".//{T}SalesOrder")
    assert (
        order.findtext(f"{T}ExternalDocumentNo") == "WEB-100001"
        and order.findtext(f"{T}CustomerNo") == "10000"
    )
    assert order.findtext(f"{T}ShipTo/{T}City") == "Berlin" and order.findtext(f"{T}GrossAmount") == "908.92"
    line = order.find(f"{T}Lines/{T}Line")
    assert (line.findtext(f"{T}ItemNo"), line.findtext(f"{T}Quantity"), line.findtext(f"{T}UnitPrice")) == (
        "MUG-01",
        "60",
        "12.73",
    )
    options = [
        (o.findtext(f"{T}Code"), o.findtext(f"{T}Value"), o.findtext(f"{T}Label"))
        for o in line.iter(f"{T}Option")
    ]
    assert options == [("color", "gold", "Gold"), ("engraving", "Hi", "Hi")]


@pytest.mark.parametrize("count", ["0", "501", "ten"])
def test_fetch_new_orders_with_a_bad_max_count_is_a_client_fault(client, backend, count):
    response = post(
        client, envelope(f"<m:FetchNewOrders><m:MaxCount>{count}</m:MaxCount></m:FetchNewOrders>")
    )
    code, message = fault_of(response)
    assert code.startswith("Client") and "MaxCount" in message
    assert backend.calls == []


def test_acknowledge_orders_accepts_and_rejects(client, backend):
    answer = call(
        client,
        (
            "<m:AcknowledgeOrders><m:Acks>"
            "<m:OrderAck><m:ExternalDocumentNo>WEB-1</m:ExternalDocumentNo><m:OrderNo>SO-1</m:OrderNo></m:OrderAck>"
            "<m:OrderAck><m:ExternalDocumentNo>WEB-2</m:ExternalDocumentNo><m:RejectionCode>CREDIT</m:RejectionCode>"
            "<m:RejectionReason>over limit</m:RejectionReason></m:OrderAck></m:Acks></m:AcknowledgeOrders>"
        ),
    )
    first, second = backend.calls[0][1]
    assert (first.order_number, first.erp_order_number, first.rejection_code) == ("WEB-1", "SO-1", None)
    assert (second.erp_order_number, second.rejection_code, second.rejection_reason) == (
        None,
        "CREDIT",
        "over limit",
    )
    assert [r.findtext(f"{T}Result") for r in answer.iter(f"{T}AckResult")] == ["APPLIED", "APPLIED"]


def test_ack_with_neither_order_no_nor_rejection_is_a_client_fault(client, backend):
    ack = "<m:OrderAck><m:ExternalDocumentNo>W</m:ExternalDocumentNo></m:OrderAck>"
    body = f"<m:AcknowledgeOrders><m:Acks>{ack}</m:Acks></m:AcknowledgeOrders>"
    code, message = fault_of(post(client, envelope(body)))
    assert code == "Client.InvalidInput" and "OrderAck[1]" in message


def test_get_service_status(client, clock):
    answer = call(client, "<m:GetServiceStatus/>")
    assert answer.findtext(f".//{T}Version") == "9.9.9" and answer.findtext(f".//{T}PendingOrders") == "3"
    assert answer.findtext(f".//{T}ServerTime").startswith("2026-11-23T10:00:00")


def test_our_own_failure_is_a_server_fault_without_internals(client, backend, caplog):
    backend.fail_with = RuntimeError("connection to postgres://admin:hunter2@db failed")
    response = post(client, envelope("<m:GetServiceStatus/>"))
    code, message = fault_of(response)
    assert response.status_code == 500 and code == "Server"
    assert "hunter2" not in response.get_data(as_text=True) and "Traceback" not in message
    assert "GetServiceStatus" in message


def test_input_errors_from_a_use_case_are_client_faults(client, backend):
    backend.fail_with = InputError("currency 'XXX' is not supported", field="CurrencyCode")
    code, message = fault_of(
        post(client, envelope(f"<m:UpsertProducts><m:Products>{item()}</m:Products></m:UpsertProducts>"))
    )
    assert code == "Client.InvalidInput" and "XXX" in message

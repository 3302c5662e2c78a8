"""Every operation called through the WSDL by zeep, suds-community and PHP's SoapClient on a real port."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from .conftest import BASIC, PASSWORD, USER, FakeClock
from .test_operations import offered_order

BINDING = "{urn:shop-middleware:erp:v1}MiddlewareSoap"


@pytest.fixture
def clock() -> FakeClock:
    """Real time: the clients stamp their WS-Security tokens with the real clock."""
    fake = FakeClock()
    fake.current = datetime.now(UTC)
    return fake


def zeep_service(endpoint: str, wsse=None):
    """A zeep service proxy bound to the served endpoint (Basic auth unless `wsse` is given)."""
    from zeep import Client, Settings
    from zeep.transports import Transport

    session = requests.Session()
    if wsse is None:
        session.auth = BASIC
    client = Client(
        endpoint + "?wsdl",
        transport=Transport(session=session, timeout=10),
        settings=Settings(strict=True),
        wsse=wsse,
    )
    return client, client.create_service(BINDING, endpoint)


def item(client, no: str) -> object:
    """A zeep Item with one select option."""
    option = client.get_type("{urn:shop-middleware:erp:v1}ItemOption")
    value = client.get_type("{urn:shop-middleware:erp:v1}OptionValue")
    return {
        "ItemNo": no,
        "Description": "Mug",
        "BaseUnitOfMeasure": "PCS",
        "UnitPrice": Decimal("12.00"),
        "CurrencyCode": "EUR",
        "TaxClass": "STANDARD",
        "Blocked": False,
        "Options": {
            "Option": [
                option(
                    Code="color",
                    Label="Colour",
                    Kind="select",
                    Required=True,
                    Values={"Value": [value(Code="gold", Label="Gold")]},
                )
            ]
        },
    }


def test_zeep_calls_every_operation(served, backend):
    client, service = zeep_service(served)
    result = service.UpsertProducts(Products={"Item": [item(client, "MUG-01")]})
    assert result.Created == 1 and backend.calls[-1][1][0].options[0].values[0].label == "Gold"

    customer = {
        "CustomerNo": "10000",
        "ShopCustomerId": "C10000",
        "Name": "Ada",
        "PriceGroup": "RETAIL",
        "CurrencyCode": "EUR",
        "PricesIncludingVAT": False,
        "Blocked": False,
    }
    assert service.UpsertCustomers(Customers={"Customer": [customer]}).Updated == 1

    # zeep unwraps a result with a single child
    assert service.NotifyPriceChange(ItemNos={"ItemNo": ["MUG-01"]}, All=False) == 1

    results = service.UpdateOrderStatus(
        Updates={
            "StatusUpdate": [
                {
                    "ExternalDocumentNo": "WEB-1",
                    "OrderNo": "SO-1",
                    "Status": "SHIPPED",
                    "ChangedAt": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                    "TrackingNo": "T1",
                }
            ]
        }
    )
    assert [r.Result for r in results] == ["APPLIED"]

    backend.offered = [offered_order()]
    orders = service.FetchNewOrders(MaxCount=5)
    assert orders[0].ExternalDocumentNo == "WEB-100001"
    assert [o.Label for o in orders[0].Lines.Line[0].Options.Option] == ["Gold", "Hi"]

    acks = service.AcknowledgeOrders(
        Acks={"OrderAck": [{"ExternalDocumentNo": "WEB-100001", "OrderNo": "SO-9"}]}
    )
    assert acks[0].Result == "APPLIED"

    status = service.GetServiceStatus()
    assert status.Version == "9.9.9" and status.PendingOrders == 3


def test_zeep_with_ws_security_password_digest(served, backend):
    from zeep.wsse.username import UsernameToken

    _, service = zeep_service(served, wsse=UsernameToken(USER, PASSWORD, use_digest=True))
    assert service.GetServiceStatus().Version == "9.9.9"


def test_zeep_with_ws_security_password_text(served):
    from zeep.wsse.username import UsernameToken

    _, service = zeep_service(served, wsse=UsernameToken(USER, PASSWORD))
    assert service.GetServiceStatus().Version == "9.9.9"


def test_zeep_sees_bad_input_as_a_client_fault_naming_the_field(served):
    from zeep.exceptions import Fault

    _, service = zeep_service(served)
    with pytest.raises(Fault) as caught:
        service.NotifyPriceChange()
    assert caught.value.code.endswith("Client.InvalidInput") and "ItemNos" in caught.value.message


def test_zeep_with_a_wrong_password_gets_no_answer(served, backend):
    from zeep.wsse.username import UsernameToken

    _, service = zeep_service(served, wsse=UsernameToken(USER, "nope", use_digest=True))
    with pytest.raises(Exception, match="invalid username or password"):
        service.GetServiceStatus()
    assert backend.calls == []


def test_suds_calls_every_operation(served, backend):
    from suds.client import Client

    client = Client(
        served + "?wsdl", location=served, username=USER, password=PASSWORD, faults=True, timeout=10
    )
    factory = client.factory
    products = factory.create("ItemArray")
    mug = factory.create("Item")
    mug.ItemNo, mug.Description, mug.BaseUnitOfMeasure = "MUG-01", "Mug", "PCS"
    mug.UnitPrice, mug.CurrencyCode, mug.TaxClass, mug.Blocked, mug.Options = (
        "12.00",
        "EUR",
        "STANDARD",
        False,
        None,
    )
    products.Item = [mug]
    assert client.service.UpsertProducts(products).Created == 1
    assert backend.calls[-1][1][0].list_price == Decimal("12.00")

    customers = factory.create("CustomerArray")
    customer = factory.create("Customer")
    customer.CustomerNo, customer.ShopCustomerId, customer.PriceGroup, customer.CurrencyCode = (
        "1",
        "C1",
        "R",
        "EUR",
    )
    for name in ("Name", "DiscountGroup", "PricesIncludingVAT", "VATBusPostingGroup", "Blocked"):
        setattr(customer, name, None)
    customers.Customer = [customer]
    assert client.service.UpsertCustomers(customers).Updated == 1

    assert client.service.NotifyPriceChange(None, None, None, True).InvalidatedQuotes == 999

    updates = factory.create("StatusUpdateArray")
    update = factory.create("StatusUpdate")
    update.ExternalDocumentNo, update.OrderNo, update.Status = "WEB-2", None, "SHIPPED"
    update.ChangedAt, update.TrackingNo, update.InvoiceNo = "2026-11-23T09:00:00Z", None, None
    updates.StatusUpdate = [update]
    assert client.service.UpdateOrderStatus(updates).StatusUpdateResult[0].Result == "APPLIED"

    backend.offered = [offered_order()]
    assert client.service.FetchNewOrders(3).SalesOrder[0].ExternalDocumentNo == "WEB-100001"

    acks = factory.create("OrderAckArray")
    ack = factory.create("OrderAck")
    ack.ExternalDocumentNo, ack.OrderNo, ack.RejectionCode, ack.RejectionReason = (
        "WEB-100001",
        "SO-1",
        None,
        None,
    )
    acks.OrderAck = [ack]
    assert client.service.AcknowledgeOrders(acks).AckResult[0].Result == "APPLIED"
    assert client.service.GetServiceStatus().Version == "9.9.9"


PHP_SCRIPT = r"""
$endpoint = $argv[1];
$c = new SoapClient($endpoint . '?wsdl', ['location' => $endpoint,
    'login' => $argv[2], 'password' => $argv[3], 'exceptions' => true,
    'cache_wsdl' => WSDL_CACHE_NONE, 'trace' => 1]);
$out = [];
$out['products'] = $c->UpsertProducts(['Products' => ['Item' => [[
    'ItemNo' => 'MUG-01', 'Description' => 'Mug', 'BaseUnitOfMeasure' => 'PCS', 'UnitPrice' => '12.00',
    'CurrencyCode' => 'EUR', 'TaxClass' => 'STANDARD', 'Blocked' => false,
    'Options' => ['Option' => [['Code' => 'color', 'Label' => 'Colour', 'Kind' => 'select',
        'Required' => true, 'Values' => ['Value' => [['Code' => 'gold', 'Label' => 'Gold']]]]]]]]]]
    )->UpsertProductsResult->Created;
$out['customers'] = $c->UpsertCustomers(['Customers' => ['Customer' => [[
    'CustomerNo' => '10000', 'ShopCustomerId' => 'C10000', 'PriceGroup' => 'RETAIL',
    'CurrencyCode' => 'EUR']]]]
    )->UpsertCustomersResult->Updated;
$out['invalidated'] = $c->NotifyPriceChange(['PriceGroups' => ['PriceGroup' => ['RETAIL', 'VIP']]])
    ->NotifyPriceChangeResult->InvalidatedQuotes;
$r = $c->UpdateOrderStatus(['Updates' => ['StatusUpdate' => [['ExternalDocumentNo' => 'WEB-3',
    'Status' => 'SHIPPED', 'ChangedAt' => '2026-11-23T09:00:00Z']]]]);
$out['status'] = $r->Results->StatusUpdateResult->Result;
$o = $c->FetchNewOrders(['MaxCount' => 2]);
$out['fetched'] = $o->Orders->SalesOrder->ExternalDocumentNo;
$a = $c->AcknowledgeOrders(['Acks' => ['OrderAck' => [
    ['ExternalDocumentNo' => 'WEB-100001', 'OrderNo' => 'SO-7']]]]);
$out['ack'] = $a->Results->AckResult->Result;
$out['version'] = $c->GetServiceStatus()->Status->Version;
try { $c->NotifyPriceChange([]); } catch (SoapFault $f) { $out['fault'] = [$f->faultcode, $f->faultstring]; }
echo json_encode($out);
"""


def test_php_soapclient_calls_every_operation(served, backend, tmp_path):
    php = shutil.which("php")
    if php is None:
        pytest.skip("php not installed (CI installs the apt packages php-cli php-soap)")
    check = subprocess.run(
        [php, "-r", "echo class_exists('SoapClient') ? 'yes' : 'no';"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if check.stdout != "yes":
        pytest.skip("php has no soap extension (apt package php-soap)")
    backend.offered = [offered_order()]
    script = tmp_path / "client.php"
    script.write_text("<?php\n" + PHP_SCRIPT)
    run = subprocess.run(
        [php, str(script), served, USER, PASSWORD], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = json.loads(run.stdout)
    assert out["products"] == 1 and out["customers"] == 1 and out["invalidated"] == 2
    assert out["status"] == "APPLIED" and out["fetched"] == "WEB-100001" and out["ack"] == "APPLIED"
    assert out["version"] == "9.9.9"
    assert out["fault"][0].endswith("Client.InvalidInput") and "ItemNos" in out["fault"][1]
    option = backend.calls[0][1][0].options[0]
    assert (option.code, option.kind.value, option.values[0].label) == ("color", "select", "Gold")

"""The SOAP service on the full app (real services, SQLite/PostgreSQL), effects checked through REST."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from middleware.app import create_app
from middleware.domain.configuration import Configuration
from middleware.domain.pricing import LinePrice, LineStatus
from middleware.services.price_cache import CachedPrice, PriceKey
from tests.orders.conftest import AUTH, FakeClock, FakeErp, order_body, seeded_container

from .conftest import BASIC, serving
from .test_interop import BINDING


@pytest.fixture
def mw_clock() -> FakeClock:
    """The middleware's hand-moved clock."""
    return FakeClock()


@pytest.fixture
def container(database_url: str, mw_clock: FakeClock) -> Iterator[Any]:
    """A seeded container in pull mode with the fake ERP."""
    c = seeded_container(database_url, FakeErp(), mw_clock, order_delivery="pull", pull_lease_seconds=30)
    yield c
    c.close()


@pytest.fixture
def base_url(container: Any) -> Iterator[str]:
    """The whole middleware (REST + SOAP) on a loopback port."""
    with serving(create_app(container=container)) as url:
        yield url


@pytest.fixture
def soap(base_url: str) -> Any:
    """A zeep service proxy on /soap/ (WSDL fetched from the running app, Basic auth)."""
    from zeep import Client
    from zeep.transports import Transport

    session = requests.Session()
    session.auth = BASIC
    client = Client(base_url + "/soap/?wsdl", transport=Transport(session=session, timeout=10))
    return client.create_service(BINDING, base_url + "/soap/")


def cache_price(container: Any, sku: str, customer_id: str = "C10000") -> PriceKey:
    """Put one fresh price into the cache, as a quote would."""
    now = container.clock.now()
    key = PriceKey(customer_id, sku, 1, Configuration().hash, "EUR")
    price = LinePrice(sku, 1, Configuration(), LineStatus.OK, "", net_unit_price=Decimal("1.00"))
    container.prices.cache.put(key, CachedPrice(price, "RETAIL", False, now, now + timedelta(minutes=5)))
    return key


def item(no: str, price: str) -> dict[str, Any]:
    """A SOAP Item with a select option."""
    option = {
        "Code": "size",
        "Label": "Size",
        "Kind": "select",
        "Required": True,
        "Values": {"Value": [{"Code": "L", "Label": "Large"}]},
    }
    return {
        "ItemNo": no,
        "Description": f"Thing {no}",
        "BaseUnitOfMeasure": "PCS",
        "UnitPrice": Decimal(price),
        "CurrencyCode": "EUR",
        "TaxClass": "standard",
        "Blocked": False,
        "Options": {"Option": [option]},
    }


def test_upserted_items_show_in_the_rest_catalog_and_changes_drop_cached_prices(soap, base_url, container):
    assert soap.UpsertProducts(Products={"Item": [item("TEE-01", "9.50")]}).Created == 1
    product = requests.get(f"{base_url}/api/v1/products/TEE-01", headers=AUTH, timeout=5).json()
    assert product["name"] == "Thing TEE-01" and product["list_price"] == "9.50"
    assert product["options"][0]["values"][0]["label"] == "Large"

    key = cache_price(container, "TEE-01")
    result = soap.UpsertProducts(
        Products={"Item": [item("TEE-01", "11.00"), item("BAD", "1").copy() | {"CurrencyCode": "E1R"}]}
    )
    assert result.Updated == 1 and result.Created == 0
    assert [r.Key for r in result.Rejected.RejectedRecord] == ["BAD"]
    assert container.prices.cache.fresh(key, container.clock.now()) is None
    listed = requests.get(f"{base_url}/api/v1/products", headers=AUTH, timeout=5).json()
    assert "TEE-01" in str(listed) and "11.00" in str(listed)


def test_upserted_customers_are_mirrored(soap, container):
    customer = {
        "CustomerNo": "ERP-C20000",
        "ShopCustomerId": "C20000",
        "Name": "Bob",
        "PriceGroup": "VIP",
        "CurrencyCode": "EUR",
        "PricesIncludingVAT": True,
        "Blocked": False,
    }
    assert soap.UpsertCustomers(Customers={"Customer": [customer]}).Created == 1
    stored = container.catalog.repo.get_customer_by_erp_no("ERP-C20000")
    assert (stored.customer_id, stored.price_group, stored.prices_include_tax) == ("C20000", "VIP", True)


def test_notify_price_change_drops_matching_cached_quotes(soap, container):
    mug, pen = cache_price(container, "MUG-01"), cache_price(container, "PEN-01")
    assert soap.NotifyPriceChange(ItemNos={"ItemNo": ["MUG-01"]}) == 1
    now = container.clock.now()
    assert (
        container.prices.cache.fresh(mug, now) is None and container.prices.cache.fresh(pen, now) is not None
    )
    assert soap.NotifyPriceChange(CustomerNos={"CustomerNo": ["ERP-C10000"]}) == 1
    assert container.prices.cache.fresh(pen, now) is None


def place(base_url: str, number: str) -> None:
    """Place an order through the shop API."""
    response = requests.post(f"{base_url}/api/v1/orders", json=order_body(number), headers=AUTH, timeout=5)
    assert response.status_code in (201, 202), response.text


def order(base_url: str, number: str) -> dict[str, Any]:
    """The order as the shop API shows it."""
    return requests.get(f"{base_url}/api/v1/orders/{number}", headers=AUTH, timeout=5).json()


def test_pull_mode_offers_again_after_the_lease_and_acknowledging_twice_is_harmless(soap, base_url, mw_clock):
    place(base_url, "WEB-200001")
    first = soap.FetchNewOrders(MaxCount=10)
    assert [o.ExternalDocumentNo for o in first] == ["WEB-200001"]
    options = {o.Code: (o.Value, o.Label) for o in first[0].Lines.Line[0].Options.Option}
    assert options["color"] == ("gold", "Gold") and first[0].CustomerNo == "ERP-C10000"
    assert not soap.FetchNewOrders(MaxCount=10)  # leased to the first caller (zeep: empty is None)
    mw_clock.advance(31)
    assert [o.ExternalDocumentNo for o in soap.FetchNewOrders(MaxCount=10)] == ["WEB-200001"]

    ack = {"OrderAck": [{"ExternalDocumentNo": "WEB-200001", "OrderNo": "SO-777"}]}
    assert [r.Result for r in soap.AcknowledgeOrders(Acks=ack)] == ["APPLIED"]
    again = soap.AcknowledgeOrders(Acks=ack)
    assert again[0].Result == "IGNORED" and "already" in again[0].Reason
    shown = order(base_url, "WEB-200001")
    assert shown["status"] == "accepted" and shown["erp_order_number"] == "SO-777"
    mw_clock.advance(31)
    assert not soap.FetchNewOrders(MaxCount=10)  # acknowledged orders are never offered again


def test_status_updates_apply_once_and_never_move_an_order_backwards(soap, base_url, mw_clock):
    place(base_url, "WEB-300001")
    soap.AcknowledgeOrders(Acks={"OrderAck": [{"ExternalDocumentNo": "WEB-300001", "OrderNo": "SO-300"}]})
    now = mw_clock.now()
    shipped = {
        "ExternalDocumentNo": "WEB-300001",
        "OrderNo": "SO-300",
        "Status": "SHIPPED",
        "ChangedAt": now,
        "TrackingNo": "TRK-1",
    }
    late_release = {
        "ExternalDocumentNo": "WEB-300001",
        "Status": "RELEASED",
        "ChangedAt": now - timedelta(hours=1),
    }
    unknown = {"ExternalDocumentNo": "WEB-999999", "Status": "SHIPPED", "ChangedAt": now}
    results = soap.UpdateOrderStatus(Updates={"StatusUpdate": [shipped, late_release, shipped, unknown]})
    assert [r.Result for r in results] == ["APPLIED", "IGNORED", "IGNORED", "UNKNOWN_ORDER"]
    assert order(base_url, "WEB-300001")["status"] == "shipped"


def test_service_status_reports_version_time_and_pending_orders(soap, base_url, container):
    place(base_url, "WEB-400001")
    status = soap.GetServiceStatus()
    assert status.Version and status.OrderDelivery == "pull"
    assert status.ServerTime == container.clock.now()
    assert status.PendingOrders == 1


def test_service_status_reports_the_last_finished_reconciliation(container, soap):
    assert soap.GetServiceStatus().LastReconciliation is None
    run = container.jobs_admin.book.run("reconcile_orders", lambda run_id: {})
    status = soap.GetServiceStatus()
    assert run.outcome == "ok"
    assert status.LastReconciliation is not None
    assert abs((status.LastReconciliation - run.finished_at).total_seconds()) < 1

"""What the shop does when the middleware or the ERP is not there, and what a listing costs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Shop
from .shopping import WORKED, checkout, client_for, configure, latest_order, listed_prices, user_for, wait_for


@pytest.fixture
def erp_down(shop: Shop) -> Iterator[None]:
    shop.control("POST", "faults", json={"outage": True})
    try:
        yield
    finally:
        shop.control("DELETE", "faults")


class _RefuseOrders:
    """Makes the middleware answer POST /api/v1/orders with a connection-level failure (503)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/api/v1/orders" and environ.get("REQUEST_METHOD") == "POST":
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down for maintenance"]
        return self.app(environ, start_response)


def test_a_listing_page_of_48_products_costs_one_middleware_call(shop: Shop) -> None:
    from oscar_erp.catalog_sync import sync_catalog

    for n in range(40):
        shop.control(
            "PUT", f"items/BULK-{n:02d}", json={"description": f"Bulk item {n:02d}", "unit_price": "2.00"}
        )
    shop.container.catalog.sync_from_erp()
    sync_catalog()
    client = client_for(user_for("C20000"))
    before = shop.counter.count("POST /api/v1/prices")
    html = client.get("/catalogue/").content.decode()
    shown = listed_prices(html)
    assert len(shown) == 48  # a full page (OSCAR_PRODUCTS_PER_PAGE = 48)
    assert shop.counter.count("POST /api/v1/prices") - before == 1


def test_when_the_middleware_cannot_price_a_product_it_is_price_on_request_and_not_buyable(
    shop: Shop, erp_down: None
) -> None:
    client = client_for(user_for("C40000"))  # nobody priced for this customer yet: nothing cached
    shown = listed_prices(client.get("/catalogue/").content.decode())
    assert shown["MUG-01"] == "Price on request"
    response = configure(client, "MUG-01", {"quantity": "1", "color": "white"})
    assert client.get("/basket/").context["basket"].num_lines == 0
    assert "Price on request" in response.content.decode()


def test_a_stale_price_is_shown_as_stale(shop: Shop) -> None:
    client = client_for(user_for("C70000"))
    assert listed_prices(client.get("/catalogue/").content.decode())["MUG-01"].startswith("€")
    time.sleep(1.2)  # past the test stack's 1 s cache TTL: the next answer is stale while the ERP is down
    shop.control("POST", "faults", json={"outage": True})
    try:
        html = client.get("/catalogue/").content.decode()
    finally:
        shop.control("DELETE", "faults")
    assert listed_prices(html)["MUG-01"].startswith("€")
    assert "ERP not reachable; it may change" in html


def test_an_order_placed_while_the_middleware_is_unreachable_is_queued_and_sent_once_later(
    shop: Shop,
) -> None:
    from oscar_erp.models import OrderTransfer
    from oscar_erp.transfer import send_due

    email = user_for("C10000")
    client = client_for(email)
    configure(client, "MUG-01", WORKED)
    app = shop.counter.app
    shop.counter.app = _RefuseOrders(app)
    try:
        assert checkout(client).status_code == 302  # the customer's checkout succeeds
        order = latest_order(email)
        transfer = order.erp_transfer
        assert (transfer.state, order.status) == ("pending", "Awaiting ERP")
        assert transfer.body["totals"] == {"net": "778.80", "tax": "147.97", "gross": "926.77"}
        assert shop.erp_orders(f"OSC-{order.number}") == []
    finally:
        shop.counter.app = app
    from django.utils import timezone

    OrderTransfer.objects.filter(pk=transfer.pk).update(next_attempt_at=timezone.now())
    assert send_due() == {"sent": 1}
    assert send_due() == {}  # nothing left to send
    (erp_order,) = wait_for(lambda: shop.erp_orders(f"OSC-{order.number}"))
    assert erp_order["lines"][0]["options"] == {"color": "gold", "engraving": "Happy Birthday"}


def test_staff_see_every_order_transfer_in_djangos_admin(shop: Shop) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from oscar_erp.models import OrderTransfer

    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "staff-pass-1")
    client = Client()
    client.force_login(staff)
    email = user_for("C10000")
    buyer = client_for(email)
    configure(buyer, "MUG-01", {"quantity": "2", "color": "black"})
    assert checkout(buyer).status_code == 302
    number = latest_order(email).number
    page = client.get("/django-admin/oscar_erp/ordertransfer/").content.decode()
    assert number in page and OrderTransfer.objects.get(order__number=number).state in page

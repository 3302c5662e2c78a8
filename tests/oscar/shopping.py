"""Steps a shopper takes in the Oscar shop, with Django's test client (in-process, real database)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

WORKED = {"quantity": "60", "color": "gold", "engraving": "Happy Birthday"}
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Shop",
    "line1": "Hauptstr. 1",
    "line4": "Berlin",
    "postcode": "10115",
    "phone_number": "",
}


def client_for(email: str | None) -> Any:
    """A test client signed in as the user with this email (None: a guest)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if email is not None:
        client.force_login(get_user_model().objects.get(email=email))
    return client


def user_for(customer_id: str) -> str:
    """A fresh user mapped to this ERP customer; returns its email."""
    from django.contrib.auth import get_user_model
    from oscar_erp.models import CustomerLink

    n = get_user_model().objects.count()
    email = f"user{n}@example.com"
    user = get_user_model().objects.create_user(username=f"user{n}", email=email, password="x-pass-1")
    CustomerLink.objects.create(user=user, customer_id=customer_id)
    return email


def product_pk(sku: str) -> int:
    """The Oscar product behind a middleware sku."""
    from oscar_erp.models import ErpProduct

    return int(ErpProduct.objects.get(sku=sku).product_id)


def listed_prices(html: str) -> dict[str, str]:
    """sku -> what the listing shows in the price slot."""
    found = re.findall(r'data-sku="([^"]+)">\s*([^<]+?)\s*</p>', html)
    return {sku: text for sku, text in found}


def configure(client: Any, sku: str, choices: dict[str, str]) -> Any:
    """Submit the plugin's configurator for a product."""
    return client.post(f"/erp/configure/{product_pk(sku)}/", choices)


def checkout(client: Any) -> Any:
    """Shipping address, default shipping method, no payment, place the order; returns the last response."""
    assert client.get("/checkout/").status_code in (200, 302)
    response = client.post("/checkout/shipping-address/", ADDRESS)
    assert response.status_code == 302, response.content[:2000]
    client.get("/checkout/shipping-method/", follow=True)
    client.get("/checkout/payment-method/", follow=True)
    return client.post("/checkout/preview/", {"action": "place_order"})


def latest_order(email: str) -> Any:
    """The user's newest Oscar order."""
    from oscar.core.loading import get_model

    return get_model("order", "Order").objects.filter(user__email=email).order_by("-id").first()


def wait_for(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until condition() is truthy; its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")

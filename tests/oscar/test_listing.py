"""Listing prices: each customer sees the ERP's price for their customer number, a page costs one call."""

from __future__ import annotations

from .conftest import Shop
from .shopping import client_for, listed_prices


def test_listing_prices_differ_per_customer_exactly_as_the_erp_rules_say(shop: Shop) -> None:
    buyer = listed_prices(client_for("buyer@example.com").get("/catalogue/").content.decode())
    consumer = listed_prices(client_for("consumer@example.com").get("/catalogue/").content.decode())
    guest = listed_prices(client_for(None).get("/catalogue/").content.decode())
    # erpsim's rules: price group B2B-GOLD pays 10.00 for one mug; consumers pay the 12.00 list price (net)
    assert buyer["MUG-01"] == "€10.00" and consumer["MUG-01"] == "€12.00"
    assert guest == consumer  # guests are priced as the generic B2C customer
    assert buyer["TSHIRT-01"] == "€13.00" and consumer["TSHIRT-01"] == "€15.00"
    assert consumer["DESIGN-SVC"] == "Price on request"  # the ERP has no price for consumers

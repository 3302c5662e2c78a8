"""The worked case through Oscar's basket, checkout to exactly one ERP order, and the status coming back."""

from __future__ import annotations

import re
from decimal import Decimal

from .conftest import Shop
from .shopping import WORKED, checkout, client_for, configure, latest_order, product_pk, user_for, wait_for


def test_the_worked_case_through_oscars_basket(shop: Shop) -> None:
    email = user_for("C10000")
    client = client_for(email)
    response = configure(client, "MUG-01", WORKED)
    assert response.status_code == 302, response.content.decode()[-3000:]
    basket = client.get("/basket/").context["basket"]
    (line,) = basket.all_lines()
    assert line.purchase_info.price.erp["net_unit_price"] == "12.73"
    assert {a.option.name: a.value for a in line.attributes.all()} == {
        "Colour": "gold",
        "Engraving text": "Happy Birthday",
    }
    totals = (basket.total_excl_tax, basket.total_tax, basket.total_incl_tax)
    assert tuple(t.quantize(Decimal("0.01")) for t in totals) == (
        Decimal("778.80"),
        Decimal("147.97"),
        Decimal("926.77"),
    )


def test_the_configurator_shows_what_each_value_adds_for_this_customer(shop: Shop) -> None:
    page = client_for(user_for("C10000")).get(f"/erp/configure/{product_pk('MUG-01')}/").content.decode()
    gold = re.search(r'data-value="gold">(.*?)</li>', page, re.S).group(1)  # type: ignore[union-attr]
    engraving = re.search(r'data-option="engraving" data-value="">(.*?)</li>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "+1.00 per unit" in gold  # 10 % of C10000's 10.00 for one mug
    assert "+3.50 per unit" in engraving and "+15.00 once" in engraving
    assert "at most 30 characters" in page


def test_the_configurator_refuses_an_engraving_longer_than_the_erp_allows(shop: Shop) -> None:
    client = client_for(user_for("C10000"))
    response = configure(client, "MUG-01", {**WORKED, "engraving": "x" * 31})
    assert response.status_code == 200
    assert "at most 30 characters" in response.content.decode()
    assert client.get("/basket/").context["basket"].num_lines == 0


def test_checkout_places_exactly_one_erp_order_with_the_configuration(shop: Shop) -> None:
    email = user_for("C10000")
    client = client_for(email)
    configure(client, "MUG-01", WORKED)
    response = checkout(client)
    assert response.status_code == 302, response.content.decode()[-3000:]
    order = latest_order(email)
    number = f"OSC-{order.number}"
    (erp_order,) = wait_for(lambda: shop.erp_orders(number))
    assert wait_for(lambda: shop.erp_orders(number)[0]["status"] in ("OPEN", "RELEASED"))
    (erp_line,) = erp_order["lines"]
    assert erp_line["options"] == {"color": "gold", "engraving": "Happy Birthday"}
    assert (erp_order["amount"], erp_order["vat_amount"]) == ("778.80", "147.97")
    order.refresh_from_db()
    assert order.erp_transfer.state == "sent"
    assert (order.total_excl_tax, order.total_incl_tax) == (Decimal("778.80"), Decimal("926.77"))
    assert shop.counter.count("POST /api/v1/orders") >= 1 and len(shop.erp_orders(number)) == 1


def test_a_shipped_webhook_moves_the_oscar_order_with_its_tracking_number(shop: Shop) -> None:
    email = user_for("C10000")
    client = client_for(email)
    configure(client, "MUG-01", {"quantity": "5", "color": "white"})
    assert checkout(client).status_code == 302
    order = latest_order(email)
    number = f"OSC-{order.number}"
    (erp_order,) = wait_for(lambda: shop.erp_orders(number))
    wait_for(lambda: _status(order) == "Accepted")
    shop.control(
        "POST", f"orders/{erp_order['no']}/status", json={"status": "SHIPPED", "tracking_no": "TRK-42"}
    )
    wait_for(lambda: _status(order) == "Shipped")
    order.refresh_from_db()
    assert order.erp_transfer.tracking_no == "TRK-42"
    assert any("TRK-42" in note.message for note in order.notes.all())


def test_a_webhook_without_a_valid_signature_is_refused(shop: Shop) -> None:
    body = b'{"type": "order.shipped", "data": {"order_number": "OSC-1", "status": "shipped"}}'
    response = shop.http.post(
        f"{shop.shop_url}/erp/webhook/", data=body, timeout=5, headers={"X-Middleware-Signature": "t=1,v1=00"}
    )
    assert response.status_code == 401


def _status(order: object) -> str:
    order.refresh_from_db()  # type: ignore[attr-defined]
    return str(order.status)  # type: ignore[attr-defined]

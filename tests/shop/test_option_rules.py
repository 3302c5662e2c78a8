"""Options carry every constraint the ERP states, and order intake refuses what the ERP would refuse."""

from __future__ import annotations

from typing import Any

from .conftest import SOAP_PASSWORD, SOAP_USER, Stack

NS = "urn:shop-middleware:erp:v1"


def order(options: dict[str, str], sku: str = "MUG-01", number: str = "WEB-OPT-1") -> dict[str, Any]:
    return {
        "order_number": number,
        "customer_id": "C10000",
        "currency": "EUR",
        "placed_at": "2026-11-23T10:02:00Z",
        "lines": [{"line_ref": "1", "sku": sku, "quantity": 60, "options": options, "unit_price": "12.73"}],
        "shipping_address": {
            "name": "Ada Shop GmbH",
            "street": "Hauptstr. 1",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
        "totals": {"net": "778.80", "tax": "147.97", "gross": "926.77"},
    }


def test_sync_mirrors_the_text_options_maximum_length_and_the_values_order(stack: Stack) -> None:
    product = stack.api("GET", "/products/MUG-01").json()
    color, engraving = product["options"]
    assert engraving["kind"] == "text" and engraving["max_length"] == 30
    order_of_values = [(v["code"], v["sort_order"]) for v in color["values"]]
    assert order_of_values == [("white", 0), ("black", 1), ("gold", 2)]
    tshirt = stack.api("GET", "/products/TSHIRT-01").json()
    assert tshirt["options"][0]["required"] is True and tshirt["options"][1]["max_length"] == 20


def test_an_engraving_longer_than_the_erp_allows_is_refused_at_intake_naming_the_field(stack: Stack) -> None:
    response = stack.api("POST", "/orders", order({"color": "gold", "engraving": "x" * 40}))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["field"] == "lines[0].options.engraving"
    assert "40 characters" in problem["detail"] and "30" in problem["detail"]
    body = order({"color": "gold", "engraving": "x" * 30}, number="WEB-OPT-2")
    accepted = stack.api("POST", "/orders", body)
    assert accepted.status_code == 202, accepted.text


def test_unknown_option_disallowed_value_and_missing_required_option_are_refused(stack: Stack) -> None:
    cases = [
        (order({"colour": "gold"}), "lines[0].options.colour", "has no option"),
        (order({"color": "purple"}), "lines[0].options.color", "not one of white, black, gold"),
        (order({"print": "Hi"}, sku="TSHIRT-01"), "lines[0].options.size", "'size' is required"),
        (order({"size": ""}, sku="TSHIRT-01"), "lines[0].options.size", "not one of"),
    ]
    for body, field, needle in cases:
        response = stack.api("POST", "/orders", body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field and needle in response.json()["detail"]


def _soap_item(max_length: str) -> str:
    return (
        '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
        f' xmlns:m="{NS}">'
        "<s:Body><m:UpsertProducts><m:Products><m:Item><m:ItemNo>PLATE-01</m:ItemNo>"
        "<m:Description>Plate</m:Description><m:BaseUnitOfMeasure>PCS</m:BaseUnitOfMeasure>"
        "<m:UnitPrice>5.00</m:UnitPrice><m:CurrencyCode>EUR</m:CurrencyCode><m:TaxClass>standard</m:TaxClass>"
        "<m:Options><m:Option><m:Code>dedication</m:Code><m:Label>Dedication</m:Label><m:Kind>text</m:Kind>"
        f"{max_length}<m:DefaultValue>For you</m:DefaultValue></m:Option></m:Options>"
        "</m:Item></m:Products></m:UpsertProducts></s:Body></s:Envelope>"
    )


def test_upsert_products_carries_max_length_and_default_into_the_mirror(stack: Stack) -> None:
    response = stack.http.post(
        f"{stack.url}/soap/",
        data=_soap_item("<m:MaxLength>12</m:MaxLength>"),
        auth=(SOAP_USER, SOAP_PASSWORD),
        headers={"Content-Type": "text/xml"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    (option,) = stack.api("GET", "/products/PLATE-01").json()["options"]
    assert (option["max_length"], option["default"]) == (12, "For you")
    refused = stack.api("POST", "/orders", order({"dedication": "For my dearest"}, sku="PLATE-01"))
    assert refused.status_code == 422 and refused.json()["field"] == "lines[0].options.dedication"

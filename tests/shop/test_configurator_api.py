"""The configurator endpoints against the real middleware and erpsim: validate, per-value preview, tiers."""

from __future__ import annotations

from typing import Any

from .conftest import Stack


def _values(preview: dict[str, Any], option: str) -> dict[str | None, dict[str, Any]]:
    (found,) = [o for o in preview["options"] if o["code"] == option]
    return {v["value"]: v for v in found["values"]}


def test_validation_answers_per_option_problems_without_the_erp(stack: Stack) -> None:
    stack.erp_down()
    options = {"color": "purple", "engraving": "x" * 31, "size": "M"}
    response = stack.api("POST", "/configurator/validate", {"sku": "MUG-01", "options": options})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["valid"] is False
    reasons = {p["option"]: (p["reason"], p["field"]) for p in answer["problems"]}
    assert reasons == {
        "color": ("value_not_allowed", "options.color"),
        "engraving": ("too_long", "options.engraving"),
        "size": ("unknown_option", "options.size"),
    }
    required = stack.api("POST", "/configurator/validate", {"sku": "TSHIRT-01", "options": {}}).json()
    assert [(p["option"], p["reason"]) for p in required["problems"]] == [("size", "required")]
    good = stack.api("POST", "/configurator/validate", {"sku": "MUG-01", "options": {"color": "gold"}}).json()
    assert good == {"sku": "MUG-01", "valid": True, "options": {"color": "gold"}, "problems": []}
    assert stack.api("POST", "/configurator/validate", {"sku": "NOPE"}).status_code == 404


def test_the_preview_prices_every_value_in_one_erp_call_and_then_from_the_cache(stack: Stack) -> None:
    stack.container.catalog.customer("C10000")
    stack.control("POST", "stats/reset")
    body = {"customer_id": "C10000", "currency": "EUR", "sku": "MUG-01", "quantity": 60}
    first = stack.api("POST", "/configurator/preview", body)
    assert first.status_code == 200, first.text
    assert stack.erp_calls("SimulateSalesPrices") == 1
    preview = first.json()
    assert preview["source"] == "erp" and preview["base_net_unit_price"] == "8.55"
    colors = _values(preview, "color")
    assert [colors[c]["per_unit"] for c in ("white", "black", "gold")] == ["0.00", "0.00", "0.90"]
    assert colors["gold"]["one_time"] == "0.00" and colors["gold"]["source"] == "erp"
    engraving = _values(preview, "engraving")[None]
    assert (engraving["per_unit"], engraving["one_time"]) == ("3.50", "15.00")
    again = stack.api("POST", "/configurator/preview", body).json()
    assert stack.erp_calls("SimulateSalesPrices") == 1
    assert again["source"] == "cache" and _values(again, "color")["gold"]["source"] == "cache"


def test_a_required_options_values_are_relative_to_its_first_value(stack: Stack) -> None:
    body = {"customer_id": "C10000", "currency": "EUR", "sku": "TSHIRT-01", "quantity": 10}
    preview = stack.api("POST", "/configurator/preview", body).json()
    (size,) = [o for o in preview["options"] if o["code"] == "size"]
    assert size["relative_to"] == "S" and preview["baseline"] == {"size": "S"}
    sizes = _values(preview, "size")
    assert (sizes["M"]["per_unit"], sizes["XXL"]["per_unit"]) == ("0.00", "2.00")


def test_a_preview_with_a_value_the_product_refuses_is_a_422_naming_the_option(stack: Stack) -> None:
    body = {"customer_id": "C10000", "currency": "EUR", "sku": "MUG-01", "options": {"color": "purple"}}
    response = stack.api("POST", "/configurator/preview", body)
    assert response.status_code == 422 and response.json()["field"] == "options.color"


def test_the_tier_table_follows_each_customers_breaks(stack: Stack) -> None:
    def tiers(customer: str) -> list[tuple[int, str]]:
        body = {"customer_id": customer, "currency": "EUR", "sku": "MUG-01"}
        response = stack.api("POST", "/configurator/tiers", body)
        assert response.status_code == 200, response.text
        return [(t["min_quantity"], t["base_unit_price"]) for t in response.json()["tiers"]]

    assert tiers("C10000") == [(1, "10.00"), (50, "9.00"), (100, "8.50")]
    # consumers see gross prices: 12.00 and 11.50 plus 19 % VAT
    assert tiers("B2C") == [(1, "14.28"), (24, "13.69")]
    blocked = {"customer_id": "C10000", "currency": "EUR", "sku": "UMBRELLA-01"}
    none = stack.api("POST", "/configurator/tiers", blocked)
    assert none.json()["tiers"] == [] and none.json()["status"] == "blocked"


def test_the_configurator_is_in_the_openapi_document_with_descriptions_and_examples(stack: Stack) -> None:
    document = stack.http.get(f"{stack.url}/api/v1/openapi.json", timeout=5).json()
    for path in ("validate", "preview", "tiers"):
        operation = document["paths"][f"/api/v1/configurator/{path}"]["post"]
        assert operation["summary"] and operation["description"]
    schemas = document["components"]["schemas"]
    for model in ("PreviewRequest", "PreviewOut", "TiersOut", "ValidationOut", "ValidateRequest"):
        assert schemas[model]["examples"], model
    assert "max_length" in schemas["ProductOptionOut"]["properties"]

"""REST: POST /api/v1/prices and the products endpoints with the Flask test client."""

from __future__ import annotations

import json

import pytest

from .conftest import AUTH, FakeClock, FakeErp, unavailable

WORKED = {"customer_id": "C10000", "currency": "EUR",
          "items": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60,
                     "options": {"color": "gold", "engraving": "Happy Birthday"}}]}


def post(client, body, headers=AUTH):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/prices", json=body, headers=headers)


def item(**changes: object) -> dict:
    return {**WORKED, "items": [{**WORKED["items"][0], **changes}]}


def test_the_worked_case_answers_money_as_decimal_strings(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, WORKED)
    assert response.status_code == 200, response.json
    quote = response.json
    line = quote["lines"][0]
    assert quote["quote_id"].startswith("q_") and quote["source"] == "erp"
    assert line["status"] == "ok" and line["source"] == "erp"
    assert line["base_unit_price"] == "9.00"
    assert (line["net_unit_price"], line["net_amount"]) == ("12.73", "778.80")
    assert (line["tax_rate"], line["tax_amount"], line["gross_amount"]) == ("19", "147.97", "926.77")
    assert line["next_break"] == {"min_quantity": 100, "base_unit_price": "8.50"}
    assert line["surcharges"][0] == {"code": "color", "basis": "percent", "rate": "10", "amount": "0.90"}
    assert quote["totals"] == {"net": "778.80", "tax": "147.97", "gross": "926.77"}
    assert quote["fetched_at"].endswith("Z") and quote["valid_until"].endswith("Z")


def test_a_repeated_query_is_served_from_the_cache(client, erp: FakeErp) -> None:  # type: ignore[no-untyped-def]
    post(client, WORKED)
    again = post(client, WORKED).json
    assert again["source"] == "cache" and again["lines"][0]["source"] == "cache"
    assert erp.count("simulate_prices") == 1


def test_missing_api_key_is_401(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, WORKED, headers={})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert post(client, WORKED, headers={"Authorization": "Bearer wrong-key-000"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (item(quantity=0), 422, "items[0].quantity"),
        (item(quantity=-5), 422, "items[0].quantity"),
        (item(quantity=1_000_001), 422, "items[0].quantity"),
        (item(quantity=1.5), 422, "items[0].quantity"),
        (item(quantity="60"), 422, "items[0].quantity"),
        (item(options={"color": 5}), 422, "items[0].options"),
        (item(colour="gold"), 422, "unknown field"),
        ({**WORKED, "discount": "10"}, 422, "unknown field"),
        ({**WORKED, "items": []}, 422, "items"),
        ({**WORKED, "items": WORKED["items"] * 201}, 422, "items"),
        ({**WORKED, "currency": "euro"}, 422, "currency"),
        ({"currency": "EUR", "items": WORKED["items"]}, 422, "customer_id"),
        ({**WORKED, "items": [WORKED["items"][0], WORKED["items"][0]]}, 422, "line_ref"),
    ],
)
def test_bad_input_is_a_4xx_problem_naming_the_field(client, body, status, needle) -> None:  # type: ignore[no-untyped-def]
    response = post(client, body)
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert needle in response.json["detail"]


def test_malformed_json_is_400(client) -> None:  # type: ignore[no-untyped-def]
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/api/v1/prices", data="{nope", headers=headers)
    assert response.status_code == 400
    assert "Malformed JSON" in response.json["detail"]


def test_a_body_over_one_megabyte_is_413(client) -> None:  # type: ignore[no-untyped-def]
    big = json.dumps({**WORKED, "pad": "x" * 1_100_000})
    response = client.post("/api/v1/prices", data=big, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_unknown_customer_is_404(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, {**WORKED, "customer_id": "C99999"})
    assert response.status_code == 404
    assert response.json["title"] == "Not found"


def test_currency_mismatch_is_422(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, {**WORKED, "currency": "USD"})
    assert response.status_code == 422 and response.json["field"] == "currency"


def test_blocked_customer_gets_blocked_lines(client) -> None:  # type: ignore[no-untyped-def]
    response = post(client, {**WORKED, "customer_id": "C20000"})
    line = response.json["lines"][0]
    assert line["status"] == "blocked" and line["net_unit_price"] is None
    assert response.json["totals"]["gross"] == "0.00"


def test_erp_down_and_nothing_known_is_503_with_retry_after(client, erp: FakeErp, container) -> None:  # type: ignore[no-untyped-def]
    container.catalog.customer("C10000")  # the mirror knows the customer
    erp.fail_with = unavailable()
    response = post(client, WORKED)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.mimetype == "application/problem+json"


def test_erp_down_serves_the_known_quote_marked_stale(client, erp: FakeErp, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    post(client, WORKED)
    clock.advance(120)
    erp.fail_with = unavailable()
    response = post(client, WORKED)
    assert response.status_code == 200
    assert response.json["source"] == "stale" and response.json["lines"][0]["source"] == "stale"
    assert response.json["totals"]["gross"] == "926.77"


def test_products_are_paged_with_a_total(client, container) -> None:  # type: ignore[no-untyped-def]
    container.catalog.sync_from_erp()
    page = client.get("/api/v1/products?limit=1", headers=AUTH).json
    assert page["total"] == 2 and page["limit"] == 1 and [p["sku"] for p in page["items"]] == ["MUG-01"]
    assert page["items"][0]["list_price"] == "12.00"
    assert page["items"][0]["options"][0]["values"][1] == {"code": "gold", "label": "Gold", "sort_order": 1}
    second = client.get("/api/v1/products?offset=1&limit=1", headers=AUTH).json
    assert [p["sku"] for p in second["items"]] == ["PEN-01"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=abc"])
def test_bad_paging_is_422(client, query) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/products?{query}", headers=AUTH)
    assert response.status_code == 422


def test_one_product_with_options_and_404_for_unknown(client, container) -> None:  # type: ignore[no-untyped-def]
    container.catalog.sync_from_erp()
    product = client.get("/api/v1/products/MUG-01", headers=AUTH).json
    assert product["options"][1] == {"code": "engraving", "label": "Engraving", "kind": "text",
                                     "required": False, "values": [], "max_length": None, "default": None}
    assert client.get("/api/v1/products/NOPE", headers=AUTH).status_code == 404
    assert client.get("/api/v1/products/MUG-01").status_code == 401


def test_openapi_and_docs_are_public(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/prices" in document["paths"]
    responses = document["paths"]["/api/v1/prices"]["post"]["responses"]
    assert {"200", "400", "401", "404", "413", "422", "503"} <= set(responses)
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.data
    assert b"//cdn" not in page.data and b"https://" not in page.data
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_a_cache_miss_checks_the_key_and_parses_the_json_once(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import middleware.rest as rest
    import middleware.rest.prices as prices

    calls: list[str] = []

    def counted(name, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(name)
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(rest, "check_bearer", counted("auth", rest.check_bearer))
    monkeypatch.setattr(prices, "check_bearer", counted("auth", prices.check_bearer))
    monkeypatch.setattr(prices, "parse_json", counted("parse", prices.parse_json))
    monkeypatch.setattr(prices, "to_query", counted("parse", prices.to_query))
    response = post(client, WORKED)
    assert response.status_code == 200 and response.json["source"] == "erp"
    assert sorted(calls) == ["auth", "parse"]

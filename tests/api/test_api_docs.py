"""The OpenAPI document a shop developer works from: every operation described with examples that are
valid, order status enums, the guide in info.description, the webhooks section; the /api/v1 index; CORS."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from middleware.app import create_app
from middleware.config import Settings
from middleware.domain.orders import OrderStatus
from middleware.domain.webhooks import EVENT_TYPES
from middleware.rest import openapi
from middleware.services.webhooks import sign
from middleware.wiring import build_container

KEY = "test-shop-key-123"
ORIGIN = "https://configurator.example.com"


@pytest.fixture
def client(database_url: str) -> Iterator[Any]:
    container = build_container(Settings(database_url=database_url, shop_api_keys=(KEY,),
                                         cors_origins=(ORIGIN,)))
    try:
        yield create_app(container=container).test_client()
    finally:
        container.close()


@pytest.fixture
def document(client: Any) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json  # type: ignore[no-any-return]


def _model(name: str) -> type[BaseModel]:
    models = {m.__name__: m for m in openapi._models()}
    return models[name]


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield f"{method.upper()} {path}", op


def test_every_operation_has_a_summary_a_description_and_valid_examples(document: dict[str, Any]) -> None:
    for name, op in _operations(document):
        assert op["summary"] and op["description"] and op["description"] != op["summary"], name
        bodies = [op["requestBody"]["content"]["application/json"]] if "requestBody" in op else []
        bodies += [c for status, r in op["responses"].items() if status.startswith("2")
                   for c in r.get("content", {}).values()]
        for body in bodies:
            assert "example" in body or "examples" in body, f"{name} has no example"
            example = body.get("example", next(iter(body.get("examples", {}).values()), {}).get("value"))
            _model(body["schema"]["$ref"].rsplit("/", 1)[1]).model_validate(example)


def test_order_status_is_an_enum_of_every_status(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["OrderOut"]["properties"]["status"]
    assert set(schema["enum"]) == {s.value for s in OrderStatus}


def test_the_guide_explains_auth_idempotency_provenance_errors_and_webhooks(document: dict[str, Any]) -> None:
    guide = document["info"]["description"]
    for topic in ("Bearer", "Idempotency-Key", "`source`", "problem+json", "X-Middleware-Signature"):
        assert topic in guide


def test_the_webhooks_section_documents_every_event_with_a_valid_example(document: dict[str, Any]) -> None:
    assert set(document["webhooks"]) == set(EVENT_TYPES)
    for event_type, item in document["webhooks"].items():
        body = item["post"]["requestBody"]["content"]["application/json"]
        event = _model("WebhookEvent").model_validate(body["example"])
        assert event.type == event_type


def _snippet(document: dict[str, Any], language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", document["info"]["description"], re.DOTALL)
    assert match, f"no {language} example"
    return match.group(1)


def test_the_python_verification_example_accepts_our_signature_and_rejects_a_forgery(
    document: dict[str, Any],
) -> None:
    import time

    scope: dict[str, Any] = {}
    exec(_snippet(document, "python"), scope)
    body, header = b'{"id":"1"}', sign("whsec_x", int(time.time()), b'{"id":"1"}')
    assert scope["verify"]("whsec_x", header, body)
    assert not scope["verify"]("whsec_x", header, body + b" ")


@pytest.mark.skipif(shutil.which("php") is None, reason="php not installed")
def test_the_php_verification_example_accepts_our_signature_and_rejects_a_forgery(
    document: dict[str, Any],
) -> None:
    import time

    header = sign("whsec_x", int(time.time()), b'{"id":"1"}')
    code = "<?php\n" + _snippet(document, "php") + (
        f"\necho verify('whsec_x', '{header}', '{{\"id\":\"1\"}}') ? 'ok' : 'no';"
        f"\necho verify('whsec_x', '{header}', '{{\"id\":\"2\"}}') ? 'ok' : 'no';"
    )
    result = subprocess.run(["php"], input=code, capture_output=True, text=True, timeout=30, check=True)
    assert result.stdout == "okno"


def test_the_api_index_answers_without_a_key(client: Any) -> None:
    for path in ("/api/v1", "/api/v1/"):
        index = client.get(path)
        assert index.status_code == 200, path
        assert index.json["openapi"] == "/api/v1/openapi.json"
        assert {"method": "POST", "path": "/api/v1/orders"} in [
            {k: e[k] for k in ("method", "path")} for e in index.json["endpoints"]]


def test_a_preflight_from_an_allowed_origin_is_answered_before_authentication(client: Any) -> None:
    response = client.options("/api/v1/prices", headers={"Origin": ORIGIN,
                                                         "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_allowed_origins_get_the_header_on_products_but_others_and_orders_do_not(client: Any) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    products = client.get("/api/v1/products", headers={"Origin": ORIGIN, **auth})
    assert products.headers["Access-Control-Allow-Origin"] == ORIGIN
    other = client.get("/api/v1/products", headers={"Origin": "https://evil.example", **auth})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    orders = client.options("/api/v1/orders", headers=preflight)
    assert "Access-Control-Allow-Origin" not in orders.headers


def test_nothing_is_allowed_by_default(database_url: str) -> None:
    container = build_container(Settings(database_url=database_url, shop_api_keys=(KEY,)))
    try:
        client = create_app(container=container).test_client()
        response = client.options("/api/v1/prices", headers={"Origin": ORIGIN,
                                                             "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in response.headers
    finally:
        container.close()


def test_cors_origins_must_be_origins() -> None:
    from middleware.errors import ConfigError

    with pytest.raises(ConfigError, match="MIDDLEWARE_CORS_ORIGINS"):
        Settings.from_env({"MIDDLEWARE_CORS_ORIGINS": "https://shop.example.com/path"})
    parsed = Settings.from_env({"MIDDLEWARE_CORS_ORIGINS": "https://a.example, http://b.example:8080"})
    assert parsed.cors_origins == ("https://a.example", "http://b.example:8080")


def test_the_example_order_in_docs_orders_md_is_a_valid_order_body() -> None:
    from pathlib import Path

    from middleware.rest.orders import OrderIn

    text = (Path(__file__).resolve().parents[2] / "docs" / "orders.md").read_text()
    body = re.search(r"-d '(\{.*?\})'", text, re.DOTALL)
    assert body, "docs/orders.md has no example order"
    order = OrderIn.model_validate_json(body.group(1))
    assert order.lines[0].sku == "MUG-01"

"""POST/GET/DELETE /api/v1/webhook-endpoints and POST .../{id}/test: the shop manages where events go."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from ..domain.webhooks import ENV_ENDPOINT_ID, EVENT_TYPES, WebhookEndpoint
from . import api
from .openapi import Problem, documented
from .parsing import parse_json

EventType = Literal[
    "order.accepted", "order.rejected", "order.on_hold", "order.shipped", "order.invoiced", "order.cancelled"
]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]
EXAMPLE_ID = "we_3f9a1c2b7d4e5f60"
TAGS = ("webhooks",)
PROBLEMS = {401: ("Missing or wrong API key", Problem)}


class WebhookEndpointIn(BaseModel):
    """A new endpoint: where to POST, and which events (none listed: all of them)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": "https://shop.example.com/hooks/erp", "event_types": ["order.accepted", "order.shipped"],
         "description": "order status for the storefront"}]})

    url: Annotated[str, Field(min_length=8, max_length=2000)]
    event_types: Annotated[list[EventType], Field(max_length=len(EVENT_TYPES))] = []
    description: Annotated[str, Field(max_length=200)] = ""


class WebhookEndpointOut(BaseModel):
    """A webhook endpoint; `source` is `environment` for MIDDLEWARE_STATUS_WEBHOOK_URL (read-only)."""

    id: str
    url: str
    event_types: list[EventType]
    description: str
    created_at: datetime | None
    source: Literal["api", "environment"]


class WebhookEndpointCreated(WebhookEndpointOut):
    """The new endpoint with its signing secret: shown this once, store it now."""

    secret: str


class WebhookEndpointList(BaseModel):
    """Every endpoint (secrets are never listed)."""

    items: list[WebhookEndpointOut]


class WebhookTestOut(BaseModel):
    """What the endpoint answered to the signed `webhook.test` event."""

    delivered: bool
    status_code: int | None
    error: str | None


def _out(e: WebhookEndpoint) -> dict[str, object]:
    source: Literal["api", "environment"] = "environment" if e.endpoint_id == ENV_ENDPOINT_ID else "api"
    return WebhookEndpointOut(
        id=e.endpoint_id, url=e.url, event_types=list(e.event_types), description=e.description,  # type: ignore[arg-type]
        created_at=e.created_at, source=source,
    ).model_dump(mode="json")


def _service():  # type: ignore[no-untyped-def]
    return current_app.extensions["middleware"].webhook_endpoints


EXAMPLE_OUT = {
    "id": EXAMPLE_ID,
    "url": "https://shop.example.com/hooks/erp",
    "event_types": ["order.accepted", "order.shipped"],
    "description": "order status for the storefront",
    "created_at": "2026-11-23T10:00:00Z",
    "source": "api",
}


@api.post("/webhook-endpoints")
@documented(
    "post", "/webhook-endpoints", summary="Register a webhook endpoint", tags=TAGS,
    description="Events for the listed types (all when `event_types` is empty) are POSTed to `url`, signed "
    "with the secret in this answer. The secret is shown only here: store it. See `webhooks` for the events.",
    request=WebhookEndpointIn,
    responses={201: ("Created; holds the signing secret, shown once", WebhookEndpointCreated),
               409: ("Too many endpoints", Problem), 422: ("Invalid URL or event type", Problem), **PROBLEMS},
    examples={201: {**EXAMPLE_OUT, "secret": "whsec_1x9...keep-me-secret"}},
)
def create_webhook_endpoint() -> tuple[Response, int]:
    """Register an endpoint; the answer carries its secret."""
    body = parse_json(request, WebhookEndpointIn, 16 * 1024)
    endpoint = _service().create(body.url, body.event_types, body.description)
    return jsonify({**_out(endpoint), "secret": endpoint.secret}), 201


@api.get("/webhook-endpoints")
@documented(
    "get", "/webhook-endpoints", summary="List webhook endpoints", tags=TAGS,
    description="Every endpoint, the environment's first; secrets are never shown again.",
    responses={200: ("The endpoints", WebhookEndpointList), **PROBLEMS},
    examples={200: {"items": [EXAMPLE_OUT]}},
)
def list_webhook_endpoints() -> Response:
    """Every endpoint."""
    return jsonify({"items": [_out(e) for e in _service().list()]})


@api.get("/webhook-endpoints/<endpoint_id>")
@documented(
    "get", "/webhook-endpoints/{endpoint_id}", summary="One webhook endpoint", tags=TAGS,
    description="The endpoint without its secret.",
    responses={200: ("The endpoint", WebhookEndpointOut), 404: ("Unknown endpoint", Problem), **PROBLEMS},
    examples={200: EXAMPLE_OUT},
)
def get_webhook_endpoint(endpoint_id: str) -> Response:
    """One endpoint."""
    return jsonify(_out(_service().get(endpoint_id)))


@api.delete("/webhook-endpoints/<endpoint_id>")
@documented(
    "delete", "/webhook-endpoints/{endpoint_id}", summary="Remove a webhook endpoint", tags=TAGS,
    description="No further events are sent to it; queued deliveries to it are dropped. The environment's "
    "endpoint cannot be removed here (409).",
    responses={204: ("Removed", None), 404: ("Unknown endpoint", Problem),
               409: ("The environment's endpoint", Problem), **PROBLEMS},
)
def delete_webhook_endpoint(endpoint_id: str) -> tuple[str, int]:
    """Remove an endpoint."""
    _service().delete(endpoint_id)
    return "", 204


@api.post("/webhook-endpoints/<endpoint_id>/test")
@documented(
    "post", "/webhook-endpoints/{endpoint_id}/test", summary="Send a signed test event now", tags=TAGS,
    description="POSTs a `webhook.test` event, signed like every other, and reports what the endpoint "
    "answered. It is not queued or retried.",
    responses={200: ("The endpoint's answer", WebhookTestOut), 404: ("Unknown endpoint", Problem),
               **PROBLEMS},
    examples={200: {"delivered": True, "status_code": 200, "error": None}},
)
def test_webhook_endpoint(endpoint_id: str) -> Response:
    """Send a test event."""
    container = current_app.extensions["middleware"]
    result = container.webhooks.send_test(container.webhook_endpoints.get(endpoint_id))
    return jsonify(WebhookTestOut(delivered=result.delivered, status_code=result.status_code,
                                  error=result.error).model_dump(mode="json"))

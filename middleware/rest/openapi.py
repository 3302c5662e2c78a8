"""OpenAPI 3.1 built from the routes' own pydantic schemas (pydantic emits JSON Schema 2020-12)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .guide import GUIDE

F = TypeVar("F", bound=Callable[..., Any])


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    field: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Operation:
    """One documented route."""

    method: str
    path: str
    summary: str
    request: type[BaseModel] | None
    responses: dict[int, tuple[str, type[BaseModel] | None]]
    tags: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    query: dict[str, str] = field(default_factory=dict)
    description: str = ""
    examples: dict[int | str, Any] = field(default_factory=dict)  # status (or "request") -> example body


REGISTRY: list[Operation] = []
WEBHOOKS: dict[str, tuple[str, type[BaseModel], Any]] = {}  # event type -> (summary, model, example)


def documented(
    method: str,
    path: str,
    *,
    summary: str,
    responses: dict[int, tuple[str, type[BaseModel] | None]],
    request: type[BaseModel] | None = None,
    tags: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
    query: dict[str, str] | None = None,
    description: str = "",
    examples: dict[int | str, Any] | None = None,
) -> Callable[[F], F]:
    """Record a route for the OpenAPI document; `path` uses {name} placeholders under /api/v1."""

    def register(func: F) -> F:
        REGISTRY.append(
            Operation(method.lower(), path, summary, request, responses, tags, headers, query or {},
                      description, examples or {})
        )
        return func

    return register


def documented_webhook(event_type: str, summary: str, model: type[BaseModel], example: Any) -> None:
    """Record an event the middleware POSTs to the shop's webhook endpoints."""
    WEBHOOKS[event_type] = (summary, model, example)


def _webhook(summary: str, model: type[BaseModel], example: Any) -> dict[str, Any]:
    signed = "Signed in `X-Middleware-Signature` (see the description above); id in `X-Middleware-Event-Id`."
    return {"post": {
        "summary": summary,
        "description": f"{summary}. {signed}",
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(model),
                                                                           "example": example}}},
        "responses": {"200": {"description": "Any 2xx: received; anything else is retried with backoff"}},
    }}


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {"Problem": Problem}
    for _summary, event, _example in WEBHOOKS.values():
        seen[event.__name__] = event
    for op in REGISTRY:
        for model in [op.request, *(m for _, m in op.responses.values())]:
            if model is not None:
                seen[model.__name__] = model
    return list(seen.values())


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(op: Operation) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    params += [
        {"name": h, "in": "header", "required": False, "schema": {"type": "string"}} for h in op.headers
    ]
    params += [
        {"name": q, "in": "query", "required": False, "schema": {"type": "string"}, "description": d}
        for q, d in op.query.items()
    ]
    responses: dict[str, Any] = {}
    for status, (description, model) in sorted(op.responses.items()):
        entry: dict[str, Any] = {"description": description}
        if model is not None:
            media = "application/problem+json" if model is Problem else "application/json"
            entry["content"] = {media: _media(model, op.examples.get(status), status)}
        responses[str(status)] = entry
    out: dict[str, Any] = {
        "summary": op.summary,
        "description": op.description or op.summary,
        "tags": list(op.tags),
        "responses": responses,
    }
    if params:
        out["parameters"] = params
    if op.request is not None:
        content = {"application/json": _media(op.request, op.examples.get("request"), None)}
        out["requestBody"] = {"required": True, "content": content}
    return out


def _media(model: type[BaseModel], example: Any, status: int | None) -> dict[str, Any]:
    """The schema reference and one example: the operation's own, the model's, or a generic problem."""
    media: dict[str, Any] = {"schema": _ref(model)}
    if example is None and model is Problem and status is not None:
        example = problem_example(status)
    if example is None:
        extra = model.model_config.get("json_schema_extra")
        examples = extra.get("examples") if isinstance(extra, dict) else None
        example = examples[0] if isinstance(examples, list) and examples else None
    if example is not None:
        media["example"] = example
    return media


def problem_example(status: int) -> dict[str, Any]:
    """A problem+json body as the API sends it for `status`."""
    titles = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict",
              413: "Content Too Large", 422: "Unprocessable Content", 503: "Service Unavailable"}
    details = {401: "Missing or wrong API key.", 404: "order 'WEB-100001' not found",
               422: "lines[0].quantity: Input should be greater than 0", 409: "order 'WEB-100001' was "
               "received before with different content"}
    body: dict[str, Any] = {"type": "about:blank", "title": titles.get(status, "Error"), "status": status,
                            "detail": details.get(status, titles.get(status, "Error"))}
    if status == 422:
        body["field"] = "lines[0].quantity"
    return body


def build_document(version: str, server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document for every registered route."""
    _, schemas = models_json_schema(
        [(m, "validation") for m in _models()], ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in REGISTRY:
        paths.setdefault("/api/v1" + op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ERP middleware shop API", "version": version, "description": GUIDE},
        "servers": [{"url": server_url}],
        "paths": paths,
        "webhooks": {name: _webhook(*entry) for name, entry in WEBHOOKS.items()},
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }

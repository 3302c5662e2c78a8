"""OpenAPI 3.1 built from the routes' own pydantic schemas (pydantic emits JSON Schema 2020-12)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

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


REGISTRY: list[Operation] = []


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
) -> Callable[[F], F]:
    """Record a route for the OpenAPI document; `path` uses {name} placeholders under /api/v1."""

    def register(func: F) -> F:
        REGISTRY.append(
            Operation(
                method.lower(), path, summary, request, responses, tags, headers, query or {}, description
            )
        )
        return func

    return register


def _models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {"Problem": Problem}
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
            entry["content"] = {media: {"schema": _ref(model)}}
        responses[str(status)] = entry
    out: dict[str, Any] = {"summary": op.summary, "tags": list(op.tags), "responses": responses}
    if op.description:
        out["description"] = op.description
    if params:
        out["parameters"] = params
    if op.request is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(op.request)}}}
    return out


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
        "info": {"title": "ERP middleware shop API", "version": version},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }

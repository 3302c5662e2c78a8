"""Parse request bodies at the edge into pydantic models, or a precise InputError."""

from __future__ import annotations

from typing import TypeVar

from flask import Request
from pydantic import BaseModel, ValidationError

from ..errors import InputError

M = TypeVar("M", bound=BaseModel)


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def parse_json(request: Request, model: type[M], max_bytes: int) -> M:
    """Validate the JSON body against `model`; InputError names the first bad field."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise InputError(f"Request body exceeds {max_bytes} bytes.")
    if not request.mimetype or request.mimetype != "application/json":
        raise InputError("Content-Type must be application/json.")
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise InputError(f"Request body exceeds {max_bytes} bytes.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = _location(tuple(first["loc"]))
        if first["type"] == "json_invalid":
            raise InputError(f"Malformed JSON: {first['msg']}.") from None
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        raise InputError(f"{where}: {message}", field=where) from None

"""The id of the request being served, carried in a contextvar into logs and ERP calls."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_current: ContextVar[str | None] = ContextVar("middleware_request_id", default=None)


def accept_or_generate(candidate: str | None) -> str:
    """The caller's id when it is short and printable, else a fresh one (keeps logs injection-free)."""
    if candidate and _SANE.match(candidate):
        return candidate
    return uuid.uuid4().hex


def current() -> str | None:
    """The request id of the current context, if any."""
    return _current.get()


def set_current(request_id: str | None) -> object:
    """Bind a request id to the current context; returns a token for reset()."""
    return _current.set(request_id)


def reset(token: object) -> None:
    """Undo a set_current()."""
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def bound(request_id: str | None = None) -> Iterator[str]:
    """Run a block (a background job) under a request id of its own."""
    rid = request_id or uuid.uuid4().hex
    token = _current.set(rid)
    try:
        yield rid
    finally:
        _current.reset(token)

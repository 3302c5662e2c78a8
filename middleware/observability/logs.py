"""Logging set-up: text or JSON lines, request id on every record, secrets masked."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from . import requestid
from .redact import Redactor

# Attributes every LogRecord has; anything else was passed via `extra=` and goes into the JSON line.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (from the contextvar) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = requestid.current() or "-"
        return True


class RedactingFilter(logging.Filter):
    """Masks known secrets in the rendered message and the exception text."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in payload:
                payload[key] = value
        if record.exc_info or record.exc_text:
            payload["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# line breaks of every kind and the other control characters: from outside they could forge log lines
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """`text` on one line: control characters written as escapes (`\\r`, `\\n`, `\\x1b`)."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT with the message on one line; traceback lines indented, so no line can pose as a record."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        saved = record.msg, record.args, getattr(record, "request_id", "-")
        record.msg, record.args = escape_controls(record.getMessage()), None
        record.request_id = escape_controls(str(saved[2]))
        try:
            first, *rest = super().format(record).split("\n")
        finally:
            record.msg, record.args, record.request_id = saved
        return "\n".join([first, *("    " + line for line in rest)])


def secret_values(settings: Any) -> list[str]:
    """Every secret setting's value (plain strings and tuples of keys)."""
    from dataclasses import fields

    values: list[str] = []
    for f in fields(settings):
        if not f.metadata.get("secret"):
            continue
        value = getattr(settings, f.name)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, tuple | list):
            values.extend(str(v) for v in value)
    return values


def make_handler(settings: Any, stream: Any = None) -> logging.Handler:
    """A stderr handler in the configured format with request ids and secret masking."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter(Redactor(secret_values(settings))))
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter())
    return handler


def configure(settings: Any, stream: Any = None) -> None:
    """Install the handler on the root logger (replacing earlier ones) at settings.log_level."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(settings, stream))
    root.setLevel(settings.log_level)
    # zeep dumps whole HTTP bodies (WS-Security passwords included) at DEBUG: never let them through
    logging.getLogger("zeep").setLevel(max(logging.INFO, root.level))

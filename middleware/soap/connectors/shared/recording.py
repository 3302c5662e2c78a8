"""Recording every SOAP message a connector exchanges as `ErpMessage`s (the admin's message view).

`MessageRecorder` serves connectors that build envelopes themselves; `ZeepRecordingPlugin` adapts it to zeep's
plugin hooks. Both send the current request id as `X-Request-ID`, so one id links shop request, our logs and
the ERP's logs. Masking secrets and truncating is the sink's business (wiring hands a masking sink).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from lxml import etree
from zeep import Plugin

from ....ports.erp import ConnectorConfig, ErpMessage

log = logging.getLogger(__name__)


def find_subject(envelope: Any, fields: Sequence[str]) -> str | None:
    """The first non-empty text of any of `fields` (the shop's order number), in any namespace."""
    # lxml searches in C; a Python walk over every element cost ~1 ms on a 48-line answer
    for name in fields:
        for element in envelope.iterfind(f".//{{*}}{name}"):
            text = (element.text or "").strip()
            if text:
                return text[:128]
    return None


def is_fault(envelope: Any) -> bool:
    """Whether a SOAP Fault stands anywhere in the envelope."""
    return envelope.find(".//{*}Fault") is not None


def operation_name(operation: Any) -> str:
    """zeep's operation name without rendering its whole signature."""
    # getattr's default would be evaluated on every call: str() renders zeep's whole signature
    return getattr(operation, "name", None) or str(operation)


class MessageRecorder:
    """Records one connector's request/answer pairs; egress and ingress of one call run on one thread."""

    def __init__(self, config: ConnectorConfig, subject_fields: Sequence[str] = ()) -> None:
        self._record = config.record
        self.request_id = config.request_id
        self._fields = tuple(subject_fields)
        self._local = threading.local()

    @property
    def enabled(self) -> bool:
        """Whether anything is recorded (the envelope is only rendered then)."""
        return self._record is not None

    def _safe(self, message: ErpMessage) -> None:
        if self._record is None:
            return
        try:
            self._record(message)
        except Exception:  # the audit trail must never break an ERP call
            log.exception("could not audit ERP message")

    def headers(self) -> dict[str, str]:
        """The request id header for an outgoing call."""
        rid = self.request_id()
        return {"X-Request-ID": rid} if rid else {}

    def request(self, operation: str, envelope: Any, subject: str | None = None) -> None:
        """Record an outgoing envelope (an lxml element or its bytes); `subject` when the caller knows it."""
        if subject is None and self._fields:
            subject = find_subject(envelope, self._fields)
        self._local.call = (operation, subject, time.perf_counter())
        if self.enabled:
            self._safe(ErpMessage(operation, "request", _text(envelope), subject=subject))

    def answer(self, operation: str, envelope: Any) -> None:
        """Record the answer (or fault) under the request's subject."""
        sent, subject, started = getattr(self._local, "call", (operation, None, None))
        duration = (time.perf_counter() - started) * 1000 if started and sent == operation else None
        if not self.enabled:
            return
        if subject is None and self._fields:
            subject = find_subject(envelope, self._fields)
        kind = "fault" if is_fault(envelope) else "response"
        self._safe(ErpMessage(operation, kind, _text(envelope), subject=subject,
                              duration_ms=round(duration, 1) if duration else None))


def _text(envelope: Any) -> str:
    if isinstance(envelope, bytes | str):
        return envelope.decode("utf-8", "replace") if isinstance(envelope, bytes) else envelope
    return str(etree.tostring(envelope, pretty_print=True, encoding="unicode"))


class ZeepRecordingPlugin(Plugin):  # type: ignore[misc]
    """zeep's egress/ingress hooks feeding a MessageRecorder."""

    def __init__(self, recorder: MessageRecorder) -> None:
        self.recorder = recorder

    def egress(
        self, envelope: Any, http_headers: dict[str, str], operation: Any, binding_options: Any
    ) -> tuple[Any, dict[str, str]]:
        """Record the request and pass the request id on."""
        http_headers.update(self.recorder.headers())
        self.recorder.request(operation_name(operation), envelope)
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> tuple[Any, Any]:
        """Record the answer."""
        self.recorder.answer(operation_name(operation), envelope)
        return envelope, http_headers

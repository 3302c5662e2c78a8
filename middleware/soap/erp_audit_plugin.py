"""A zeep plugin that audits every SOAP envelope sent to and received from the ERP (secrets masked).

It also sends the current request id as `X-Request-ID`, so one id links shop request, our logs and
the ERP's logs. Plug it in with `client.plugins.append(ErpAuditPlugin(...))` (bootstrap does).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from zeep import Plugin

from ..ports.admin import ERP_OUT, AuditEntry

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
# The order number travels as ExternalDocumentNo; it keys the audit rows the order page reads.
SUBJECT_FIELDS = ("ExternalDocumentNo",)


def _subject(envelope: Any) -> str | None:
    # lxml searches in C; a Python walk over every element cost ~1 ms on a 48-line answer
    for name in SUBJECT_FIELDS:
        for element in envelope.iterfind(f".//{{*}}{name}"):
            text = (element.text or "").strip()
            if text:
                return text[:128]
    return None


def _is_fault(envelope: Any) -> bool:
    return envelope.find(".//{*}Fault") is not None


def _operation_name(operation: Any) -> str:
    # getattr's default would be evaluated on every call: str() renders zeep's whole signature
    return getattr(operation, "name", None) or str(operation)


class ErpAuditPlugin(Plugin):  # type: ignore[misc]
    """Records each outgoing request and incoming answer via `record(AuditEntry)`."""

    def __init__(
        self,
        record: Callable[[AuditEntry], None],
        request_id: Callable[[], str | None],
        redact: Callable[[str], str],
    ) -> None:
        self._record = record
        self._request_id = request_id
        self._redact = redact
        self._local = threading.local()  # egress and ingress of one call run on the same thread

    def _text(self, envelope: Any) -> str:
        text = etree.tostring(envelope, pretty_print=True, encoding="unicode")
        return self._redact(text[:MAX_BODY])

    def _safe_record(self, entry: AuditEntry) -> None:
        try:
            self._record(entry)
        except Exception:  # the audit trail must never break an ERP call
            log.exception("could not audit ERP message")

    def egress(
        self, envelope: Any, http_headers: dict[str, str], operation: Any, binding_options: Any
    ) -> tuple[Any, dict[str, str]]:
        """Audit the request and pass the request id on."""
        rid = self._request_id()
        if rid:
            http_headers["X-Request-ID"] = rid
        name = _operation_name(operation)
        subject = _subject(envelope)
        self._local.call = (name, subject, time.perf_counter())
        self._safe_record(
            AuditEntry(
                category=ERP_OUT,
                action=name,
                kind="request",
                at=datetime.now(UTC),
                subject=subject,
                request_id=rid,
                body=self._text(envelope),
            )
        )
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> tuple[Any, Any]:
        """Audit the answer (or fault) under the request's subject."""
        name = _operation_name(operation)
        sent_name, subject, started = getattr(self._local, "call", (name, None, None))
        duration = (time.perf_counter() - started) * 1000 if started and sent_name == name else None
        fault = _is_fault(envelope)
        self._safe_record(
            AuditEntry(
                category=ERP_OUT,
                action=name,
                kind="fault" if fault else "response",
                at=datetime.now(UTC),
                subject=subject or _subject(envelope),
                outcome="fault" if fault else "ok",
                request_id=self._request_id(),
                duration_ms=round(duration, 1) if duration else None,
                body=self._text(envelope),
            )
        )
        return envelope, http_headers

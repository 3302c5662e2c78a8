"""The audit sink for connector messages: each `ErpMessage` masked, truncated and stored as an AuditEntry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from ..ports.admin import ERP_OUT, AuditEntry
from ..ports.erp import ErpMessage

MAX_BODY = 64 * 1024
_OUTCOME = {"request": None, "response": "ok", "fault": "fault"}


class ErpMessageAudit:
    """Turns ErpMessages into ERP_OUT audit entries with secrets masked."""

    def __init__(
        self,
        record: Callable[[AuditEntry], None],
        request_id: Callable[[], str | None],
        redact: Callable[[str], str],
    ) -> None:
        self._record = record
        self._request_id = request_id
        self._redact = redact

    def __call__(self, message: ErpMessage) -> None:
        """Record one message."""
        self._record(
            AuditEntry(
                category=ERP_OUT,
                action=message.operation,
                kind=message.kind,
                at=datetime.now(UTC),
                subject=message.subject,
                outcome=_OUTCOME.get(message.kind),
                request_id=self._request_id(),
                duration_ms=message.duration_ms,
                body=self._redact(message.body[:MAX_BODY]),
            )
        )

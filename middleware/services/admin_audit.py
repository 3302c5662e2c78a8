"""Who did what: every admin action (page, CLI, sign-in/out) recorded, and the audit trail read back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import InputError, NotFound
from ..ports.admin import ADMIN, ERP_IN, AuditEntry, AuditLog
from ..ports.audit_pages import AuditQueries
from ..ports.clock import Clock

PAGE_SIZE = 50
CATEGORIES = (ADMIN, ERP_IN)


class AdminAudit:
    """Records admin actions synchronously and reads the audit trail for the audit page."""

    def __init__(
        self, clock: Clock, log: AuditLog | None = None, queries: AuditQueries | None = None
    ) -> None:
        self.clock = clock
        self.log = log
        self.queries = queries

    def page(self, category: str, action: str, actor: str, page_no: int) -> tuple[list[AuditEntry], int]:
        """One page (PAGE_SIZE) of admin actions or inbound calls, filtered by action and actor."""
        if category not in CATEGORIES:
            raise InputError(f"unknown category {category!r}", "category")
        if self.queries is None:
            return [], 0
        offset = (max(page_no, 1) - 1) * PAGE_SIZE
        return self.queries.page(category, action[:64], actor[:64], offset, PAGE_SIZE)

    def actions(self, category: str) -> list[str]:
        """The actions a filter can choose from."""
        return self.queries.actions(category) if self.queries else []

    def record(self, actor: str, action: str, subject: str | None, outcome: str, **detail: Any) -> None:
        """Store one admin action."""
        if self.log is not None:
            self.log.record(
                AuditEntry(
                    category=ADMIN,
                    action=action,
                    kind="action",
                    at=self.clock.now(),
                    actor=actor,
                    subject=subject,
                    outcome=outcome[:32],
                    detail=detail,
                )
            )

    def act(self, actor: str, action: str, subject: str | None, run: Callable[[], str], **detail: Any) -> str:
        """Run an action and record it as done (with its result) or failed (with the error)."""
        try:
            result = run()
        except Exception as exc:
            self.record(actor, action, subject, "failed", error=str(exc)[:300], **detail)
            raise
        self.record(actor, action, subject, "done", result=result, **detail)
        return result

    def record_sign_in(self, actor: str, success: bool, remote: str | None) -> None:
        """Audit a sign-in attempt (the name typed, never the password)."""
        self.record(actor[:64], "sign_in", None, "ok" if success else "refused", remote=remote)

    def record_sign_out(self, actor: str, remote: str | None) -> None:
        """Audit a sign-out."""
        self.record(actor[:64], "sign_out", None, "ok", remote=remote)

    def recent_inbound(self, limit: int = 20) -> list[AuditEntry]:
        """The latest inbound SOAP calls."""
        return self.log.recent(ERP_IN, limit) if self.log else []

    def recent_actions(self, limit: int = 50) -> list[AuditEntry]:
        """The latest admin actions."""
        return self.log.recent(ADMIN, limit) if self.log else []

    def entry(self, entry_id: int) -> AuditEntry:
        """One audit entry (a full SOAP message); NotFound if absent."""
        found = self.log.get(entry_id) if self.log else None
        if found is None:
            raise NotFound("audit entry", str(entry_id))
        return found

    def about(self, subject: str) -> list[AuditEntry]:
        """Every entry about one subject (an order number), oldest first."""
        return self.log.for_subject(subject) if self.log else []

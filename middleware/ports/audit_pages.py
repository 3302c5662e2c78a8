"""The audit page's paged, filtered reading of the audit log."""

from __future__ import annotations

from typing import Protocol

from .admin import AuditEntry


class AuditQueries(Protocol):
    """Entries of a category by action and actor (store.audit_queries implements it)."""

    def page(
        self, category: str, action: str, actor: str, offset: int, limit: int
    ) -> tuple[list[AuditEntry], int]:
        """Matching entries, newest first, and how many match in all."""
        ...

    def actions(self, category: str) -> list[str]:
        """The actions recorded in a category."""
        ...

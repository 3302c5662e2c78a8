"""The audit page: entries of one category filtered by action and actor, newest first, paged."""

from __future__ import annotations

from sqlalchemy import func, select

from ..ports.admin import AuditEntry
from .audit_repo import _entry
from .audit_tables import audit_log
from .db import Database


class SqlAuditQueries:
    """Implements ports.audit_pages.AuditQueries."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(
        self, category: str, action: str, actor: str, offset: int, limit: int
    ) -> tuple[list[AuditEntry], int]:
        """Entries and how many match in all."""
        where = [audit_log.c.category == category]
        if action:
            where.append(audit_log.c.action == action)
        if actor:
            where.append(audit_log.c.actor == actor)
        with self.db.read() as conn:
            total = conn.execute(select(func.count()).select_from(audit_log).where(*where)).scalar_one()
            newest = (audit_log.c.at.desc(), audit_log.c.id.desc())
            rows = conn.execute(select(audit_log).where(*where).order_by(*newest).offset(offset).limit(limit))
            return [_entry(r) for r in rows], int(total)

    def actions(self, category: str) -> list[str]:
        """The actions recorded in a category (for the filter)."""
        with self.db.read() as conn:
            return sorted(conn.execute(select(audit_log.c.action).where(audit_log.c.category == category)
                                       .distinct()).scalars())

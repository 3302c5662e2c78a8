"""Open findings for the admin: true counts (GROUP BY, not a capped list), pages, bulk resolve, rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, not_, select, update

from ..ports.admin import OpenFinding
from ..ports.findings import FindingPage, IgnoreRule
from .db import Database
from .finding_rule_tables import finding_ignore_rules as rules_table
from .reconcile_tables import findings


def _rule(row: Any) -> IgnoreRule:
    return IgnoreRule(int(row.id), row.kind, row.subject_prefix, row.note, row.created_by, row.created_at)


class SqlFindingQueries:
    """Implements ports.findings.FindingQueries over the findings and rules tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _open(self, conn: Any, kind: str | None = None, severity: str | None = None) -> Any:
        condition: list[Any] = [findings.c.resolved_at.is_(None)]
        for r in conn.execute(select(rules_table)).all():
            condition.append(not_(and_(findings.c.kind == r.kind,
                                       findings.c.subject.startswith(r.subject_prefix, autoescape=True))))
        if kind:
            condition.append(findings.c.kind == kind)
        if severity:
            condition.append(findings.c.severity == severity)
        return and_(*condition)

    def open_counts(self) -> dict[tuple[str, str], int]:
        """Open findings by (kind, severity), ignored ones left out."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(findings.c.kind, findings.c.severity, func.count())
                .where(self._open(conn)).group_by(findings.c.kind, findings.c.severity)
            ).all()
        return {(k, s): int(n) for k, s, n in rows}

    def page(self, kind: str | None, severity: str | None, offset: int, limit: int) -> FindingPage:
        """Open findings matching the filters, most recently seen first, and their total."""
        with self.db.read() as conn:
            where = self._open(conn, kind, severity)
            total = conn.execute(select(func.count()).select_from(findings).where(where)).scalar_one()
            rows = conn.execute(
                select(findings).where(where)
                .order_by(findings.c.last_seen.desc(), findings.c.id.desc()).offset(offset).limit(limit)
            ).all()
        items = [OpenFinding(str(r.id), r.kind, r.severity, r.subject, r.message, r.first_seen) for r in rows]
        return FindingPage(items, int(total), offset, limit)

    def resolve(self, ids: list[int], at: datetime, resolution: str) -> int:
        """Resolve the open findings with these ids."""
        with self.db.write() as conn:
            result = conn.execute(
                update(findings).where(findings.c.id.in_(ids), findings.c.resolved_at.is_(None))
                .values(resolved_at=at, resolution=resolution[:255])
            )
        return int(result.rowcount or 0)

    def resolve_matching(self, kind: str | None, severity: str | None, at: datetime, resolution: str) -> int:
        """Resolve every open, not ignored finding matching the filters."""
        with self.db.write() as conn:
            result = conn.execute(
                update(findings).where(self._open(conn, kind, severity))
                .values(resolved_at=at, resolution=resolution[:255])
            )
        return int(result.rowcount or 0)

    def rules(self) -> list[IgnoreRule]:
        """Every ignore rule, oldest first."""
        with self.db.read() as conn:
            return [_rule(r) for r in conn.execute(select(rules_table).order_by(rules_table.c.id)).all()]

    def add_rule(self, kind: str, subject_prefix: str, note: str, actor: str, at: datetime) -> IgnoreRule:
        """Store a rule."""
        values = {"kind": kind, "subject_prefix": subject_prefix, "note": note, "created_by": actor,
                  "created_at": at}
        with self.db.write() as conn:
            rule_id = conn.execute(insert(rules_table).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        return IgnoreRule(int(rule_id), kind, subject_prefix, note, actor, at)

    def delete_rule(self, rule_id: int) -> bool:
        """Remove a rule."""
        with self.db.write() as conn:
            result = conn.execute(delete(rules_table).where(rules_table.c.id == rule_id))
        return int(result.rowcount or 0) == 1

"""The audit table: every admin action and every message exchanged with the ERP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Float, Index, Integer, String, Table, Text, TypeDecorator

from .db import metadata


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        # SQLite keeps naive UTC text that sorts correctly (same as the order tables)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("category", String(16), nullable=False),  # admin | erp_out | erp_in
    Column("action", String(64), nullable=False),  # admin action name or SOAP operation
    Column("kind", String(16), nullable=False, default=""),  # request | response | fault | error | call
    Column("actor", String(64)),
    Column("subject", String(128)),  # order number, finding id, job id
    Column("outcome", String(32)),
    Column("request_id", String(128)),
    Column("duration_ms", Float),
    Column("body", Text),  # masked SOAP envelope(s)
    Column("detail", Text),  # JSON object
    Index("ix_audit_log_subject_at", "subject", "at"),
    Index("ix_audit_log_category_at", "category", "at"),
    Index("ix_audit_log_at", "at"),
)


def as_utc(value: datetime | str | None) -> datetime | None:
    """An aggregate's timestamp (SQLite may hand back text) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

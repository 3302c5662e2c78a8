"""The audit table: every admin action and every message exchanged with the ERP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from .column_types import UtcDateTime
from .db import metadata

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

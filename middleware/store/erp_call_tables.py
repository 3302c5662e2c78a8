"""ERP call outcomes per minute, node and operation (the admin's cluster-wide ERP link and charts)."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, Text

from .column_types import UtcDateTime
from .db import metadata

erp_call_minutes = Table(
    "erp_call_minutes",
    metadata,
    Column("minute", UtcDateTime, primary_key=True),
    Column("node", String(128), primary_key=True),
    Column("operation", String(64), primary_key=True),
    Column("calls", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("total_ms", Float, nullable=False),
    Column("buckets", Text, nullable=False),  # JSON list of counts per latency bucket
    Column("last_success_at", UtcDateTime),
    Column("last_failure_at", UtcDateTime),
    Column("last_failure", Text),
)

"""The webhook endpoints registered over the API (deliveries live in the outbox)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from .column_types import UtcDateTime
from .db import metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("endpoint_id", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("event_types", Text, nullable=False),  # space-separated
    Column("secret", String(128), nullable=False),
    Column("description", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
)

"""Rules that keep findings about other channels' ERP orders off the findings page and its counts."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from .column_types import ID, UtcDateTime
from .db import metadata

finding_ignore_rules = Table(
    "finding_ignore_rules",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("subject_prefix", String(64), nullable=False),
    Column("note", String(500), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

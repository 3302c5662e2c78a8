"""Tables of orders, their lines and history, and the delivery outbox."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .column_types import ID, DecimalText, UtcDateTime
from .db import metadata

orders = Table(
    "orders",
    metadata,
    Column("order_number", String(64), primary_key=True),
    Column("idempotency_key", String(255), unique=True),
    Column("fingerprint", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("erp_customer_no", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("net", DecimalText, nullable=False),
    Column("tax", DecimalText, nullable=False),
    Column("gross", DecimalText, nullable=False),
    Column("shipping_address", Text, nullable=False),
    Column("billing_address", Text),
    Column("erp_order_number", String(64), index=True),
    Column("erp_net", DecimalText),
    Column("erp_tax", DecimalText),
    Column("erp_gross", DecimalText),
    Column("erp_invoice_discount", DecimalText),
    Column("deviations", Text, nullable=False, default="[]"),
    Column("last_error", Text),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column(
        "order_number", String(64), ForeignKey("orders.order_number", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, primary_key=True),
    Column("line_ref", String(64), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("options", Text, nullable=False),
    Column("option_labels", Text, nullable=False),
    Column("unit_price", DecimalText, nullable=False),
    Column("quote_id", String(128)),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("order_number", String(64), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(32)),
    Column("detail", Text, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("state", String(16), nullable=False),  # pending | done | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_owner", String(128)),
    Column("lease_until", UtcDateTime),
    Column("last_error", Text),
    Column("payload", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "subject", name="uq_outbox_kind_subject"),
    Index("ix_outbox_due", "state", "kind", "next_attempt_at"),
)

"""erp call minutes

Revision ID: 0004_erp_call_minutes
Revises: 0003_finding_ignore_rules
Create Date: 2026-12-07 06:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_erp_call_minutes"
down_revision: str | Sequence[str] | None = "0003_finding_ignore_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "erp_call_minutes",
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node", sa.String(length=128), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("total_ms", sa.Float(), nullable=False),
        sa.Column("buckets", sa.Text(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("minute", "node", "operation", name=op.f("pk_erp_call_minutes")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("erp_call_minutes")

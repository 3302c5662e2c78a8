"""Read-only SQL over the order and outbox tables for the admin page (ports.admin.OrderQueries)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from ..domain.orders import OrderStatus
from ..ports.admin import ADMIN, OrderSummary, QueueStats
from .audit_tables import as_utc, audit_log
from .db import Database
from .order_tables import orders, outbox

ERP_ORDER = "erp_order"
WEBHOOK_KINDS = ("webhook", "webhook_delivery")
AWAITING = [
    s.value
    for s in (
        OrderStatus.RECEIVED,
        OrderStatus.SUBMITTING,
        OrderStatus.SUBMIT_UNKNOWN,
        OrderStatus.NEEDS_ATTENTION,
    )
]
FAILED = [s.value for s in (OrderStatus.NEEDS_ATTENTION, OrderStatus.REJECTED, OrderStatus.SUBMIT_UNKNOWN)]
RESOLVE_ACTION = "resolve_order"  # the admin action (audited by services.admin) that acknowledges an order


def _describe_deviations(text: str | None) -> str:
    items = [d for d in json.loads(text or "[]") if not d.get("explained")]
    return "; ".join(
        f"{d.get('field')}: quoted {d.get('quoted')}, ERP {d.get('erp')}"
        + (f" (line {d['line_ref']})" if d.get("line_ref") else "")
        for d in items[:5]
    )


def _current_error(status: str, error: str | None) -> str | None:
    # an order the ERP holds has left its delivery errors behind; they stay in its timeline
    return error[:300] if error and (status in AWAITING or status in FAILED) else None


def needs_attention(box: Any) -> Any:
    """Failed, or failing while awaiting delivery, and not marked resolved since the last change."""
    resolved = exists().where(
        audit_log.c.category == ADMIN,
        audit_log.c.action == RESOLVE_ACTION,
        audit_log.c.outcome == "done",
        audit_log.c.subject == orders.c.order_number,
        audit_log.c.at >= orders.c.updated_at,
    )
    failing = and_(
        orders.c.status.in_(AWAITING),
        func.coalesce(box.c.attempts, 0) > 0,
        or_(orders.c.last_error.is_not(None), box.c.last_error.is_not(None)),
    )
    return and_(or_(orders.c.status.in_(FAILED), failing), ~resolved)


class SqlOrderQueries:
    """Counts, lists and search over orders; 'resolved' = an admin action newer than the last change."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _select(self, box: Any = None) -> Any:
        box = outbox.alias("box") if box is None else box
        return select(
            orders.c.order_number,
            orders.c.customer_id,
            orders.c.status,
            orders.c.updated_at,
            orders.c.erp_order_number,
            orders.c.gross,
            orders.c.currency,
            orders.c.deviations,
            func.coalesce(orders.c.last_error, box.c.last_error).label("last_error"),
            func.coalesce(box.c.attempts, 0).label("attempts"),
        ).select_from(
            orders.outerjoin(box, and_(box.c.kind == ERP_ORDER, box.c.subject == orders.c.order_number))
        )

    def _run(self, query: Any) -> list[OrderSummary]:
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            OrderSummary(
                order_number=r.order_number,
                customer_id=r.customer_id,
                status=r.status,
                updated_at=r.updated_at,
                erp_order_number=r.erp_order_number,
                attempts=int(r.attempts or 0),
                last_error=_current_error(r.status, r.last_error),
                gross=str(r.gross) if r.gross is not None else None,
                currency=r.currency,
                note=_describe_deviations(r.deviations),
            )
            for r in rows
        ]

    def queue_stats(self, since: datetime) -> QueueStats:
        """Counts per status since a time, outbox depth and the oldest undelivered order."""
        with self.db.read() as conn:
            counts: dict[str, int] = dict(
                conn.execute(
                    select(orders.c.status, func.count())
                    .where(orders.c.received_at >= since)
                    .group_by(orders.c.status)
                ).all()
            )
            by_kind: dict[str, int] = dict(conn.execute(
                select(outbox.c.kind, func.count())
                .where(outbox.c.kind.in_([ERP_ORDER, *WEBHOOK_KINDS]), outbox.c.state == "pending")
                .group_by(outbox.c.kind)
            ).all())
            oldest = conn.execute(
                select(func.min(orders.c.received_at)).where(orders.c.status.in_(AWAITING))
            ).scalar_one()
        oldest = as_utc(oldest)
        counts_out = {str(k): int(v) for k, v in counts.items()}
        webhooks = sum(int(by_kind.get(kind, 0)) for kind in WEBHOOK_KINDS)
        return QueueStats(counts_out, int(by_kind.get(ERP_ORDER, 0)), oldest, webhooks)

    def needing_attention(self, limit: int = 50) -> list[OrderSummary]:
        """Failed or repeatedly failing orders that no admin marked resolved since their last change."""
        box = outbox.alias("box")
        query = (
            self._select(box)
            .where(needs_attention(box))
            .order_by(orders.c.updated_at.desc())
            .limit(limit)
        )
        return self._run(query)

    def price_deviations(self, limit: int = 50) -> list[OrderSummary]:
        """Orders whose deviations list is not empty (explained ones are shown too, marked)."""
        query = (
            self._select()
            .where(orders.c.deviations.not_in(["[]", ""]))
            .order_by(orders.c.updated_at.desc())
            .limit(limit)
        )
        return [o for o in self._run(query) if o.note]

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Orders whose number or customer id contains the text (case-insensitive)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = (
            self._select()
            .where(
                or_(
                    orders.c.order_number.ilike(pattern, escape="\\"),
                    orders.c.customer_id.ilike(pattern, escape="\\"),
                )
            )
            .order_by(orders.c.updated_at.desc())
            .limit(limit)
        )
        return self._run(query)

    def summary(self, order_number: str) -> OrderSummary | None:
        """One order's summary."""
        found = self._run(self._select().where(orders.c.order_number == order_number))
        return found[0] if found else None

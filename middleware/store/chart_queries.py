"""Hourly series for the admin's charts, from orders, their history and the findings."""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from ..domain.orders import OrderStatus
from .db import Database
from .order_tables import order_events, orders
from .reconcile_tables import findings

HOUR = timedelta(hours=1)
ACCEPTED = {OrderStatus.ACCEPTED.value}
FAILED = {OrderStatus.REJECTED.value, OrderStatus.NEEDS_ATTENTION.value}
IN_ERP = {s.value for s in OrderStatus} - {OrderStatus.RECEIVED.value, OrderStatus.SUBMITTING.value,
                                          OrderStatus.SUBMIT_UNKNOWN.value, OrderStatus.NEEDS_ATTENTION.value}


def _slot(hours: tuple[datetime, ...], at: datetime) -> int | None:
    index = bisect_right(hours, at) - 1
    return index if 0 <= index < len(hours) and at < hours[index] + HOUR else None


class SqlChartQueries:
    """Implements ports.charts.ChartQueries."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def order_flow(self, hours: tuple[datetime, ...]) -> dict[str, list[float]]:
        """Received (by received_at), accepted and failed (by their status change) per hour."""
        out = {name: [0.0] * len(hours) for name in ("received", "accepted", "failed")}
        start, end = hours[0], hours[-1] + HOUR
        with self.db.read() as conn:
            received = conn.execute(select(orders.c.received_at).where(
                orders.c.received_at >= start, orders.c.received_at < end)).scalars().all()
            changes = conn.execute(select(order_events.c.at, order_events.c.status).where(
                order_events.c.kind == "status_changed", order_events.c.at >= start, order_events.c.at < end,
                order_events.c.status.in_(ACCEPTED | FAILED))).all()
        for at in received:
            self._count(out["received"], hours, at)
        for at, status in changes:
            self._count(out["accepted" if status in ACCEPTED else "failed"], hours, at)
        return out

    @staticmethod
    def _count(values: list[float], hours: tuple[datetime, ...], at: datetime) -> None:
        slot = _slot(hours, at)
        if slot is not None:
            values[slot] += 1

    def queue_depth(self, hours: tuple[datetime, ...]) -> list[float]:
        """At each hour's end: received by then and not yet reported in the ERP by then."""
        entered = (select(order_events.c.order_number, func.min(order_events.c.at).label("at"))
                   .where(order_events.c.kind == "status_changed", order_events.c.status.in_(IN_ERP))
                   .group_by(order_events.c.order_number).subquery())
        query = (select(orders.c.received_at, entered.c.at)
                 .select_from(orders.outerjoin(entered, entered.c.order_number == orders.c.order_number))
                 .where(orders.c.received_at < hours[-1] + HOUR,
                        or_(entered.c.at.is_(None), entered.c.at >= hours[0])))
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        ends = [h + HOUR for h in hours]
        return [float(sum(1 for received, left in rows if received <= end and (left is None or left > end)))
                for end in ends]

    def open_findings(self, hours: tuple[datetime, ...]) -> list[float]:
        """At each hour's end: found by then and not resolved by then."""
        out = []
        with self.db.read() as conn:
            for hour in hours:
                end = hour + HOUR
                out.append(float(conn.execute(select(func.count()).select_from(findings).where(and_(
                    findings.c.first_seen <= end,
                    or_(findings.c.resolved_at.is_(None), findings.c.resolved_at > end)))).scalar_one()))
        return out

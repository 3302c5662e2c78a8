"""Orders and their history in SQL, and the transactions the order services run in."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.orders import (
    ErpTotals,
    NewOrder,
    OrderEvent,
    OrderRecord,
    OrderStatus,
    OrderTotals,
    PriceDeviation,
)
from ..ports.orders import DuplicateOrder
from .db import Database
from .order_rows import (
    address_from_json,
    address_json,
    deviations_from_json,
    deviations_json,
    line_from_row,
    line_row,
    required_address,
)
from .order_tables import order_events, order_lines, orders
from .outbox import SqlOutbox

# statements of the hot path built once: SQLAlchemy then skips re-building them per call
_INSERT_ORDER = insert(orders)
_INSERT_LINES = insert(order_lines)
_INSERT_EVENT = insert(order_events)
_SELECT_ORDER = select(orders).where(orders.c.order_number == bindparam("number"))
_SELECT_LINES = (
    select(order_lines)
    .where(order_lines.c.order_number == bindparam("number"))
    .order_by(order_lines.c.position)
)


class SqlOrderRepository:
    """Orders and their events inside one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, record: OrderRecord) -> None:
        """Insert the order with its lines; DuplicateOrder if the number or key is taken."""
        o = record.order
        values = {
            "order_number": o.order_number,
            "idempotency_key": record.idempotency_key,
            "fingerprint": record.fingerprint,
            "customer_id": o.customer_id,
            "erp_customer_no": record.erp_customer_no,
            "currency": o.currency,
            "placed_at": o.placed_at,
            "status": record.status.value,
            "received_at": record.received_at,
            "updated_at": record.updated_at,
            "net": o.totals.net,
            "tax": o.totals.tax,
            "gross": o.totals.gross,
            "shipping_address": address_json(o.shipping_address),
            "billing_address": address_json(o.billing_address),
            "deviations": "[]",
        }
        try:
            # no savepoint: the caller's transaction is abandoned on a duplicate, and the caller retries
            self.conn.execute(_INSERT_ORDER, values)
        except IntegrityError as exc:
            raise DuplicateOrder(o.order_number) from exc
        self.conn.execute(_INSERT_LINES, [line_row(o.order_number, i, ln) for i, ln in enumerate(o.lines)])

    def _record(self, row: Any) -> OrderRecord:
        lines = self.conn.execute(_SELECT_LINES, {"number": row.order_number})
        order = NewOrder(
            row.order_number,
            row.customer_id,
            row.currency,
            row.placed_at,
            tuple(line_from_row(r) for r in lines),
            required_address(row.shipping_address),
            OrderTotals(row.net, row.tax, row.gross),  # type: ignore[arg-type]
            address_from_json(row.billing_address),
        )
        erp_totals = None
        if row.erp_net is not None:
            erp_totals = ErpTotals(
                row.erp_net, row.erp_tax, row.erp_gross, row.erp_invoice_discount or Decimal(0)
            )
        return OrderRecord(
            order,
            row.erp_customer_no,
            OrderStatus(row.status),
            row.received_at,
            row.updated_at,
            row.fingerprint,
            row.erp_order_number,
            erp_totals,
            deviations_from_json(row.deviations),
            row.last_error,
            row.idempotency_key,
        )

    def get(self, order_number: str) -> OrderRecord | None:
        """The order, or None."""
        row = self.conn.execute(_SELECT_ORDER, {"number": order_number}).first()
        return None if row is None else self._record(row)

    def number_for_erp_order(self, erp_order_number: str) -> str | None:
        """Our order number for the ERP's order number, or None."""
        if not erp_order_number:
            return None
        return self.conn.execute(
            select(orders.c.order_number).where(orders.c.erp_order_number == erp_order_number)
        ).scalar()

    def get_by_idempotency_key(self, key: str) -> OrderRecord | None:
        """The order first stored under this key, or None."""
        row = self.conn.execute(select(orders).where(orders.c.idempotency_key == key)).first()
        return None if row is None else self._record(row)

    def set_status(
        self, order_number: str, status: OrderStatus, at: datetime, *, last_error: str | None = None
    ) -> None:
        """Change the status."""
        self.conn.execute(
            update(orders)
            .where(orders.c.order_number == order_number)
            .values(status=status.value, updated_at=at, last_error=last_error)
        )

    def mark_submitting(self, order_numbers: Sequence[str], at: datetime) -> None:
        """Claimed orders show as submitting; one still submitting was left by a dead worker: unknown."""
        numbers = list(order_numbers)
        self.conn.execute(
            update(orders)
            .where(orders.c.order_number.in_(numbers), orders.c.status == OrderStatus.SUBMITTING.value)
            .values(status=OrderStatus.SUBMIT_UNKNOWN.value, updated_at=at)
        )
        self.conn.execute(
            update(orders)
            .where(orders.c.order_number.in_(numbers), orders.c.status == OrderStatus.RECEIVED.value)
            .values(status=OrderStatus.SUBMITTING.value, updated_at=at)
        )

    def set_erp_result(
        self,
        order_number: str,
        erp_order_number: str,
        totals: ErpTotals | None,
        deviations: Sequence[PriceDeviation],
        at: datetime,
    ) -> None:
        """Store the ERP's number, totals and deviations."""
        values: dict[str, Any] = {
            "erp_order_number": erp_order_number,
            "updated_at": at,
            "deviations": deviations_json(deviations),
        }
        if totals is not None:
            values.update(
                erp_net=totals.net,
                erp_tax=totals.tax,
                erp_gross=totals.gross,
                erp_invoice_discount=totals.invoice_discount,
            )
        self.conn.execute(update(orders).where(orders.c.order_number == order_number).values(**values))

    def add_event(self, order_number: str, event: OrderEvent) -> None:
        """Append to the order's history."""
        self.conn.execute(
            _INSERT_EVENT,
            {
                "order_number": order_number,
                "at": event.at,
                "kind": event.kind,
                "status": None if event.status is None else event.status.value,
                "detail": json.dumps(event.detail, ensure_ascii=False, default=str),
            },
        )

    def events(self, order_number: str) -> list[OrderEvent]:
        """The order's history, oldest first."""
        rows = self.conn.execute(
            select(order_events)
            .where(order_events.c.order_number == order_number)
            .order_by(order_events.c.id)
        )
        return [
            OrderEvent(
                r.at, r.kind, None if r.status is None else OrderStatus(r.status), json.loads(r.detail)
            )
            for r in rows
        ]

    def numbers_in_status(self, statuses: Sequence[OrderStatus], limit: int = 10_000) -> list[str]:
        """Order numbers currently in any of these statuses."""
        rows = self.conn.execute(
            select(orders.c.order_number)
            .where(orders.c.status.in_([s.value for s in statuses]))
            .order_by(orders.c.received_at)
            .limit(limit)
        )
        return list(rows.scalars())


class SqlTransaction:
    """One transaction with the order repository and the outbox bound to it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.orders = SqlOrderRepository(conn)
        self.outbox = SqlOutbox(conn)


class SqlTransactions:
    """Opens transactions on the Database for the order services."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def write(self) -> Iterator[SqlTransaction]:
        """A read-write transaction."""
        with self.db.write() as conn:
            yield SqlTransaction(conn)

    @contextmanager
    def read(self) -> Iterator[SqlTransaction]:
        """A read-only transaction."""
        with self.db.read() as conn:
            yield SqlTransaction(conn)

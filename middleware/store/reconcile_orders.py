"""Our orders as reconciliation reads them (orders tables, in chunks) and the per-run scratch list."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, distinct, exists, func, insert, select

from ..domain.configuration import Configuration
from ..domain.orders import OrderStatus, OrderTotals
from ..domain.reconcile import LocalLine, LocalOrder
from .db import Database
from .order_tables import order_lines, orders
from .reconcile_tables import checked

EMPTY = Configuration()
_COLUMNS = (orders.c.order_number, orders.c.status, orders.c.updated_at, orders.c.currency, orders.c.net,
            orders.c.tax, orders.c.gross, orders.c.erp_order_number, orders.c.erp_net, orders.c.erp_tax,
            orders.c.erp_gross)


def _totals(row: Any) -> OrderTotals:
    # once the ERP accepted the order, its totals (price deviations already judged by delivery) are the
    # baseline; drift is what changed after that. Before acceptance, the shop's totals are all we have.
    if row.erp_net is not None:
        return OrderTotals(row.erp_net, row.erp_tax, row.erp_gross)
    return OrderTotals(row.net, row.tax, row.gross)


def _configuration(text: str | None) -> Configuration:
    if not text or text == "[]":
        return EMPTY
    value = json.loads(text)
    if isinstance(value, dict):
        return Configuration.of({str(k): str(v) for k, v in value.items()})
    if value and isinstance(value[0], dict):  # [{code, value}] objects
        return Configuration.of({str(p["code"]): str(p["value"]) for p in value})
    # [[code, value], ...] as the orders repository writes it: already validated when the order came in
    return Configuration(tuple(sorted((str(c), str(v)) for c, v in value)))


class SqlLocalOrders:
    """Reads orders and order_lines in chunks; never all orders at once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _build(self, conn: Any, rows: Sequence[Any]) -> list[LocalOrder]:
        numbers = [r.order_number for r in rows]
        lines: dict[str, list[LocalLine]] = {n: [] for n in numbers}
        if numbers:
            query = (select(order_lines.c.order_number, order_lines.c.sku, order_lines.c.quantity,
                            order_lines.c.options)
                     .where(order_lines.c.order_number.in_(numbers))
                     .order_by(order_lines.c.order_number, order_lines.c.position))
            for line in conn.execute(query):
                lines[line.order_number].append(
                    LocalLine(line.sku, Decimal(line.quantity), _configuration(line.options)))
        return [
            LocalOrder(
                order_number=r.order_number, status=OrderStatus(r.status), status_since=r.updated_at,
                currency=r.currency, lines=tuple(lines[r.order_number]),
                totals=_totals(r), erp_order_number=r.erp_order_number,
            )
            for r in rows
        ]

    def snapshots(self, order_numbers: Sequence[str]) -> dict[str, LocalOrder]:
        """Our orders with these numbers (unknown numbers are absent)."""
        if not order_numbers:
            return {}
        with self.db.read() as conn:
            rows = conn.execute(select(*_COLUMNS).where(orders.c.order_number.in_(set(order_numbers)))).all()
            return {o.order_number: o for o in self._build(conn, rows)}

    def mark_checked(self, run_id: int, pairs: Iterable[tuple[str, str | None]]) -> None:
        """Remember (order_number, erp_order_number) pairs this run saw in the ERP."""
        rows = [{"run_id": run_id, "order_number": n, "erp_order_number": e or ""} for n, e in pairs]
        if rows:
            with self.db.write() as conn:
                conn.execute(insert(checked), rows)

    def duplicates(self, run_id: int) -> Iterator[tuple[str, list[str]]]:
        """Order numbers the run saw under more than one ERP order number."""
        numbers = (select(checked.c.order_number).where(checked.c.run_id == run_id)
                   .group_by(checked.c.order_number)
                   .having(func.count(distinct(checked.c.erp_order_number)) > 1))
        with self.db.read() as conn:
            pairs = conn.execute(
                select(checked.c.order_number, checked.c.erp_order_number).distinct()
                .where(checked.c.run_id == run_id, checked.c.order_number.in_(numbers))
                .order_by(checked.c.order_number)).all()
        found: dict[str, list[str]] = {}
        for number, erp_number in pairs:
            found.setdefault(number, []).append(erp_number)
        yield from found.items()

    def _chunked(self, where: Any, chunk: int) -> Iterator[list[LocalOrder]]:
        last = ""
        while True:
            with self.db.read() as conn:  # keyset pagination: each chunk is one short read
                rows = conn.execute(select(*_COLUMNS).where(where, orders.c.order_number > last)
                                    .order_by(orders.c.order_number).limit(chunk)).all()
                if not rows:
                    return
                batch = self._build(conn, rows)
            last = rows[-1].order_number
            yield batch

    def unchecked_in_window(
        self, run_id: int, since: datetime, statuses: Sequence[OrderStatus], chunk: int
    ) -> Iterator[list[LocalOrder]]:
        """Chunks of our orders updated since `since`, in these statuses, the run did not see in the ERP."""
        seen = exists().where(checked.c.run_id == run_id, checked.c.order_number == orders.c.order_number)
        where = (orders.c.updated_at >= since) & orders.c.status.in_([s.value for s in statuses]) & ~seen
        return self._chunked(where, chunk)

    def in_statuses(
        self, statuses: Sequence[OrderStatus], updated_before: datetime, chunk: int
    ) -> Iterator[list[LocalOrder]]:
        """Chunks of our orders in these statuses not updated since `updated_before`."""
        where = orders.c.status.in_([s.value for s in statuses]) & (orders.c.updated_at < updated_before)
        return self._chunked(where, chunk)

    def clear_checked(self, run_id: int, chunk: int = 5000) -> None:
        """Forget the run's scratch list, in chunks (one huge DELETE would hold every row id in memory)."""
        while True:
            with self.db.write() as conn:
                numbers = list(conn.execute(
                    select(checked.c.order_number).where(checked.c.run_id == run_id)
                    .order_by(checked.c.order_number).limit(chunk)).scalars())
                if not numbers:
                    return
                conn.execute(delete(checked).where(checked.c.run_id == run_id,
                                                   checked.c.order_number.in_(set(numbers))))

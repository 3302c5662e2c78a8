"""The admin's orders list (filters, paging), wide search and an order's content (ports.order_browse)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, exists, func, or_, select

from ..ports.admin import OrderSummary
from ..ports.order_browse import LineView, OrderContent, OrderFilter, OrderPage
from .admin_queries import ERP_ORDER, SqlOrderQueries, needs_attention
from .catalog_tables import customers
from .order_tables import order_events, order_lines, orders, outbox


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


class SqlOrderBrowser(SqlOrderQueries):
    """The read model of the order list and detail pages."""

    def page(self, query: OrderFilter, offset: int, limit: int) -> OrderPage:
        """Orders matching the filter, most recently changed first, and their total."""
        box = outbox.alias("box")
        where = self._where(query, box)
        base = orders.outerjoin(box, and_(box.c.kind == ERP_ORDER, box.c.subject == orders.c.order_number))
        with self.db.read() as conn:
            total = conn.execute(select(func.count()).select_from(base).where(where)).scalar_one()
        items = self._run(self._select(box).where(where).order_by(orders.c.updated_at.desc())
                          .offset(offset).limit(limit))
        return OrderPage(items, int(total), offset, limit)

    @staticmethod
    def _where(query: OrderFilter, box: Any) -> Any:
        conditions: list[Any] = []
        if query.status:
            conditions.append(orders.c.status == query.status)
        if query.customer:
            conditions.append(orders.c.customer_id.ilike(_like(query.customer), escape="\\"))
        if query.received_from:
            conditions.append(orders.c.received_at >= query.received_from)
        if query.received_to:
            conditions.append(orders.c.received_at < query.received_to)
        if query.deviations:
            conditions.append(orders.c.deviations.not_in(["[]", ""]))
        if query.attention:
            conditions.append(needs_attention(box))
        return and_(True, *conditions)

    def search(self, text: str, limit: int = 50) -> list[OrderSummary]:
        """Our or the ERP's number, customer number or name, tracking number (history) or SKU."""
        pattern = _like(text)
        by_name = select(customers.c.customer_id).where(customers.c.name.ilike(pattern, escape="\\"))
        by_sku = exists().where(order_lines.c.order_number == orders.c.order_number,
                                order_lines.c.sku.ilike(pattern, escape="\\"))
        tracking = order_events.c.detail.like('%"tracking_no": "' + pattern[1:], escape="\\")
        by_tracking = exists().where(order_events.c.order_number == orders.c.order_number, tracking)
        query = self._select().where(or_(
            orders.c.order_number.ilike(pattern, escape="\\"),
            orders.c.erp_order_number.ilike(pattern, escape="\\"),
            orders.c.customer_id.ilike(pattern, escape="\\"),
            orders.c.customer_id.in_(by_name),
            by_sku,
            by_tracking,
        )).order_by(orders.c.updated_at.desc()).limit(limit)
        return self._run(query)

    def content(self, order_number: str) -> OrderContent | None:
        """The lines with quoted and ERP unit prices, the addresses and both totals."""
        with self.db.read() as conn:
            row = conn.execute(select(orders).where(orders.c.order_number == order_number)).first()
            if row is None:
                return None
            lines = conn.execute(select(order_lines).where(order_lines.c.order_number == order_number)
                                 .order_by(order_lines.c.position)).all()
        erp_prices = {d.get("line_ref"): d.get("erp") for d in json.loads(row.deviations or "[]")
                      if d.get("field") == "unit_price" or d.get("kind") == "unit_price"}
        views = [LineView(ln.line_ref, ln.sku, ln.quantity, dict(json.loads(ln.options or "[]")),
                          dict(json.loads(ln.option_labels or "[]")), str(ln.unit_price),
                          erp_prices.get(ln.line_ref)) for ln in lines]
        erp_totals = None if row.erp_gross is None else {
            "net": _money(row.erp_net), "tax": _money(row.erp_tax), "gross": _money(row.erp_gross),
            "invoice discount": _money(row.erp_invoice_discount)}
        return OrderContent(
            views, json.loads(row.shipping_address or "{}"),
            json.loads(row.billing_address) if row.billing_address else None,
            {"net": str(row.net), "tax": str(row.tax), "gross": str(row.gross), "currency": row.currency},
            {k: v for k, v in (erp_totals or {}).items() if v is not None} or None,
        )

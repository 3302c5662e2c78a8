"""The orders list: filter by status, customer, date range, deviations and attention; paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template, request

from ..domain.orders import OrderStatus
from ..errors import InputError
from ..ports.order_browse import OrderFilter
from . import admin
from .views import _int_arg, service

STATUSES = tuple(s.value for s in OrderStatus)


def _day(name: str) -> datetime | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"{name} must be a date like 2026-11-23", name) from None


def _filter() -> OrderFilter:
    status = request.args.get("status", "")[:32]
    if status and status not in STATUSES:
        raise InputError(f"unknown status {status!r}", "status")
    until = _day("to")
    return OrderFilter(
        status=status,
        customer=request.args.get("customer", "").strip()[:64],
        received_from=_day("from"),
        received_to=until + timedelta(days=1) if until else None,  # "to" includes that whole day
        deviations=request.args.get("deviations") == "1",
        attention=request.args.get("attention") == "1",
    )


@admin.get("/orders")
def orders_page() -> Any:
    """Orders matching the filters, most recently changed first."""
    query, page_no = _filter(), _int_arg("page", 1)
    page = service().orders.page(query, page_no)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/orders.html", page=page, query=query, page_no=page_no, args=args,
                           statuses=STATUSES)

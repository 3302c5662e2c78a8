"""X3 field values: dates YYYYMMDD, decimals, criteria with gt./ge. operators (as the SData key syntax)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from erpsim.x3.errors import X3Error


def x3_date(value: date) -> str:
    """A date as X3 writes it in XML flows: YYYYMMDD."""
    return value.strftime("%Y%m%d")


def parse_date(raw: str | None, field: str) -> date | None:
    """YYYYMMDD (or ISO YYYY-MM-DD) or an X3 error on the field."""
    if not raw:
        return None
    try:
        return datetime.strptime(raw.replace("-", ""), "%Y%m%d").date()
    except ValueError:
        raise X3Error(f"Incorrect date {raw!r}", field) from None


def parse_decimal(raw: str | None, field: str) -> Decimal | None:
    """A decimal field value or an X3 error on the field."""
    if raw is None or not raw.strip():
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise X3Error(f"Incorrect numeric value {raw!r}", field) from None
    if not value.is_finite():
        raise X3Error(f"Incorrect numeric value {raw!r}", field)
    return value


def matches(value: str, criterion: str) -> bool:
    """Criterion 'gt.X', 'ge.X', 'lt.X', 'le.X' or an exact value."""
    op, _, operand = criterion.partition(".")
    compare = {"gt": value > operand, "ge": value >= operand, "lt": value < operand, "le": value <= operand}
    return compare[op] if op in compare and operand else value == criterion


def list_size(raw: str | None, default: int = 20, maximum: int = 1000) -> int:
    """listSize of a query (X3 answers at most this many lines)."""
    if not raw or not raw.strip().lstrip("-").isdigit():
        return default
    size = int(raw)
    if size < 1:
        raise X3Error("listSize must be at least 1", "listSize")
    return min(size, maximum)

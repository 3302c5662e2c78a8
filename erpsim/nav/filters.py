"""ReadMultiple filter criteria as NAV understands them: exact, A|B, >=x, <>x, x..y, *part*, @ignore-case."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from erpsim.nav.faults import NavFault

Test = Callable[[Any], bool]


def _typed(raw: str, sample_type: str) -> Any:
    try:
        if sample_type == "date":
            return date.fromisoformat(raw)
        if sample_type in ("decimal", "int"):
            return Decimal(raw)
        if sample_type == "boolean":
            return raw.lower() in ("true", "yes", "1")
    except (ValueError, InvalidOperation):
        raise NavFault.broker(f"The filter '{raw}' is not valid for a field of type {sample_type}.") from None
    return raw


def _value(value: Any, xsd: str) -> Any:
    if value is None:
        return "" if xsd in ("string", "") else None
    if xsd in ("decimal", "int"):
        return Decimal(value)
    return value


def _term(term: str, xsd: str) -> Test:
    ignore_case = term.startswith("@")
    term = term[1:] if ignore_case else term
    for op, fn in (
        ("<>", lambda v, x: v != x),
        (">=", lambda v, x: v >= x),
        ("<=", lambda v, x: v <= x),
        (">", lambda v, x: v > x),
        ("<", lambda v, x: v < x),
    ):
        if term.startswith(op):
            bound = _typed(term[len(op) :], xsd)
            return lambda v: v is not None and fn(v, bound)
    if ".." in term:
        lo_raw, hi_raw = term.split("..", 1)
        lo = _typed(lo_raw, xsd) if lo_raw else None
        hi = _typed(hi_raw, xsd) if hi_raw else None
        return lambda v: v is not None and (lo is None or v >= lo) and (hi is None or v <= hi)
    if "*" in term or "?" in term:
        pattern = term.lower() if ignore_case else term
        return lambda v: fnmatch.fnmatchcase((str(v).lower() if ignore_case else str(v)), pattern)
    exact = _typed(term, xsd)
    if ignore_case:
        return lambda v: str(v).lower() == str(exact).lower()
    return lambda v: v == exact


def compile_criteria(criteria: str, xsd: str) -> Test:
    """A predicate on a field value; an empty criteria matches everything."""
    criteria = (criteria or "").strip()
    if not criteria:
        return lambda v: True
    terms = [_term(t.strip().strip("'"), xsd) for t in criteria.split("|")]
    return lambda v: any(t(_value(v, xsd)) for t in terms)

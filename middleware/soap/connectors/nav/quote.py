"""Prices through a Sales Quote: Create with all lines, read the priced lines, Delete - always."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ....domain.pricing import LinePrice, LineStatus, PriceRequestLine
from ....errors import ErpError, ErpRejected
from .options import Charge, LinePlan, OptionError, OptionMap, nav_rows
from .pricing import NavAmounts, compose, failed, line_status
from .profile import NavProfile

log = logging.getLogger(__name__)
ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Segment:
    """Which quote lines belong to one requested line: the item line, then its charge lines."""

    index: int
    plan: LinePlan
    first: int
    count: int


def _dec(value: Any) -> Decimal:
    return ZERO if value in (None, "") else Decimal(str(value))


def _amounts(row: dict[str, Any]) -> NavAmounts:
    return NavAmounts(
        _dec(row.get("Unit_Price")),
        _dec(row.get("Line_Discount_Percent")),
        _dec(row.get("Line_Discount_Amount")),
        _dec(row.get("Line_Amount")),
    )


class QuotePricer:
    """Prices a whole request with one quote; quotes that could not be deleted are kept for housekeeping."""

    def __init__(self, profile: NavProfile, call: Callable[..., Any]) -> None:
        self.profile, self.call = profile, call
        self._lock = threading.Lock()
        self.undeleted: dict[str, str] = {}  # quote No -> Key, retried by housekeeping()

    def price(
        self, customer: str, lines: Sequence[PriceRequestLine], options: OptionMap
    ) -> tuple[list[LinePrice], bool]:
        """One Create (again without a line NAV refuses), then Delete; (lines, prices include VAT)."""
        answers: dict[int, LinePrice] = {}
        incl = False
        plans: dict[int, LinePlan] = {}
        for i, line in enumerate(lines):
            try:
                plans[i] = options.plan(line.sku, line.configuration)
            except OptionError as exc:
                answers[i] = failed(line, LineStatus.INVALID_CONFIGURATION, str(exc))
        while plans:
            segments, rows = self._layout(lines, plans)
            try:
                quote = self.call(
                    "sales_quote",
                    "Create",
                    SalesQuote={
                        "Sell_to_Customer_No": customer,
                        "SalesLines": {self.profile.quote_line_entity: rows},
                    },
                )
            except ErpRejected as exc:
                culprit = self._culprit(exc, lines, plans)
                if culprit is None:
                    raise
                answers[culprit] = failed(lines[culprit], line_status(exc) or LineStatus.NO_PRICE, exc.reason)
                del plans[culprit]
                continue
            incl = bool(quote.get("Prices_Including_VAT"))
            try:
                answers.update(self._read(quote, lines, segments))
            finally:
                self._delete(str(quote.get("No")), str(quote.get("Key")))
            break
        self.housekeeping()
        return [answers[i] for i in range(len(lines))], incl

    def _layout(
        self, lines: Sequence[PriceRequestLine], plans: dict[int, LinePlan]
    ) -> tuple[list[Segment], list[dict[str, Any]]]:
        segments, rows, priced = [], [], 0  # positions count priced lines only (text lines carry no price)
        for i, plan in plans.items():
            segments.append(Segment(i, plan, priced, 1 + len(plan.charges)))
            priced += 1 + len(plan.charges)
            rows += nav_rows(lines[i].sku, lines[i].quantity, plan)
        return segments, rows

    @staticmethod
    def _culprit(
        exc: ErpRejected, lines: Sequence[PriceRequestLine], plans: dict[int, LinePlan]
    ) -> int | None:
        """The requested line whose item or charge item NAV named in its fault (the whole Create failed)."""
        if line_status(exc) is None:
            return None
        for i, plan in plans.items():
            names = [lines[i].sku, *(c.item_no for c in plan.charges)]
            if any(f"'{n}'" in exc.reason or f"={n}." in exc.reason or f"={n} " in exc.reason for n in names):
                return i
        return None

    def _read(
        self, quote: dict[str, Any], lines: Sequence[PriceRequestLine], segments: list[Segment]
    ) -> dict[int, LinePrice]:
        box = quote.get("SalesLines") or {}
        rows = [r for r in box.get(self.profile.quote_line_entity) or [] if r.get("Type") != "_blank_"]
        incl = bool(quote.get("Prices_Including_VAT"))
        bus = str(quote.get("VAT_Bus_Posting_Group") or "")
        out = {}
        for seg in segments:
            mine = rows[seg.first : seg.first + seg.count]
            main, charge_rows = mine[0], mine[1:]
            rate = self.profile.vat_rate(bus, str(main.get("VAT_Prod_Posting_Group") or ""))
            if rate is None:
                raise ErpRejected("VAT_SETUP", f"no VAT rate for {bus}/{main.get('VAT_Prod_Posting_Group')}")
            charges: list[tuple[Charge, NavAmounts]] = [
                (c, _amounts(r)) for c, r in zip(seg.plan.charges, charge_rows, strict=True)
            ]
            out[seg.index] = compose(lines[seg.index], _amounts(main), charges, rate, incl)
        return out

    def _delete(self, no: str, key: str) -> None:
        try:
            self.call("sales_quote", "Delete", Key=key)
        except ErpError as exc:
            log.warning("sales quote %s could not be deleted (%s); housekeeping retries", no, exc)
            with self._lock:
                self.undeleted[no] = key

    def housekeeping(self) -> int:
        """Retry deleting quotes left behind; returns how many remain."""
        with self._lock:
            pending = dict(self.undeleted)
        for no, key in pending.items():
            try:
                self.call("sales_quote", "Delete", Key=key)
            except ErpRejected as exc:
                if exc.code != "NOT_FOUND":
                    continue
            except ErpError:
                continue
            with self._lock:
                self.undeleted.pop(no, None)
        with self._lock:
            return len(self.undeleted)

"""Pricing line by line for an ERP without batch price simulation (e.g. a NAV codeunit, one price per call).

The lines of one request are priced concurrently, at most `max_concurrent_calls` at a time, and joined into
one answer in request order, so the rest of the price path cannot tell the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from ..domain.pricing import ErpPriceAnswer, PriceRequestLine
from ..errors import ErpUnavailable
from ..ports.erp import Erp


def _earliest(times: Sequence[datetime | None]) -> datetime | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


class PerLinePricing:
    """`simulate_prices` for many lines as one call per line, concurrently."""

    def __init__(self, erp: Erp, max_concurrent_calls: int) -> None:
        self.erp = erp
        self._pool = ThreadPoolExecutor(max(1, max_concurrent_calls), thread_name_prefix="price-line")

    def simulate(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """One answer for all lines; the first failure fails the whole request (as one batch call would)."""
        if len(lines) == 1:
            return self.erp.simulate_prices(erp_customer_no, currency, lines)
        futures = [self._pool.submit(self.erp.simulate_prices, erp_customer_no, currency, [line])
                   for line in lines]
        answers = [f.result() for f in futures]
        if any(len(a.lines) != 1 for a in answers):
            raise ErpUnavailable("the ERP answered a one-line price request with another number of lines")
        return ErpPriceAnswer(
            currency=answers[0].currency,
            prices_include_tax=answers[0].prices_include_tax,
            valid_until=_earliest([a.valid_until for a in answers]),
            lines=tuple(a.lines[0] for a in answers),
        )

    def close(self) -> None:
        """Stop the worker threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)

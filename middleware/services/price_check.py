"""Price spot check: re-ask the ERP for recently served quotes; a changed price nobody announced is drift."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from ..domain.catalog import Customer
from ..domain.money import CENT
from ..domain.pricing import LinePrice, LineStatus, PriceRequestLine
from ..domain.reconcile import Finding, FindingKind, Repair, Severity
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.reconcile import FindingStore
from .price_cache import PriceInvalidator
from .prices import RecentQuote

log = logging.getLogger(__name__)

JOB = "price_check"


class RecentQuotes(Protocol):
    """Where served quotes are remembered (PriceService fits)."""

    def recent_quotes(self, limit: int = 100) -> list[RecentQuote]:
        """Newest first."""
        ...


CachedLookup = Callable[[str, str, LinePrice], LinePrice | None]
"""(customer_id, currency, served line) -> the price the cache still holds for it, or None."""


@dataclass(frozen=True)
class PriceCheckPolicy:
    """How many quotes to sample, how old they may be, what counts as a change."""

    sample: int = 20
    max_age: timedelta = timedelta(hours=1)
    tolerance: Decimal = CENT


def _subject(customer_id: str, line: LinePrice) -> str:
    return f"{customer_id}/{line.sku}/{line.quantity}/{line.configuration.hash[:12]}"[:128]


class PriceSpotCheck:
    """Compares a sample of served prices with what the ERP answers now."""

    def __init__(
        self,
        quotes: RecentQuotes,
        erp: Erp,
        customers: Callable[[str], Customer],
        invalidator: PriceInvalidator,
        findings: FindingStore,
        clock: Clock,
        policy: PriceCheckPolicy | None = None,
        cached: CachedLookup | None = None,
    ) -> None:
        self.quotes = quotes
        self.erp = erp
        self.customers = customers
        self.invalidator = invalidator
        self.findings = findings
        self.clock = clock
        self.policy = policy or PriceCheckPolicy()
        self.cached = cached

    def sample(self, now: datetime) -> list[RecentQuote]:
        """The newest quotes served within the maximum age."""
        recent = self.quotes.recent_quotes(limit=self.policy.sample)
        return [q for q in recent if now - q.served_at <= self.policy.max_age]

    def run(self, run_id: int) -> dict[str, int]:
        """Check the sample; record drift, drop the cached prices, resolve drift that disappeared."""
        counts = {"quotes": 0, "lines": 0, "drift": 0, "dropped": 0}
        checked: list[str] = []
        drift: list[Finding] = []
        for quote in self.sample(self.clock.now()):
            counts["quotes"] += 1
            for subject, finding in self._check(quote):
                counts["lines"] += 1
                checked.append(subject)
                if finding is not None:
                    drift.append(finding)
                    counts["dropped"] += self.invalidator.invalidate(skus=[str(finding.detail["sku"])])
        counts["drift"] = len(drift)
        now = self.clock.now()
        self.findings.record(JOB, run_id, drift, now)
        counts["resolved"] = self.findings.resolve_subjects(
            JOB, run_id, FindingKind.PRICE_DRIFT.value, checked, now
        )
        return counts

    def _check(self, quote: RecentQuote) -> list[tuple[str, Finding | None]]:
        served = [q.price for q in quote.lines if q.price.status is LineStatus.OK]
        if not served:
            return []
        customer = self.customers(quote.customer_id)
        request = [PriceRequestLine(str(i), p.sku, p.quantity, p.configuration) for i, p in enumerate(served)]
        answer = self.erp.simulate_prices(customer.erp_customer_no, quote.currency, request)
        results: list[tuple[str, Finding | None]] = []
        for old, new in zip(served, answer.lines, strict=False):
            subject = _subject(quote.customer_id, old)
            results.append((subject, self._drift(quote, subject, old, new)))
        return results

    def _drift(self, quote: RecentQuote, subject: str, old: LinePrice, new: LinePrice) -> Finding | None:
        tolerance = self.policy.tolerance
        if new.status is LineStatus.OK and _near(old.net_unit_price, new.net_unit_price, tolerance):
            return None
        if self.cached is not None:
            held = self.cached(quote.customer_id, quote.currency, old)
            if held is None or not _near(held.net_unit_price, old.net_unit_price, tolerance):
                return None  # a NotifyPriceChange (or expiry) already replaced the served price
        now_price = new.net_unit_price if new.status is LineStatus.OK else None
        answer = now_price if now_price is not None else new.status.value
        return Finding(
            FindingKind.PRICE_DRIFT,
            Severity.WARNING,
            subject,
            f"{old.sku} x{old.quantity} for {quote.customer_id}: served {old.net_unit_price}, "
            f"ERP now says {answer} (no price change notice)",
            {
                "sku": old.sku,
                "quantity": old.quantity,
                "customer_id": quote.customer_id,
                "quote_id": quote.quote_id,
                "served": str(old.net_unit_price),
                "erp": str(now_price),
                "erp_status": new.status.value,
                "configuration": old.configuration.as_dict(),
            },
            Repair.DROP_QUOTE,
        )


def _near(a: Decimal | None, b: Decimal | None, tolerance: Decimal) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= tolerance

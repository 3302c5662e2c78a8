"""Real-time price quotes: cache first, the misses in ONE ERP call, stale quotes while the ERP is down."""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.catalog import Customer
from ..domain.pricing import (
    ErpPriceAnswer,
    PriceQuery,
    PriceQuote,
    PriceRequestLine,
    PriceSource,
    QuotedLine,
    totals_of,
)
from ..errors import ErpRejected, ErpUnavailable, InputError, PricesUnavailable
from ..ports.clock import Clock
from ..ports.erp import Erp
from .per_line import PerLinePricing
from .price_cache import CachedPrice, PriceCache, PriceKey
from .resilience import CircuitBreaker, CircuitOpen, SingleFlight

log = logging.getLogger(__name__)

_WORST = {PriceSource.ERP: 0, PriceSource.CACHE: 1, PriceSource.STALE: 2}


@dataclass(frozen=True, slots=True)
class RecentQuote:
    """A quote as served, kept so a spot-check job can ask the ERP again."""

    quote_id: str
    customer_id: str
    currency: str
    served_at: datetime
    lines: tuple[QuotedLine, ...]


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values = {
            "quotes": 0,
            "hits": 0,
            "misses": 0,
            "stale_served": 0,
            "erp_calls": 0,
            "erp_failures": 0,
            "unavailable": 0,
            "invalidated": 0,
        }
        self.last_success: datetime | None = None
        self.last_failure: datetime | None = None

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.values[name] += n


def new_quote_id() -> str:
    """A random, URL-safe quote id."""
    return "q_" + secrets.token_urlsafe(12)


class PriceService:
    """Answers price queries for the shop."""

    def __init__(
        self,
        erp: Erp,
        customers: Callable[[str], Customer],
        cache: PriceCache,
        clock: Clock,
        breaker: CircuitBreaker,
        flights: SingleFlight[PriceKey, CachedPrice] | None = None,
        recent_limit: int = 10_000,
        recent_max_lines: int = 20_000,
        forget_customers: Callable[[Iterable[str] | None], None] | None = None,
    ) -> None:
        self.erp = erp
        self.customers = customers
        self.cache = cache
        self.clock = clock
        self.breaker = breaker
        self.flights: SingleFlight[PriceKey, CachedPrice] = flights or SingleFlight()
        self.recent_limit = recent_limit
        # recent quotes pin their LinePrices after the cache dropped them: bound them by lines, not quotes
        self.recent_max_lines = recent_max_lines
        self.forget_customers = forget_customers
        self._recent: OrderedDict[str, RecentQuote] = OrderedDict()
        self._recent_lines = 0
        self._recent_lock = threading.Lock()
        self._counters = _Counters()
        # an ERP without batch simulation is asked once per line, concurrently (capabilities)
        capabilities = erp.capabilities
        self._per_line = (None if capabilities.batch_prices
                          else PerLinePricing(erp, capabilities.max_concurrent_calls))

    def quote(self, query: PriceQuery) -> PriceQuote:
        """Price every line: fresh cache, else the ERP (one call), else stale, else PricesUnavailable."""
        customer, keys, found = self._from_cache(query)
        self._counters.add("hits", len(found))
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        self._counters.add("misses", len(missing))
        if missing:
            found.update(self._fetch(customer, query, keys, missing))
        return self._assemble(query, customer, keys, found)

    def cached_quote(self, query: PriceQuery) -> PriceQuote | None:
        """The quote if every line is fresh in the cache, else None (nothing counted); raises as quote()."""
        customer, keys, found = self._from_cache(query)
        if len(found) != len(set(keys)):
            return None
        self._counters.add("hits", len(found))
        return self._assemble(query, customer, keys, found)

    def _from_cache(
        self, query: PriceQuery
    ) -> tuple[Customer, list[PriceKey], dict[PriceKey, tuple[CachedPrice, PriceSource]]]:
        customer = self.customers(query.customer_id)
        if query.currency != customer.currency:
            raise InputError(
                f"customer {customer.customer_id} is invoiced in {customer.currency}, not {query.currency}",
                field="currency",
            )
        now = self.clock.now()
        keys = [self._key(customer, query.currency, line) for line in query.lines]
        found: dict[PriceKey, tuple[CachedPrice, PriceSource]] = {}
        for key in keys:
            entry = self.cache.fresh(key, now)
            if entry is not None:
                found[key] = (entry, PriceSource.CACHE)
        return customer, keys, found

    def _key(self, customer: Customer, currency: str, line: PriceRequestLine) -> PriceKey:
        return PriceKey(customer.customer_id, line.sku, line.quantity, line.configuration.hash, currency)

    def _fetch(
        self, customer: Customer, query: PriceQuery, keys: list[PriceKey], missing: list[PriceKey]
    ) -> dict[PriceKey, tuple[CachedPrice, PriceSource]]:
        lines = {k: line for k, line in zip(keys, query.lines, strict=True)}

        def fetch(mine: list[PriceKey]) -> dict[PriceKey, CachedPrice]:
            return self._call_erp(customer, query.currency, [lines[k] for k in mine], mine)

        try:
            fetched = self.flights.run(missing, fetch)
            return {k: (v, PriceSource.ERP) for k, v in fetched.items()}
        except ErpUnavailable as exc:
            return self._stale_or_fail(missing, exc)
        except ErpRejected as exc:
            if not exc.retryable:  # a business answer (unknown customer...) is never hidden by stale prices
                raise
            return self._stale_or_fail(missing, ErpUnavailable(str(exc)))

    def _call_erp(
        self, customer: Customer, currency: str, lines: list[PriceRequestLine], keys: list[PriceKey]
    ) -> dict[PriceKey, CachedPrice]:
        def call() -> ErpPriceAnswer:
            if self._per_line is None:
                self._counters.add("erp_calls")
                return self.erp.simulate_prices(customer.erp_customer_no, currency, lines)
            self._counters.add("erp_calls", len(lines))
            return self._per_line.simulate(customer.erp_customer_no, currency, lines)

        try:
            answer = self.breaker.call(call)
        except CircuitOpen:
            raise
        except ErpUnavailable:
            self._counters.add("erp_failures")
            self._counters.last_failure = self.clock.now()
            raise
        now = self.clock.now()
        self._counters.last_success = now
        if len(answer.lines) != len(lines):
            raise ErpUnavailable(f"ERP answered {len(answer.lines)} lines for {len(lines)} asked")
        fresh_until = self.cache.fresh_until(now, answer.valid_until)
        out: dict[PriceKey, CachedPrice] = {}
        for key, price in zip(keys, answer.lines, strict=True):
            entry = CachedPrice(price, customer.price_group, answer.prices_include_tax, now, fresh_until)
            self.cache.put(key, entry)
            out[key] = entry
        return out

    def _stale_or_fail(
        self, missing: list[PriceKey], exc: ErpUnavailable
    ) -> dict[PriceKey, tuple[CachedPrice, PriceSource]]:
        now = self.clock.now()
        stale = {k: self.cache.stale(k, now) for k in missing}
        if all(stale.values()):
            self._counters.add("stale_served", len(stale))
            log.warning("ERP unavailable (%s); serving %d stale prices", exc, len(stale))
            return {k: (v, PriceSource.STALE) for k, v in stale.items() if v is not None}
        self._counters.add("unavailable")
        retry = int(max(exc.retry_after if isinstance(exc, CircuitOpen) else 0, 5))
        raise PricesUnavailable(
            "Prices cannot be fetched from the ERP right now and no recent quote is known; "
            "try again shortly.",
            retry_after=retry,
        ) from exc

    def _assemble(
        self,
        query: PriceQuery,
        customer: Customer,
        keys: list[PriceKey],
        found: dict[PriceKey, tuple[CachedPrice, PriceSource]],
    ) -> PriceQuote:
        quoted: list[QuotedLine] = []
        for line, key in zip(query.lines, keys, strict=True):
            entry, source = found[key]
            quoted.append(QuotedLine(line.line_ref, source, entry.fetched_at, entry.price))
        entries = [found[k][0] for k in keys]
        quote = PriceQuote(
            quote_id=new_quote_id(),
            customer_id=customer.customer_id,
            currency=query.currency,
            source=max((q.source for q in quoted), key=_WORST.__getitem__),
            prices_include_tax=entries[0].prices_include_tax,
            fetched_at=min(e.fetched_at for e in entries),
            valid_until=min(e.fresh_until for e in entries),
            lines=tuple(quoted),
            totals=totals_of([q.price for q in quoted]),
        )
        self._counters.add("quotes")
        self._remember(quote)
        return quote

    def _remember(self, quote: PriceQuote) -> None:
        recent = RecentQuote(quote.quote_id, quote.customer_id, quote.currency, self.clock.now(), quote.lines)
        with self._recent_lock:
            self._recent[quote.quote_id] = recent
            self._recent_lines += len(recent.lines)
            while len(self._recent) > 1 and (
                len(self._recent) > self.recent_limit or self._recent_lines > self.recent_max_lines
            ):
                _, dropped = self._recent.popitem(last=False)
                self._recent_lines -= len(dropped.lines)

    def recent_quote(self, quote_id: str) -> RecentQuote | None:
        """A recently served quote by id, or None when unknown or evicted."""
        with self._recent_lock:
            return self._recent.get(quote_id)

    def recent_quotes(self, limit: int = 100) -> list[RecentQuote]:
        """The most recently served quotes, newest first."""
        with self._recent_lock:
            return list(reversed(self._recent.values()))[:limit]

    def invalidate(
        self,
        *,
        skus: Iterable[str] = (),
        customer_ids: Iterable[str] = (),
        price_groups: Iterable[str] = (),
        everything: bool = False,
    ) -> int:
        """Drop cached prices (ERP price changes); returns how many entries were dropped."""
        customer_ids = tuple(customer_ids)
        if self.forget_customers is not None and (everything or customer_ids):
            self.forget_customers(None if everything else customer_ids)
        count = self.cache.invalidate(
            skus=skus, customer_ids=customer_ids, price_groups=price_groups, everything=everything
        )
        self._counters.add("invalidated", count)
        return count

    def stats(self) -> dict[str, Any]:
        """Counters for the admin page and metrics."""
        c = self._counters
        with c.lock:
            values: dict[str, Any] = dict(c.values)
        values.update(
            cache_entries=len(self.cache),
            breaker_state=self.breaker.state,
            breaker_opened=self.breaker.opened_count,
            last_erp_success=c.last_success,
            last_erp_failure=c.last_failure,
        )
        return values

"""In-memory price cache: fresh for a TTL (never past the ERP's ValidUntil), kept longer for stale answers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..domain.pricing import LinePrice


@dataclass(frozen=True, slots=True)
class PriceKey:
    """What a cached price depends on."""

    customer_id: str
    sku: str
    quantity: int
    configuration_hash: str
    currency: str


@dataclass(frozen=True, slots=True)
class CachedPrice:
    """A line price as the ERP answered it, with its provenance."""

    price: LinePrice
    price_group: str
    prices_include_tax: bool
    fetched_at: datetime
    fresh_until: datetime


class PriceInvalidator(Protocol):
    """Anything that can drop cached prices (the cache itself, or PriceService)."""

    def invalidate(
        self,
        *,
        skus: Iterable[str] = (),
        customer_ids: Iterable[str] = (),
        price_groups: Iterable[str] = (),
        everything: bool = False,
    ) -> int:
        """Drop matching entries; returns how many were dropped."""
        ...


class PriceCache:
    """Thread-safe, bounded (least recently stored evicted first) store of ERP line prices."""

    def __init__(self, ttl_seconds: int, stale_max_age_seconds: int, max_entries: int = 10_000) -> None:
        self.ttl = timedelta(seconds=ttl_seconds)
        self.stale_max_age = timedelta(seconds=stale_max_age_seconds)
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[PriceKey, CachedPrice] = OrderedDict()

    def fresh_until(self, fetched_at: datetime, valid_until: datetime | None) -> datetime:
        """End of freshness: the TTL, capped by the ERP's own validity."""
        end = fetched_at + self.ttl
        return min(end, valid_until) if valid_until is not None else end

    def put(self, key: PriceKey, entry: CachedPrice) -> None:
        """Store (or replace) a price."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def fresh(self, key: PriceKey, now: datetime) -> CachedPrice | None:
        """The entry while it is fresh."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or now >= entry.fresh_until:
            return None
        return entry

    def stale(self, key: PriceKey, now: datetime) -> CachedPrice | None:
        """The last known entry if it is younger than the stale maximum age."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or now - entry.fetched_at > self.stale_max_age:
            return None
        return entry

    def invalidate(
        self,
        *,
        skus: Iterable[str] = (),
        customer_ids: Iterable[str] = (),
        price_groups: Iterable[str] = (),
        everything: bool = False,
    ) -> int:
        """Drop entries matching any sku, customer or price group (or all); returns how many.

        Dropped entries are not kept for stale answers: a price the ERP says has changed is wrong.
        """
        sku_set, customer_set, group_set = set(skus), set(customer_ids), set(price_groups)
        with self._lock:
            if everything:
                count = len(self._entries)
                self._entries.clear()
                return count
            doomed = [
                key
                for key, entry in self._entries.items()
                if key.sku in sku_set or key.customer_id in customer_set or entry.price_group in group_set
            ]
            for key in doomed:
                del self._entries[key]
            return len(doomed)

    def prune(self, now: datetime) -> int:
        """Drop entries too old even for a stale answer; returns how many."""
        with self._lock:
            doomed = [k for k, e in self._entries.items() if now - e.fetched_at > self.stale_max_age]
            for key in doomed:
                del self._entries[key]
            return len(doomed)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

"""ERP prices for one request: many products or basket lines priced in ONE middleware call."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .client import MiddlewareClient, MiddlewareRejected, MiddlewareUnavailable

log = logging.getLogger(__name__)

MAX_ITEMS = 200  # the middleware's batch limit
Key = tuple[str, int, tuple[tuple[str, str], ...]]
UNAVAILABLE: dict[str, Any] = {"status": "unavailable"}  # the middleware could not price it right now


def key_of(sku: str, quantity: int, options: dict[str, str]) -> Key:
    """The price key of a (product, quantity, configuration)."""
    return sku, int(quantity), tuple(sorted((k, v) for k, v in options.items() if v != ""))


def baseline(options_meta: list[dict[str, Any]]) -> dict[str, str]:
    """The configuration a listing shows a price for: required options at their default or first value."""
    chosen = {}
    for option in options_meta:
        if option.get("required"):
            first = option["values"][0]["code"] if option.get("values") else "A"
            chosen[option["code"]] = option.get("default") or first
    return chosen


class PriceBook:
    """Prices of one customer, fetched in batches and held for the request."""

    def __init__(self, client: MiddlewareClient, customer_id: str) -> None:
        self.client = client
        self.customer_id = customer_id
        self.lines: dict[Key, dict[str, Any]] = {}
        self.calls = 0

    def prefetch(self, keys: Iterable[Key]) -> None:
        """Price every key not yet known: one middleware call per 200 keys."""
        missing = list(dict.fromkeys(k for k in keys if k not in self.lines))
        for start in range(0, len(missing), MAX_ITEMS):
            self._fetch(missing[start : start + MAX_ITEMS])

    def _fetch(self, keys: list[Key]) -> None:
        items = [
            {"line_ref": str(n), "sku": sku, "quantity": qty, "options": dict(opts)}
            for n, (sku, qty, opts) in enumerate(keys)
        ]
        self.calls += 1
        try:
            quote = self.client.prices(self.customer_id, items)
        except (MiddlewareUnavailable, MiddlewareRejected) as exc:
            log.warning("no ERP prices for %d items: %s", len(keys), exc)
            self.lines.update(dict.fromkeys(keys, UNAVAILABLE))
            return
        for key, line in zip(keys, quote["lines"], strict=True):
            self.lines[key] = {
                **line,
                "quote_id": quote["quote_id"],
                "prices_include_tax": quote["prices_include_tax"],
                "currency": quote["currency"],
            }

    def get(self, key: Key) -> dict[str, Any]:
        """The middleware's priced line for the key (fetched alone if it was not prefetched)."""
        if key not in self.lines:
            self.prefetch([key])
        return self.lines[key]


def unit_amounts(line: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(net, tax) per unit such that quantity x unit gives the ERP's line amounts, one-time fees included."""
    quantity = Decimal(line["quantity"])
    return Decimal(line["net_amount"]) / quantity, Decimal(line["tax_amount"]) / quantity

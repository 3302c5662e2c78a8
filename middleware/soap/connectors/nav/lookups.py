"""Short-lived caches of the NAV facts pricing needs: the customer's VAT setup, an item's VAT group."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ....errors import ErpRejected
from .faults import is_not_found


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """What pricing needs to know about a customer card."""

    no: str
    prices_include_tax: bool
    vat_group: str
    currency: str
    blocked: bool


class TtlCache:
    """key -> value for `seconds`; loads outside the lock (two loads of one key may race, both correct)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[str], Any]) -> Any:
        """The cached value or a fresh load."""
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and now - hit[0] < self.seconds:
            return hit[1]
        value = load(key)
        with self._lock:
            self._data[key] = (now, value)
        return value


def read_record(call: Callable[..., Any], key: str, no: str) -> dict[str, Any] | None:
    """Page Read by No; None when NAV has no such record."""
    try:
        result = call(key, "Read", No=no)
    except ErpRejected as exc:
        if is_not_found(exc):
            return None
        raise
    return dict(result) if result else None

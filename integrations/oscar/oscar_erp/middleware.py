"""Prices a page's products in one middleware call before its template renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .strategy import ErpStrategy

CONTEXT_KEYS = ("products", "object_list", "product", "recommended_products")


def _products(context: dict[str, Any]) -> list[Any]:
    found: list[Any] = []
    for name in CONTEXT_KEYS:
        value = context.get(name)
        if value is None:
            continue
        items = [value] if hasattr(value, "stockrecords") else list(value)
        found += [getattr(item, "object", item) for item in items]  # search results wrap their product
    return found


class PrefetchErpPrices:
    """Django middleware: for template responses, batch every product in the context into one price call."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_template_response(self, request: Any, response: Any) -> Any:
        strategy = getattr(request, "strategy", None)
        if isinstance(strategy, ErpStrategy) and response.context_data:
            strategy.prefetch_products(_products(response.context_data))
        return response

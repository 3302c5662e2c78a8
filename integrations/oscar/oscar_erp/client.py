"""The middleware's REST API as the shop sees it: one session, timeouts, errors as two exceptions."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import requests

from .conf import ErpSettings, erp_settings


class MiddlewareUnavailable(Exception):
    """The middleware could not answer (unreachable, timeout, 5xx, 503 prices unavailable): try later."""


class MiddlewareRejected(Exception):
    """The middleware refused the request (4xx); `problem` is its problem+json body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status}: {problem.get('detail', '')}")
        self.status = status
        self.problem = problem


class MiddlewareClient:
    """Calls `/api/v1/...` with the shop's key; never retries on its own (callers decide)."""

    def __init__(self, config: ErpSettings | None = None, session: requests.Session | None = None) -> None:
        self.config = config or erp_settings()
        self.session = session or requests.Session()
        self.session.trust_env = False

    def _call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        try:
            response = self.session.request(
                method,
                f"{self.config.url}/api/v1{path}",
                json=body,
                timeout=self.config.timeout,
                headers={"Authorization": f"Bearer {self.config.api_key}", **(headers or {})},
            )
        except requests.RequestException as exc:
            raise MiddlewareUnavailable(f"{type(exc).__name__} calling {path}") from exc
        if response.status_code >= 500:
            raise MiddlewareUnavailable(f"HTTP {response.status_code} from {path}")
        try:
            data = response.json()
        except ValueError:
            data = {"detail": response.text[:200]}
        if response.status_code >= 400:
            raise MiddlewareRejected(response.status_code, data)
        return data

    def prices(self, customer_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        """One batch quote for up to 200 items."""
        return self._call(
            "POST", "/prices", {"customer_id": customer_id, "currency": self.config.currency, "items": items}
        )

    def products(self, page_size: int = 200) -> Iterator[dict[str, Any]]:
        """Every product of the middleware's catalog mirror, page by page."""
        offset = 0
        while True:
            page = self._call("GET", f"/products?offset={offset}&limit={page_size}")
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def validate(self, sku: str, options: dict[str, str]) -> dict[str, Any]:
        """The middleware's verdict on a configuration (works while the ERP is down)."""
        return self._call("POST", "/configurator/validate", {"sku": sku, "options": options})

    def preview(self, customer_id: str, sku: str, quantity: int, options: dict[str, str]) -> dict[str, Any]:
        """What each option value adds, for this customer and quantity."""
        return self._call(
            "POST",
            "/configurator/preview",
            {
                "customer_id": customer_id,
                "currency": self.config.currency,
                "sku": sku,
                "quantity": quantity,
                "options": options,
            },
        )

    def place_order(self, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """POST the order; the same key and body again return the first answer."""
        return self._call("POST", "/orders", body, headers={"Idempotency-Key": idempotency_key})

    def order(self, order_number: str) -> dict[str, Any]:
        """The middleware's view of an order (status, ERP number, history)."""
        return self._call("GET", f"/orders/{order_number}")


@lru_cache(maxsize=4)
def _client_for(config: ErpSettings) -> MiddlewareClient:
    return MiddlewareClient(config)


def shared_client() -> MiddlewareClient:
    """One client (one keep-alive connection pool) per configuration, shared by every request."""
    return _client_for(erp_settings())

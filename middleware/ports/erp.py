"""The ERP as the core sees it, and the seam a connector plugs into.

A connector (one per ERP family, `middleware/soap/connectors/<name>/`, or a company's own class named by
`MIDDLEWARE_ERP_CONNECTOR=package.module:ClassName`) is a class built as `Connector(config: ConnectorConfig)`
that implements `Erp`. It declares what its ERP can do in `capabilities`; services choose their path from that
instead of assuming the reference contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..domain.catalog import Customer, Product
from ..domain.erp import ErpOrder, Page
from ..domain.orders import NewOrder
from ..domain.pricing import ErpPriceAnswer, PriceRequestLine


@dataclass(frozen=True, slots=True)
class ErpCapabilities:
    """What an ERP offers beyond the basic operations; the reference contract has everything."""

    # simulate_prices prices many lines in one call; if False, PriceService calls it once per line,
    # concurrently, at most `max_concurrent_calls` at a time
    batch_prices: bool = True
    max_concurrent_calls: int = 8
    # get_sales_order(order_number=...) finds an order by the shop's number (ask before a retry)
    lookup_by_order_number: bool = True
    # list_sales_orders filters on last change; if False, on the order date (a window to read in full)
    modified_since_listing: bool = True
    # the ERP pushes status changes over our SOAP service; if False, the middleware polls for them
    status_push: bool = True


@dataclass(frozen=True, slots=True)
class ErpMessage:
    """One SOAP message exchanged with the ERP, for the admin's message view (the recorder masks secrets)."""

    operation: str
    kind: str  # "request" | "response" | "fault"
    body: str
    subject: str | None = None  # the shop's order number when the message concerns one
    duration_ms: float | None = None


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of `python run.py erp check`; `detail` never holds a secret."""

    name: str
    ok: bool
    detail: str


def _no_request_id() -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class ConnectorConfig:
    """What a connector is built from: its profile and the process's ERP link settings."""

    profile: Mapping[str, Any] = field(default_factory=dict)  # the parsed TOML profile ({} without one)
    profile_path: str | None = None
    endpoint: str | None = None  # MIDDLEWARE_ERP_ENDPOINT when set: overrides the profile's URL
    wsdl: str | None = None  # MIDDLEWARE_ERP_WSDL when set
    username: str = ""
    password: str = ""
    connect_timeout: float = 2.0
    read_timeout: float = 10.0
    pool_size: int = 20
    record: Callable[[ErpMessage], None] | None = None  # the audit sink for every exchanged message
    request_id: Callable[[], str | None] = _no_request_id  # sent to the ERP as X-Request-ID

    def __repr__(self) -> str:  # never show the password
        return f"ConnectorConfig(profile_path={self.profile_path!r}, endpoint={self.endpoint!r})"


class Erp(Protocol):
    """Operations of the ERP; raise ErpUnavailable, ErpTimeout or ErpRejected (middleware.errors)."""

    @property
    def capabilities(self) -> ErpCapabilities:
        """What this ERP offers (see ErpCapabilities)."""
        ...

    @property
    def endpoint(self) -> str:
        """The ERP's base URL (the readiness probe connects to its host and port)."""
        ...

    def get_customer(self, erp_customer_no: str) -> Customer:
        """The customer; NotFound when the ERP does not know it."""
        ...

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Price the lines (one call when `capabilities.batch_prices`); answer lines are in request order."""
        ...

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Create the order keyed by its order_number (the shop's number, in the ERP's reference field)."""
        ...

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """The order by the shop's or the ERP's number (also once posted), or None when the ERP has none."""
        ...

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """One page of orders changed (without `modified_since_listing`: dated) since a time, oldest first."""
        ...

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Cancel an order in the ERP."""
        ...

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """One page of the ERP's items."""
        ...

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """One page of the ERP's customers."""
        ...

    def housekeeping(self) -> int:
        """Clean up what the connector had to leave in the ERP (e.g. temporary quotes); how many remain."""
        ...

    def check(self) -> Sequence[CheckItem]:
        """Fetch the WSDLs and make one harmless call; report, never raise, never show a secret."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

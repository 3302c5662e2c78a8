"""ErpCallRecorder: the ERP port wrapped so every call is timed, counted and logged with its request id."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from ..domain.catalog import Customer, Product
from ..domain.erp import ErpOrder, Page
from ..domain.orders import NewOrder
from ..domain.pricing import ErpPriceAnswer, PriceRequestLine
from ..errors import ErpRejected, ErpTimeout, ErpUnavailable
from ..ports.admin import LinkEvent, OperationStats
from ..ports.erp import CheckItem, Erp, ErpCapabilities

T = TypeVar("T")
log = logging.getLogger("middleware.erp")

OK, REJECTED, UNAVAILABLE, TIMEOUT, ERROR = "ok", "rejected", "unavailable", "timeout", "error"
LINK_FAILURES = {UNAVAILABLE, TIMEOUT, ERROR}


def outcome_of(exc: BaseException | None) -> str:
    """Classify a call's result: a business fault means the link works."""
    if exc is None:
        return OK
    if isinstance(exc, ErpRejected):
        return REJECTED
    if isinstance(exc, ErpTimeout):
        return TIMEOUT
    if isinstance(exc, ErpUnavailable):
        return UNAVAILABLE
    return ERROR


def _percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


class CallWindow:
    """A bounded in-memory window of recent calls (monotonic time), thread-safe."""

    def __init__(
        self,
        max_samples: int = 20_000,
        horizon_seconds: float = 3600.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._samples: deque[tuple[float, str, float, str]] = deque(maxlen=max_samples)
        self._horizon = horizon_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last_success: LinkEvent | None = None
        self._last_failure: LinkEvent | None = None

    def add(self, operation: str, duration: float, outcome: str, detail: str = "") -> None:
        """Record one call."""
        now = self._monotonic()
        event = LinkEvent(at=datetime.now(UTC), operation=operation, detail=detail)
        with self._lock:
            self._samples.append((now, operation, duration, outcome))
            while self._samples and now - self._samples[0][0] > self._horizon:
                self._samples.popleft()
            if outcome in LINK_FAILURES:
                self._last_failure = event
            else:
                self._last_success = event

    def operation_stats(self, window_seconds: float) -> list[OperationStats]:
        """Per-operation counts and p50/p95 over the last `window_seconds`."""
        cutoff = self._monotonic() - window_seconds
        with self._lock:
            recent = [s for s in self._samples if s[0] >= cutoff]
        by_op: dict[str, list[tuple[float, str]]] = {}
        for _, operation, duration, outcome in recent:
            by_op.setdefault(operation, []).append((duration, outcome))
        stats = []
        for operation in sorted(by_op):
            calls = by_op[operation]
            durations = sorted(d * 1000 for d, _ in calls)
            stats.append(
                OperationStats(
                    operation=operation,
                    calls=len(calls),
                    errors=sum(1 for _, o in calls if o in LINK_FAILURES),
                    rejected=sum(1 for _, o in calls if o == REJECTED),
                    p50_ms=_percentile(durations, 0.5),
                    p95_ms=_percentile(durations, 0.95),
                )
            )
        return stats

    def last_success(self) -> LinkEvent | None:
        """The latest call the ERP answered."""
        return self._last_success

    def last_failure(self) -> LinkEvent | None:
        """The latest call that failed on the link."""
        return self._last_failure

    def seconds_since_last_call(self) -> float | None:
        """How long ago the last call ended, None if none is in the window."""
        with self._lock:
            return self._monotonic() - self._samples[-1][0] if self._samples else None


class ErpCallRecorder:
    """Implements the Erp port around another Erp; records duration and outcome of each operation."""

    def __init__(
        self,
        erp: Erp,
        window: CallWindow,
        observe: Callable[[str, str, float], None] | None = None,
        on_error: Callable[[str, str, str | None, str], None] | None = None,
    ) -> None:
        self.inner = erp
        self.window = window
        self._observe = observe  # (operation, outcome, seconds) -> Prometheus
        self._on_error = on_error  # (operation, outcome, subject, message) -> audit

    def __getattr__(self, name: str) -> Any:
        # a connector's own extras (its zeep client, profile) pass through
        return getattr(self.inner, name)

    @property
    def capabilities(self) -> ErpCapabilities:
        """The connector's capabilities."""
        return self.inner.capabilities

    @property
    def endpoint(self) -> str:
        """The connector's endpoint."""
        return self.inner.endpoint

    def housekeeping(self) -> int:
        """The connector's own clean-up (not timed)."""
        return self.inner.housekeeping()

    def check(self) -> Sequence[CheckItem]:
        """The connector's own check (not timed: it is no business call)."""
        return self.inner.check()

    def close(self) -> None:
        """Close the connector."""
        self.inner.close()

    def _call(self, operation: str, func: Callable[[], T], subject: str | None = None) -> T:
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            return func()
        except BaseException as exc:
            error = exc
            raise
        finally:
            duration = time.perf_counter() - started
            outcome = outcome_of(error)
            message = str(error)[:500] if error is not None else ""
            self.window.add(operation, duration, outcome, message)
            if self._observe is not None:
                self._observe(operation, outcome, duration)
            log.info(
                "erp call %s %s %.1f ms",
                operation,
                outcome,
                duration * 1000,
                extra={
                    "erp_operation": operation,
                    "outcome": outcome,
                    "duration_ms": round(duration * 1000, 1),
                    "subject": subject,
                },
            )
            if error is not None and self._on_error is not None:
                self._on_error(operation, outcome, subject, message)

    def get_customer(self, erp_customer_no: str) -> Customer:
        """Timed GetCustomer."""
        return self._call("GetCustomer", lambda: self.inner.get_customer(erp_customer_no))

    def simulate_prices(
        self, erp_customer_no: str, currency: str, lines: Sequence[PriceRequestLine]
    ) -> ErpPriceAnswer:
        """Timed SimulateSalesPrices."""
        return self._call(
            "SimulateSalesPrices", lambda: self.inner.simulate_prices(erp_customer_no, currency, lines)
        )

    def create_sales_order(self, order: NewOrder, erp_customer_no: str) -> ErpOrder:
        """Timed CreateSalesOrder."""
        return self._call(
            "CreateSalesOrder",
            lambda: self.inner.create_sales_order(order, erp_customer_no),
            subject=order.order_number,
        )

    def get_sales_order(
        self, *, order_number: str | None = None, erp_order_number: str | None = None
    ) -> ErpOrder | None:
        """Timed GetSalesOrder."""
        return self._call(
            "GetSalesOrder",
            lambda: self.inner.get_sales_order(order_number=order_number, erp_order_number=erp_order_number),
            subject=order_number,
        )

    def list_sales_orders(
        self, modified_since: datetime | None, page_size: int, bookmark: str | None
    ) -> Page[ErpOrder]:
        """Timed ListSalesOrders."""
        return self._call(
            "ListSalesOrders", lambda: self.inner.list_sales_orders(modified_since, page_size, bookmark)
        )

    def cancel_sales_order(self, erp_order_number: str, reason: str) -> ErpOrder:
        """Timed CancelSalesOrder."""
        return self._call("CancelSalesOrder", lambda: self.inner.cancel_sales_order(erp_order_number, reason))

    def list_items(self, page_size: int, bookmark: str | None) -> Page[Product]:
        """Timed ListItems."""
        return self._call("ListItems", lambda: self.inner.list_items(page_size, bookmark))

    def list_customers(self, page_size: int, bookmark: str | None) -> Page[Customer]:
        """Timed ListCustomers."""
        return self._call("ListCustomers", lambda: self.inner.list_customers(page_size, bookmark))

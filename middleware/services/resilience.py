"""Keyed single-flight and a circuit breaker for calls to the ERP (threads, standard library only).

A hand-rolled breaker rather than pybreaker: it takes an injectable monotonic clock (tests need no
sleeps), decides per exception whether it counts as a failure, and lives in the plain-Python core.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

from ..errors import ErpRejected, ErpUnavailable

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class SingleFlight(Generic[K, V]):
    """Concurrent callers asking for the same keys share one fetch per key."""

    def __init__(self, wait_timeout: float | None = None) -> None:
        self._lock = threading.Lock()
        self._inflight: dict[K, Future[V]] = {}
        self._wait_timeout = wait_timeout

    def run(self, keys: Sequence[K], fetch: Callable[[list[K]], Mapping[K, V]]) -> dict[K, V]:
        """Fetch the keys nobody is fetching in ONE call; wait for the others; errors are shared."""
        with self._lock:
            mine = [k for k in dict.fromkeys(keys) if k not in self._inflight]
            theirs = {k: self._inflight[k] for k in keys if k not in mine}
            own: dict[K, Future[V]] = {k: Future() for k in mine}
            self._inflight.update(own)
        out: dict[K, V] = {}
        if mine:
            try:
                result = fetch(mine)
                for k in mine:
                    if k not in result:
                        raise KeyError(f"fetch answered no value for {k!r}")
                    out[k] = result[k]
                    own[k].set_result(result[k])
            except BaseException as exc:
                for future in own.values():
                    if not future.done():
                        future.set_exception(exc)
                raise
            finally:
                with self._lock:
                    for k in mine:
                        self._inflight.pop(k, None)
        for k, future in theirs.items():
            out[k] = future.result(timeout=self._wait_timeout)
        return out

    def inflight(self) -> int:
        """How many keys are being fetched right now."""
        with self._lock:
            return len(self._inflight)


class CircuitOpen(ErpUnavailable):
    """The breaker is open: the ERP is not called until the reset timeout has passed."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"ERP circuit open; next probe in {retry_after:.0f} s")
        self.retry_after = retry_after


def counts_as_failure(exc: BaseException) -> bool:
    """Transport trouble and retryable ERP faults trip the breaker; business faults do not."""
    if isinstance(exc, ErpUnavailable):
        return True
    return isinstance(exc, ErpRejected) and exc.retryable


class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failures; lets one probe through after `reset_timeout`."""

    def __init__(
        self,
        failure_threshold: int,
        reset_timeout: float,
        monotonic: Callable[[], float] = time.monotonic,
        is_failure: Callable[[BaseException], bool] = counts_as_failure,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._monotonic = monotonic
        self._is_failure = is_failure
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self.opened_count = 0

    @property
    def state(self) -> str:
        """closed, open or half_open."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return CLOSED
        if self._monotonic() - self._opened_at >= self.reset_timeout:
            return HALF_OPEN
        return OPEN

    def retry_after(self) -> float:
        """Seconds until the next probe (0 when closed or half-open)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.reset_timeout - (self._monotonic() - self._opened_at))

    def _admit(self) -> None:
        with self._lock:
            state = self._state()
            if state == CLOSED:
                return
            if state == HALF_OPEN and not self._probing:
                self._probing = True  # exactly one probe; the others keep failing fast
                return
            remaining = self.reset_timeout - (self._monotonic() - (self._opened_at or 0.0))
            raise CircuitOpen(max(remaining, 1.0))

    def call(self, func: Callable[[], T]) -> T:
        """Run `func` through the breaker; raises CircuitOpen while open."""
        self._admit()
        try:
            result = func()
        except BaseException as exc:
            self._record(failed=self._is_failure(exc))
            raise
        self._record(failed=False)
        return result

    def _record(self, failed: bool) -> None:
        with self._lock:
            self._probing = False
            if not failed:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._opened_at is not None or self._failures >= self.failure_threshold:
                if self._opened_at is None:
                    self.opened_count += 1
                self._opened_at = self._monotonic()

    def reset(self) -> None:
        """Close the breaker (admin action, tests)."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

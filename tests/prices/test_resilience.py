"""Single-flight and circuit breaker."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from middleware.errors import ErpRejected, ErpUnavailable
from middleware.services.resilience import CLOSED, HALF_OPEN, OPEN, CircuitBreaker, CircuitOpen, SingleFlight


class Ticker:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_fifty_concurrent_identical_fetches_make_one_call() -> None:
    flights: SingleFlight[str, int] = SingleFlight()
    calls: list[list[str]] = []
    gate = threading.Event()

    def fetch(keys: list[str]) -> dict[str, int]:
        calls.append(keys)
        gate.wait(2)
        return {k: len(k) for k in keys}

    with ThreadPoolExecutor(50) as pool:
        futures = [pool.submit(flights.run, ["abc"], fetch) for _ in range(50)]
        while flights.inflight() == 0:
            pass
        gate.set()
        results = [f.result(timeout=5) for f in futures]
    assert results == [{"abc": 3}] * 50
    assert len(calls) == 1


def test_a_waiter_fetches_only_the_keys_nobody_else_is_fetching() -> None:
    flights: SingleFlight[str, int] = SingleFlight()
    gate, started = threading.Event(), threading.Event()
    calls: list[list[str]] = []

    def slow(keys: list[str]) -> dict[str, int]:
        calls.append(keys)
        started.set()
        gate.wait(2)
        return dict.fromkeys(keys, 1)

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(flights.run, ["a"], slow)
        started.wait(2)
        def quick(keys: list[str]) -> dict[str, int]:
            calls.append(keys)
            return dict.fromkeys(keys, 2)

        second = pool.submit(flights.run, ["a", "b"], quick)
        while len(calls) < 2:
            pass
        gate.set()
        assert first.result(2) == {"a": 1}
        assert second.result(2) == {"a": 1, "b": 2}
    assert calls == [["a"], ["b"]]


def test_a_failed_fetch_is_shared_and_not_remembered() -> None:
    flights: SingleFlight[str, int] = SingleFlight()

    def boom(keys: list[str]) -> dict[str, int]:
        raise ErpUnavailable("down")

    with pytest.raises(ErpUnavailable):
        flights.run(["a"], boom)
    assert flights.inflight() == 0
    assert flights.run(["a"], lambda keys: {"a": 1}) == {"a": 1}


def _fail() -> None:
    raise ErpUnavailable("down")


def test_breaker_opens_after_threshold_and_fails_fast() -> None:
    tick = Ticker()
    breaker = CircuitBreaker(3, 10.0, monotonic=tick)
    for _ in range(3):
        with pytest.raises(ErpUnavailable):
            breaker.call(_fail)
    assert breaker.state == OPEN
    called = []
    with pytest.raises(CircuitOpen) as exc:
        breaker.call(lambda: called.append(1))
    assert called == []
    assert 9 <= exc.value.retry_after <= 10


def test_breaker_probes_once_after_reset_timeout_and_closes_on_success() -> None:
    tick = Ticker()
    breaker = CircuitBreaker(1, 10.0, monotonic=tick)
    with pytest.raises(ErpUnavailable):
        breaker.call(_fail)
    tick.t = 10.5
    assert breaker.state == HALF_OPEN
    assert breaker.call(lambda: "ok") == "ok"
    assert breaker.state == CLOSED


def test_a_failed_probe_opens_the_breaker_again() -> None:
    tick = Ticker()
    breaker = CircuitBreaker(1, 10.0, monotonic=tick)
    with pytest.raises(ErpUnavailable):
        breaker.call(_fail)
    tick.t = 11
    with pytest.raises(ErpUnavailable):
        breaker.call(_fail)
    assert breaker.state == OPEN
    tick.t = 15
    with pytest.raises(CircuitOpen):
        breaker.call(lambda: None)


def test_business_faults_do_not_trip_the_breaker() -> None:
    breaker = CircuitBreaker(1, 10.0, monotonic=Ticker())

    def reject() -> None:
        raise ErpRejected("VALIDATION", "bad", retryable=False)

    for _ in range(3):
        with pytest.raises(ErpRejected):
            breaker.call(reject)
    assert breaker.state == CLOSED


def test_successes_reset_the_failure_count() -> None:
    breaker = CircuitBreaker(2, 10.0, monotonic=Ticker())
    for _ in range(3):
        with pytest.raises(ErpUnavailable):
            breaker.call(_fail)
        breaker.call(lambda: None)
    assert breaker.state == CLOSED

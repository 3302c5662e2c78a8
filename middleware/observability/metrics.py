"""Prometheus metrics of one app, in its own CollectorRegistry (tests build many apps)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from . import labels

log = logging.getLogger(__name__)
MAX_CACHED_LABEL_SETS = 1_000  # methods come from clients: never let the lookup table grow unbounded
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every collector the middleware exports."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self._status_sources: set[str] = set()
        r = self.registry
        self.http_requests = Counter(
            "middleware_http_requests",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_latency = Histogram(
            "middleware_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.soap_requests = Counter(
            "middleware_soap_requests",
            "SOAP calls from the ERP by operation",
            ["operation", "outcome"],
            registry=r,
        )
        self.soap_latency = Histogram(
            "middleware_soap_request_duration_seconds",
            "SOAP call latency",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.erp_calls = Counter(
            "middleware_erp_calls",
            "Calls to the ERP by operation and outcome",
            ["operation", "outcome"],
            registry=r,
        )
        self.erp_latency = Histogram(
            "middleware_erp_call_duration_seconds",
            "ERP call latency",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self._http_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self.audit_dropped = Counter(
            "middleware_audit_dropped", "Audit entries dropped (queue full)", registry=r
        )

    def observe_erp_call(self, operation: str, outcome: str, seconds: float) -> None:
        """Count and time one ERP call."""
        self.erp_calls.labels(operation, outcome).inc()
        self.erp_latency.labels(operation).observe(seconds)

    def observe_soap_call(self, operation: str, outcome: str, seconds: float) -> None:
        """Count and time one SOAP call from the ERP (operation and outcome mapped onto closed sets)."""
        operation = labels.soap_operation(operation)
        self.soap_requests.labels(operation, labels.soap_outcome(outcome)).inc()
        self.soap_latency.labels(operation).observe(seconds)

    def observe_http(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count and time one HTTP request; `route` must be a route template, never a raw path."""
        key = (method, route, status)
        children = self._http_children.get(key)
        if children is None:  # labels() validates and locks on every call: look each label set up once
            closed = labels.http_method(method)
            children = (self.http_requests.labels(closed, route, labels.http_status(status)),
                        self.http_latency.labels(closed, route))
            if len(self._http_children) < MAX_CACHED_LABEL_SETS:
                self._http_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def add_status_source(self, source: Callable[[], Iterable[Metric]], name: str = "status") -> None:
        """Export values computed at scrape time (outbox depth, cache counters, findings), once per name:
        several apps built on one container share its registry."""
        if name in self._status_sources:
            return
        self._status_sources.add(name)
        self.registry.register(_CallbackCollector(source))


class _CallbackCollector(Collector):
    def __init__(self, source: Callable[[], Iterable[Metric]]) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        try:
            yield from self._source()
        except Exception:  # a broken source must not break the whole scrape
            log.exception("metrics source failed")

    def describe(self) -> Iterable[Metric]:
        return []


def status_metrics(status: Any) -> Iterable[Metric]:
    """Gauges and counters from the admin service's numbers (see services.admin_status.StatusBoard)."""
    prices = status.price_numbers()
    if prices is not None:
        for name, value in (("hits", prices.hits), ("misses", prices.misses), ("stale", prices.stale_served)):
            yield CounterMetricFamily(f"middleware_price_cache_{name}", f"Price cache {name}", value=value)
        if prices.entries is not None:
            yield GaugeMetricFamily(
                "middleware_price_cache_entries", "Price cache entries", value=prices.entries
            )
    queue = status.queue_numbers()
    if queue is not None:
        depth, oldest_age = queue
        yield GaugeMetricFamily("middleware_outbox_depth", "Orders not yet delivered to the ERP", value=depth)
        yield GaugeMetricFamily(
            "middleware_outbox_oldest_age_seconds",
            "Age of the oldest undelivered order",
            value=oldest_age or 0.0,
        )
    breaker_open = status.breaker_open()
    if breaker_open is not None:
        yield GaugeMetricFamily(
            "middleware_erp_breaker_open", "1 while the ERP circuit breaker is open", value=int(breaker_open)
        )
    yield from _webhook_metrics(status.webhook_numbers())
    findings = status.finding_numbers()
    if findings is not None:
        family = GaugeMetricFamily(
            "middleware_open_findings", "Open reconciliation findings", labels=["kind", "severity"]
        )
        for (kind, severity), count in sorted(findings.items()):
            family.add_metric([kind, severity], count)
        yield family


def _webhook_metrics(numbers: tuple[int, dict[str, int]] | None) -> Iterable[Metric]:
    if numbers is None:
        return
    queued, failed = numbers
    yield GaugeMetricFamily(
        "middleware_webhook_queue_depth", "Webhook events and deliveries not yet delivered", value=queued
    )
    family = GaugeMetricFamily(
        "middleware_webhook_failed_deliveries",
        "Webhook deliveries given up, per endpoint",
        labels=["endpoint"],
    )
    for endpoint, count in sorted(failed.items()):
        family.add_metric([endpoint], count)
    yield family

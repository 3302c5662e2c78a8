"""Observability adapter: request ids, logs, Prometheus metrics, ERP call timing, health endpoints.

Wiring (middleware/wiring/observe.py) builds `Observability(...)` and wraps the ERP connector with
`obs.wrap_erp(erp)`; app.py calls `install(app, obs)` last, so the WSGI middleware is outermost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, request

from ..ports.admin import ERP_OUT, AuditEntry, AuditLog
from ..ports.erp import Erp
from .erp_recorder import CallWindow, ErpCallRecorder
from .health import ErpReachability, health
from .metrics import Metrics, status_metrics
from .redact import Redactor
from .wsgi import ROUTE_KEY, InboundRecorder, ObservabilityMiddleware

__all__ = ["ErpCallRecorder", "Observability", "install"]


@dataclass
class Observability:
    """The metrics registry, ERP call window and recorders of one process."""

    metrics: Metrics
    window: CallWindow
    redactor: Redactor
    erp_reachability: ErpReachability
    audit: AuditLog | None = None
    inbound: InboundRecorder = field(init=False)

    def __post_init__(self) -> None:
        self.inbound = InboundRecorder(self.metrics, self.audit, self.redactor)

    def wrap_erp(self, erp: Erp) -> ErpCallRecorder:
        """The ERP port wrapped so each call is timed, counted, logged and (on failure) audited."""
        return ErpCallRecorder(erp, self.window, self.metrics.observe_erp_call, self._audit_erp_error)

    def _audit_erp_error(self, operation: str, outcome: str, subject: str | None, message: str) -> None:
        if self.audit is None:
            return
        from datetime import UTC, datetime

        from . import requestid

        self.audit.record(
            AuditEntry(
                category=ERP_OUT,
                action=operation,
                kind="error",
                at=datetime.now(UTC),
                subject=subject,
                outcome=outcome,
                request_id=requestid.current(),
                detail={"error": self.redactor(message)},
            )
        )


def _remember_route() -> None:
    rule = request.url_rule
    request.environ[ROUTE_KEY] = rule.rule if rule is not None else "<unmatched>"


def install(app: Flask, obs: Observability, status: Any | None = None) -> None:
    """Mount /healthz, /readyz, /metrics and wrap the WSGI app; `status` feeds scrape-time gauges."""
    app.extensions["observability"] = obs
    app.config["MIDDLEWARE_ROUTE_ENVIRON_KEY"] = ROUTE_KEY  # for WSGI shortcuts in front of Flask
    app.register_blueprint(health)
    app.before_request(_remember_route)
    if status is not None:
        obs.metrics.add_status_source(lambda: status_metrics(status))
    app.wsgi_app = ObservabilityMiddleware(app.wsgi_app, obs.metrics, obs.inbound)  # type: ignore[method-assign]

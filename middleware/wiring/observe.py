"""Metrics, the audit log and the ERP connector wrapped for observation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..config import Settings
from ..observability import Observability, requestid
from ..observability.erp_messages import ErpMessageAudit
from ..observability.erp_recorder import CallWindow
from ..observability.health import ErpReachability
from ..observability.logs import secret_values
from ..observability.metrics import Metrics
from ..observability.redact import Redactor
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..store.audit_repo import AuditRepository
from ..store.db import Database
from .erp import build_erp


@dataclass(frozen=True)
class Observed:
    """The audit log, the observability bundle and the (wrapped) ERP port."""

    audit: AuditRepository
    observability: Observability
    erp: Erp


def build_observed(
    settings: Settings,
    db: Database,
    clock: Clock,
    breaker_state: Callable[[], str | None],
    erp: Erp | None = None,
) -> Observed:
    """Audit first (connectors record their messages into it), then the connector, then its wrapper."""
    metrics = Metrics()
    audit = AuditRepository(db, clock, settings.audit_retention_days, on_drop=metrics.audit_dropped.inc)
    redactor = Redactor(secret_values(settings))
    if erp is None:
        erp = build_erp(settings, record=ErpMessageAudit(audit.record, requestid.current, redactor))
    window = CallWindow()
    reachability = ErpReachability(
        erp.endpoint, window, timeout=settings.erp_connect_timeout, breaker_state=breaker_state
    )
    observability = Observability(metrics, window, redactor, reachability, audit)
    return Observed(audit, observability, observability.wrap_erp(erp))

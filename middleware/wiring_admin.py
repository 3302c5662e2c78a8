"""Wires observability (ERP call recorder, metrics, audit) and the admin service into a Container."""

from __future__ import annotations

from typing import Any

from .observability import Observability, requestid
from .observability.erp_messages import ErpMessageAudit
from .observability.logs import secret_values
from .observability.metrics import Metrics
from .observability.redact import Redactor
from .services.admin import AdminService
from .services.admin_sources import OrderAdminAdapter, PriceStatsAdapter
from .store.admin_queries import SqlOrderQueries
from .store.audit_repo import AuditRepository


def _breaker_state(c: Any) -> str | None:
    prices = getattr(c, "prices", None)
    return prices.breaker.state if prices is not None and hasattr(prices, "breaker") else None


def erp_message_sink(settings: Any, audit: AuditRepository) -> ErpMessageAudit:
    """Where connectors record their SOAP messages: the audit, masked."""
    return ErpMessageAudit(audit.record, requestid.current, Redactor(secret_values(settings)))


def wire_observability(c: Any, metrics: Metrics, audit: AuditRepository) -> None:
    """Set c.audit and c.observability and wrap c.erp in the ErpCallRecorder (before services use it)."""
    c.audit = audit
    c.observability = Observability.build(c.settings, c.audit, breaker_state=lambda: _breaker_state(c),
                                          metrics=metrics)
    c.erp = c.observability.wrap_erp(c.erp)
    c.background.append(c.audit)  # stop() flushes queued ERP messages on shutdown


def wire_admin(c: Any) -> None:
    """Set c.admin with every source this build has (the others show as not available)."""
    prices = getattr(c, "prices", None)
    catalog = getattr(c, "catalog", None)
    orders = getattr(c, "orders", None)
    c.admin = AdminService(
        c.clock,
        audit=c.audit,
        erp_window=c.observability.window,
        prices=PriceStatsAdapter(prices.stats) if prices is not None else None,
        orders=OrderAdminAdapter(SqlOrderQueries(c.db), orders) if orders is not None else None,
        reconciliation=getattr(c, "reconciliation_admin", None),
        scheduler=getattr(c, "scheduler", None),
        erp=c.erp,
        customers=_customer_lookup(catalog),
        breaker_state=lambda: _breaker_state(c),
    )


def _customer_lookup(catalog: Any) -> Any:
    repo = getattr(catalog, "repo", None)
    return repo.get_customer if repo is not None else None

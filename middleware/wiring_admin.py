"""Wires observability (ERP call recorder, metrics, audit) and the admin service into a Container."""

from __future__ import annotations

from typing import Any

from .observability import Observability
from .services.admin import AdminServices
from .services.admin_audit import AdminAudit
from .services.admin_operations import OperationsDesk
from .services.admin_orders import OrderDesk
from .services.admin_sources import OrderAdminAdapter, PriceStatsAdapter
from .services.admin_status import StatusBoard
from .services.admin_webhooks import WebhookDesk
from .store.admin_queries import SqlOrderQueries
from .store.audit_repo import AuditRepository


def _breaker_state(c: Any) -> str | None:
    prices = getattr(c, "prices", None)
    return prices.breaker.state if prices is not None and hasattr(prices, "breaker") else None


def wire_observability(c: Any) -> None:
    """Set c.audit and c.observability and wrap c.erp in the ErpCallRecorder (before services use it)."""
    c.audit = AuditRepository(c.db, c.clock, c.settings.audit_retention_days)
    c.observability = Observability.build(c.settings, c.audit, breaker_state=lambda: _breaker_state(c))
    c.audit._on_drop = c.observability.metrics.audit_dropped.inc
    c.erp = c.observability.wrap_erp(c.erp)
    _plug_soap_capture(c)
    c.background.append(c.audit)  # stop() flushes queued ERP messages on shutdown


def _plug_soap_capture(c: Any) -> None:
    # The zeep client takes plugins after construction; the plugin records masked envelopes in the audit.
    client = getattr(getattr(c.erp, "inner", None), "client", None)
    if client is None or not hasattr(client, "plugins"):
        return
    from .observability import requestid
    from .soap.erp_audit_plugin import ErpAuditPlugin

    client.plugins.append(ErpAuditPlugin(c.audit.record, requestid.current, c.observability.redactor))


def wire_admin(c: Any) -> None:
    """Set c.admin with every source this build has (the others show as not available)."""
    prices = getattr(c, "prices", None)
    orders = getattr(c, "orders", None)
    order_source = OrderAdminAdapter(SqlOrderQueries(c.db), orders) if orders is not None else None
    recon, scheduler = getattr(c, "reconciliation_admin", None), getattr(c, "scheduler", None)
    audit = AdminAudit(c.clock, c.audit)
    status = StatusBoard(
        c.clock,
        audit=c.audit,
        erp_window=c.observability.window,
        prices=PriceStatsAdapter(prices.stats) if prices is not None else None,
        orders=order_source,
        reconciliation=recon,
        scheduler=scheduler,
        breaker_state=lambda: _breaker_state(c),
        webhooks=getattr(c, "webhook_deliveries", None),
    )
    operations = OperationsDesk(
        audit, reconciliation=recon, scheduler=scheduler, erp=c.erp,
        customers=_customer_lookup(getattr(c, "catalog", None)),
    )
    desk = OrderDesk(audit, order_source)
    c.admin = AdminServices(status, desk, operations, audit, _webhook_desk(c, audit))


def _webhook_desk(c: Any, audit: AdminAudit) -> WebhookDesk:
    endpoints = getattr(c, "webhook_endpoints", None)
    return WebhookDesk(audit, c.clock, getattr(c, "webhook_deliveries", None),
                       endpoints.list if endpoints is not None else None)


def _customer_lookup(catalog: Any) -> Any:
    repo = getattr(catalog, "repo", None)
    return repo.get_customer if repo is not None else None

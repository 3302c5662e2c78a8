"""The admin's operational actions: findings, reconciliation and jobs on demand, the price explorer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..domain.configuration import Configuration
from ..domain.pricing import PriceRequestLine
from ..errors import InputError, NotFound
from ..ports.admin import ReconciliationAdmin, SchedulerAdmin
from ..ports.erp import Erp
from .admin_audit import AdminAudit
from .admin_orders import need
from .admin_panels import Exploration

CustomerLookup = Callable[[str], Any]  # customer_id -> domain Customer | None


class OperationsDesk:
    """Actions on reconciliation, the scheduler and the ERP, each audited with who and when."""

    def __init__(
        self,
        audit: AdminAudit,
        *,
        reconciliation: ReconciliationAdmin | None = None,
        scheduler: SchedulerAdmin | None = None,
        erp: Erp | None = None,
        customers: CustomerLookup | None = None,
    ) -> None:
        self.audit = audit
        self.recon_source = reconciliation
        self.scheduler_source = scheduler
        self.erp = erp
        self.customers = customers

    def resolve_finding(self, finding_id: str, actor: str, note: str) -> str:
        """Mark a reconciliation finding resolved."""
        recon = need(self.recon_source, "resolve finding")

        def run() -> str:
            recon.resolve(finding_id, actor, note)
            return "resolved"

        return self.audit.act(actor, "resolve_finding", f"finding:{finding_id}", run, note=note)

    def run_reconciliation(self, actor: str) -> str:
        """Run a reconciliation now."""
        recon = need(self.recon_source, "run reconciliation")
        return self.audit.act(actor, "run_reconciliation", None, recon.run_now)

    def run_job(self, job_id: str, actor: str) -> str:
        """Run a scheduled job now."""
        scheduler = need(self.scheduler_source, "run job")

        def run() -> str:
            try:
                return scheduler.run_now(job_id)
            except KeyError:
                raise NotFound("job", job_id) from None

        return self.audit.act(actor, "run_job", f"job:{job_id}", run)

    @property
    def explorer_available(self) -> bool:
        """Whether the price explorer can ask the ERP."""
        return self.erp is not None and self.customers is not None

    def explore_price(
        self, customer_id: str, sku: str, quantity: int, options: Mapping[str, str], actor: str
    ) -> Exploration:
        """Ask the ERP directly (no cache) for the full breakdown of one line."""
        if self.erp is None or self.customers is None:
            raise NotFound("admin action", "price explorer")
        customer = self.customers(customer_id)
        if customer is None:
            raise NotFound("customer", customer_id)
        try:
            line = PriceRequestLine("1", sku, quantity, Configuration.of(options))
        except ValueError as exc:
            raise InputError(str(exc), "quantity") from None
        answer = self.erp.simulate_prices(customer.erp_customer_no, customer.currency, [line])
        self.audit.record(actor, "explore_price", customer_id, "done", sku=sku, quantity=quantity)
        return Exploration(customer_id, customer.erp_customer_no, customer.currency, answer)

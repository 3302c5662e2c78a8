"""The admin's services, split by what each serves: status board, order desk, operations, webhooks, audit."""

from __future__ import annotations

from dataclasses import dataclass

from .admin_audit import AdminAudit
from .admin_charts import ChartDesk
from .admin_findings import FindingDesk
from .admin_operations import OperationsDesk
from .admin_orders import OrderDesk
from .admin_status import StatusBoard
from .admin_webhooks import WebhookDesk


@dataclass(frozen=True)
class AdminServices:
    """What the admin pages, the CLI's audited actions and /metrics use."""

    status: StatusBoard
    orders: OrderDesk
    operations: OperationsDesk
    audit: AdminAudit
    webhooks: WebhookDesk
    findings: FindingDesk
    charts: ChartDesk

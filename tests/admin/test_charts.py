"""The charts page: hourly orders, ERP calls, queue depth and findings as inline SVG (no script, no CDN)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from middleware.domain.reconcile import Finding, FindingKind, Severity

from .conftest import place_order


def test_the_charts_count_this_hour_s_orders_erp_calls_queue_and_findings(
    admin_client: Any, container: Any, fake_erp: Any
) -> None:
    place_order(admin_client, "WEB-C1")
    place_order(admin_client, "WEB-C2")
    container.delivery_worker.run_once()  # both accepted
    fake_erp.down = True
    place_order(admin_client, "WEB-C3")  # waits for the ERP
    container.findings.record("reconcile_orders", 1, [
        Finding(FindingKind.ORPHAN_IN_ERP, Severity.WARNING, "POS-1", "orphan")], datetime.now(UTC))
    charts = {c.title: c for c in container.admin.charts.charts()}
    orders = {s.name: s.values[-1] for s in charts["Orders per hour"].series}
    assert orders == {"received": 3, "accepted": 2, "failed": 0}
    assert charts["Orders waiting for the ERP"].series[0].values[-1] == 1
    assert charts["Open reconciliation findings"].series[0].values[-1] == 1
    assert charts["ERP calls per minute"].series[0].values[-1] > 0
    assert all(len(c.hours) == 24 for c in charts.values())

    page = admin_client.get("/admin/charts").get_data(as_text=True)
    assert page.count("<svg") == 6 and "<script src=\"http" not in page and "cdn" not in page.lower()
    points = re.findall(r'<polyline points="([^"]*)"', page)
    assert points and all(len(p.split()) >= 1 for p in points[:1])

"""The ERP link panel covers the whole cluster: a separate worker's calls show on the web node's page."""

from __future__ import annotations

from typing import Any

import pytest

from middleware.app import create_app
from middleware.domain.latency import percentile_ms
from middleware.wiring import build_container

from .conftest import CUSTOMER, PEN, FakeErp, flat_price, make_settings, sign_in


def test_a_worker_s_erp_calls_and_failures_show_on_another_node_s_panel(
    database_url: str, container: Any
) -> None:
    worker_erp = FakeErp(customers=[CUSTOMER], products=[PEN], price=flat_price)
    worker = build_container(make_settings(database_url), erp=worker_erp)
    try:
        for _ in range(3):
            worker.erp.get_customer("ERP-C10000")
        worker_erp.down = True
        with pytest.raises(Exception):
            worker.erp.get_customer("ERP-C10000")
        worker.admin.status.erp_window.flush()  # what the worker's background thread does every 5 s
        client = create_app(container=container).test_client()
        sign_in(client)
        html = client.get("/admin/panel/erp").get_data(as_text=True)
        assert "GetCustomer" in html and "connection refused" in html
        [stats] = container.admin.status.erp_link().data.operations
        assert (stats.operation, stats.calls, stats.errors) == ("GetCustomer", 4, 1)
    finally:
        worker.close()


def test_percentiles_come_from_the_bucket_counts() -> None:
    bounds = (10.0, 100.0, 1000.0)
    assert percentile_ms(bounds, [0, 0, 0, 0], 0.5) is None
    assert percentile_ms(bounds, [9, 1, 0, 0], 0.5) == 10.0
    assert percentile_ms(bounds, [9, 0, 1, 0], 0.95) == 1000.0
    assert percentile_ms(bounds, [0, 0, 0, 5], 0.95) == 1000.0

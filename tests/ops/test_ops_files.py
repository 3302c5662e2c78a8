"""The shipped Prometheus alert rules and Grafana dashboard parse and name only metrics the app exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from middleware.app import create_app
from middleware.config import Settings
from middleware.wiring import build_container

OPS = Path(__file__).resolve().parents[2] / "ops"
METRIC = re.compile(r"\bmiddleware_[a-z0-9_]+\b")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",),
            "summary": ("_count", "_sum"), "unknown": ("",)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every sample name /metrics can carry, from the registry of a freshly built app."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ops')}/ops.db"
    container = build_container(Settings(database_url=url), create_schema=True)
    try:
        create_app(container=container)
        names: set[str] = set()
        for family in container.observability.metrics.registry.collect():
            names.update(family.name + suffix for suffix in SUFFIXES[family.type])
        return names
    finally:
        container.close()


def _metrics(expr: str) -> set[str]:
    return set(METRIC.findall(expr))


def _balanced(expr: str) -> bool:
    depth = 0
    for char in expr:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_the_gauges_the_alerts_need_are_exported(exported: set[str]) -> None:
    for name in ("middleware_erp_breaker_open", "middleware_outbox_oldest_age_seconds",
                 "middleware_open_findings", "middleware_webhook_failed_deliveries"):
        assert name in exported


def test_alert_rules_parse_and_use_only_exported_metrics(exported: set[str]) -> None:
    document: dict[str, Any] = yaml.safe_load((OPS / "alerts.yml").read_text())
    rules = [rule for group in document["groups"] for rule in group["rules"]]
    names = {rule["alert"] for rule in rules}
    for needed in ("ErpDown", "ErpCircuitBreakerOpen", "OrderQueueTooOld", "OrderDeliveryFailures",
                   "ReconciliationFindingsGrowing", "WebhookDeliveriesFailing"):
        assert needed in names
    for rule in rules:
        assert rule["labels"]["severity"] in {"warning", "critical"} and rule["annotations"]["summary"]
        used = _metrics(rule["expr"])
        assert used and used <= exported, f"{rule['alert']}: unknown {sorted(used - exported)}"
        assert _balanced(rule["expr"]), rule["alert"]


def test_the_grafana_dashboard_parses_and_uses_only_exported_metrics(exported: set[str]) -> None:
    dashboard = json.loads((OPS / "grafana-dashboard.json").read_text())
    targets = [t for panel in dashboard["panels"] for t in panel["targets"]]
    assert len(targets) >= 10 and len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    for target in targets:
        used = _metrics(target["expr"])
        assert used and used <= exported, f"unknown {sorted(used - exported)} in {target['expr']}"
        assert _balanced(target["expr"])


def test_the_check_catches_a_metric_that_does_not_exist(exported: set[str]) -> None:
    assert not _metrics("rate(middleware_no_such_thing_total[5m])") <= exported

"""Health, readiness, Prometheus metrics, request ids and logs."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from middleware.observability import logs, requestid
from middleware.observability.erp_recorder import CallWindow, ErpCallRecorder
from middleware.observability.health import ErpReachability

from .conftest import ADMIN_PASSWORD, SHOP_KEY, make_settings, order_body, place_order

SHOP_AUTH = {"Authorization": f"Bearer {SHOP_KEY}"}


def _samples(client: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_healthz_answers_while_the_process_is_alive(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_readyz_is_degraded_but_200_with_a_reason_when_the_erp_cannot_be_reached(
    client: Any, container: Any
) -> None:
    # nothing listens on the configured ERP port in tests; no ERP call has been made yet
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    container.observability.erp_reachability = ErpReachability(
        f"http://127.0.0.1:{free_port}/soap", None, 0.5
    )
    response = client.get("/readyz")
    assert response.status_code == 200  # orders are still taken and stale prices served
    body = response.get_json()
    assert body["status"] == "degraded" and body["checks"]["database"] == {"ok": True}
    assert body["checks"]["erp"]["ok"] is False and "cannot connect" in body["checks"]["erp"]["reason"]


def test_readyz_is_200_when_database_and_erp_answer(client: Any, container: Any) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        container.observability.erp_reachability = ErpReachability(f"http://127.0.0.1:{port}/soap", None, 0.5)
        response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "ready"


def test_readyz_trusts_a_recent_failed_erp_call_over_a_probe(
    client: Any, container: Any, fake_erp: Any
) -> None:
    fake_erp.down = True
    with pytest.raises(Exception):
        container.erp.simulate_prices("ERP-C10000", "EUR", [])
    body = client.get("/readyz").get_json()
    assert body["checks"]["erp"]["ok"] is False
    assert "last ERP call failed: SimulateSalesPrices" in body["checks"]["erp"]["reason"]


def test_readyz_reports_an_unreachable_database(client: Any, container: Any) -> None:
    def broken() -> None:
        raise OSError("database is gone")

    container.db.ping = broken
    body = client.get("/readyz").get_json()
    assert body["checks"]["database"] == {"ok": False, "reason": "database unreachable (OSError)"}


def test_readyz_answers_within_two_seconds_when_the_database_hangs(client: Any, container: Any) -> None:
    release = threading.Event()
    container.db.ping = lambda: release.wait(30)  # e.g. every pooled connection is taken
    try:
        started = time.monotonic()
        first = client.get("/readyz")
        second = client.get("/readyz")  # the hung ping is not stacked up again
        assert time.monotonic() - started < 2.5
    finally:
        release.set()
    assert first.status_code == second.status_code == 503
    assert "did not answer within" in first.get_json()["checks"]["database"]["reason"]


def test_a_failing_database_write_is_503_with_retry_after_and_readyz_says_so(
    client: Any, container: Any
) -> None:
    from sqlalchemy import event

    engine = container.db.engine
    statement = "PRAGMA query_only=ON" if container.db.is_sqlite else "SET default_transaction_read_only = on"

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()

    event.listen(engine, "connect", read_only)
    engine.dispose()
    try:
        response = client.post("/api/v1/orders", json=order_body("RO-1"), headers=SHOP_AUTH)
        assert response.status_code == 503 and response.mimetype == "application/problem+json"
        assert response.headers["Retry-After"] == "5" and "retry" in response.get_json()["detail"]
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "last database write failed" in ready.get_json()["checks"]["database"]["reason"]
    finally:
        event.remove(engine, "connect", read_only)
        engine.dispose()
    assert client.post("/api/v1/orders", json=order_body("RO-1"), headers=SHOP_AUTH).status_code == 202
    assert client.get("/readyz").status_code == 200  # a successful write clears it


def test_metrics_count_requests_per_route_not_per_url(admin_client: Any) -> None:
    admin_client.get("/admin/orders/A-1")
    admin_client.get("/admin/orders/A-2")
    samples = _samples(admin_client)
    key = (
        "middleware_http_requests_total",
        (("method", "GET"), ("route", "/admin/orders/<order_number>"), ("status", "404")),
    )
    assert samples[key] == 2
    assert (
        "middleware_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/admin/orders/<order_number>")),
    ) in samples


def test_metrics_time_erp_calls_per_operation_and_outcome(client: Any, container: Any, fake_erp: Any) -> None:
    container.erp.get_customer("ERP-C10000")
    fake_erp.down = True
    with pytest.raises(Exception):
        container.erp.get_customer("ERP-C10000")
    samples = _samples(client)
    assert samples[("middleware_erp_calls_total", (("operation", "GetCustomer"), ("outcome", "ok")))] == 1
    assert (
        samples[("middleware_erp_calls_total", (("operation", "GetCustomer"), ("outcome", "unavailable")))]
        == 1
    )
    assert samples[("middleware_erp_call_duration_seconds_count", (("operation", "GetCustomer"),))] == 2


def test_metrics_export_cache_counters_and_outbox_depth(client: Any) -> None:
    place_order(client, "WEB-500001")
    samples = _samples(client)
    assert samples[("middleware_outbox_depth", ())] == 1
    assert samples[("middleware_outbox_oldest_age_seconds", ())] >= 0
    assert ("middleware_price_cache_hits_total", ()) in samples


def test_every_app_has_its_own_registry(database_url: str, fake_erp: Any) -> None:
    from middleware.app import create_app
    from middleware.wiring import build_container

    containers = [build_container(make_settings(database_url), erp=fake_erp) for _ in range(2)]
    try:
        clients = [create_app(container=c).test_client() for c in containers]
        clients[0].get("/healthz")
        assert (
            "middleware_http_requests_total",
            (("method", "GET"), ("route", "/healthz"), ("status", "200")),
        ) not in _samples(clients[1])
    finally:
        for c in containers:
            c.close()


def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(client: Any) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"]
    assert replaced != "bad id <script>" and len(replaced) == 32
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_the_request_id_is_logged_with_the_request_and_its_erp_call(
    admin_client: Any, container: Any
) -> None:
    stream = io.StringIO()
    handler = logs.make_handler(make_settings("sqlite://", log_format="json"), stream)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        token = admin_client.get("/admin/prices").get_data(as_text=True).split('name="csrf_token" value="')[1]
        admin_client.post(
            "/admin/prices",
            headers={"X-Request-ID": "req-42"},
            data={
                "csrf_token": token.split('"')[0],
                "customer_id": "C10000",
                "sku": "PEN-01",
                "quantity": "5",
            },
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    erp = [line for line in lines if line["logger"] == "middleware.erp"]
    access = [
        line for line in lines if line["logger"] == "middleware.access" and line["request_id"] == "req-42"
    ]
    assert [(e["erp_operation"], e["request_id"]) for e in erp] == [("SimulateSalesPrices", "req-42")]
    assert access and access[0]["path"] == "/admin/prices" and access[0]["status"] == 200


def test_json_log_lines_carry_request_id_and_mask_secrets() -> None:
    settings = make_settings("sqlite://", log_format="json")
    stream = io.StringIO()
    handler = logs.make_handler(settings, stream)
    logger = logging.getLogger("test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with requestid.bound("rid-7"):
            logger.info("login with %s", ADMIN_PASSWORD, extra={"route": "/x"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert line["request_id"] == "rid-7" and line["route"] == "/x" and line["level"] == "INFO"
    assert ADMIN_PASSWORD not in stream.getvalue() and "***" in line["message"]


def test_the_recorder_keeps_per_operation_percentiles_and_error_rate() -> None:
    clock = [0.0]
    window = CallWindow(monotonic=lambda: clock[0])
    for ms in range(1, 101):
        window.add("SimulateSalesPrices", ms / 1000, "ok")
    window.add("SimulateSalesPrices", 2.0, "timeout", "read timed out")
    window.add("CreateSalesOrder", 0.05, "rejected", "duplicate")
    stats = {s.operation: s for s in window.operation_stats(300)}
    prices = stats["SimulateSalesPrices"]
    assert prices.calls == 101 and prices.errors == 1
    assert 49 <= prices.p50_ms <= 52 and 94 <= prices.p95_ms <= 97
    assert stats["CreateSalesOrder"].errors == 0 and stats["CreateSalesOrder"].rejected == 1
    assert window.last_failure().operation == "SimulateSalesPrices"
    assert window.last_success().operation == "CreateSalesOrder"  # a business fault proves the link works
    clock[0] = 1000.0
    assert window.operation_stats(300) == []


def test_the_recorder_implements_the_erp_port_and_passes_other_attributes_through(fake_erp: Any) -> None:
    recorder = ErpCallRecorder(fake_erp, CallWindow())
    assert recorder.get_customer("ERP-C10000").customer_id == "C10000"
    assert [name for name, _ in recorder.calls] == ["get_customer"]  # attribute of the wrapped client


def test_text_log_lines_cannot_be_forged_from_outside(client: Any) -> None:
    stream = io.StringIO()
    handler = logs.make_handler(make_settings("sqlite://", log_format="text"), stream)
    access = logging.getLogger("middleware.access")
    access.addHandler(handler)
    old_level = access.level
    access.setLevel(logging.INFO)
    try:
        client.get("/nothing%0d%0a2026-12-07 10:00:00,000 ERROR middleware [x] forged\u2028more")
        try:
            raise ValueError("bad input\n2026-12-07 10:00:00,000 ERROR middleware [x] forged too")
        except ValueError:
            access.exception("failed")
    finally:
        access.removeHandler(handler)
        access.setLevel(old_level)
    lines = stream.getvalue().splitlines()
    records = [line for line in lines if not line.startswith("    ")]
    assert len(records) == 2, lines
    assert "\\r\\n2026-12-07" in records[0] and "\\x80" in records[0]
    assert not any(line.lstrip().startswith("2026-12-07 10:00:00,000 ERROR") for line in records)

#!/usr/bin/env python3
"""Order write-back benchmark: acceptance throughput on SQLite and POST-to-ERP-acceptance latency.

    python bench/orders.py [--quick] [--orders N] [--clients K] [--erp-latency-ms MS]

Targets: >= 300 orders/s accepted (2 cores); end-to-end p50 within 50 ms of the ERP's own p50.
The middleware and the reference ERP run as separate processes; the ERP's latency is measured in the
same run (direct CreateSalesOrder calls, and the middleware's own per-attempt timing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from erpsim.server import start_subprocess  # noqa: E402
from middleware.config import BUNDLED_ERP_WSDL  # noqa: E402
from middleware.ports.erp import ConnectorConfig  # noqa: E402
from middleware.soap.connectors.reference.connector import ReferenceErp  # noqa: E402
from tests.orders.erp_helpers import control, tote_order  # noqa: E402
from tests.orders.processes import Middleware  # noqa: E402

KEY = "bench-shop-key-1"
HEADERS = {"Authorization": f"Bearer {KEY}"}
ENV = {"MIDDLEWARE_SHOP_API_KEYS": KEY, "MIDDLEWARE_LOG_LEVEL": "WARNING"}


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def throughput(erp_url: str, db_url: str, n: int, clients: int) -> float:
    """Orders accepted per second with `clients` concurrent keep-alive clients (no delivery running)."""
    mw = Middleware(db_url, f"{erp_url}/soap", {**ENV, "MIDDLEWARE_RUN_WORKER_IN_WEB": "false"})
    local = threading.local()

    def post(i: int) -> int:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        return session.post(
            f"{mw.url}/api/v1/orders", json=tote_order(f"TP-{i}"), headers=HEADERS, timeout=30
        ).status_code

    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(post, range(min(20, n))))  # warm-up: connections, caches
            started = time.perf_counter()
            codes = list(pool.map(post, range(20, n + 20)))
            elapsed = time.perf_counter() - started
    finally:
        mw.stop()
    bad = [c for c in codes if c != 202]
    if bad:
        print(f"  warning: {len(bad)} answers were not 202: {sorted(set(bad))}")
    return n / elapsed


def erp_direct_latency(erp_url: str, count: int) -> list[float]:
    """Milliseconds of direct CreateSalesOrder calls through the same SOAP client."""
    from middleware.rest.orders import OrderIn, to_order

    erp = ReferenceErp(ConnectorConfig(
        endpoint=f"{erp_url}/soap", wsdl=str(BUNDLED_ERP_WSDL), username="erp-user", password="erp-pass"))
    timings = []
    try:
        for i in range(count):
            order = to_order(OrderIn.model_validate(tote_order(f"DIRECT-{i}")))
            started = time.perf_counter()
            erp.create_sales_order(order, "C10000")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        erp.close()
    return timings


def end_to_end(erp_url: str, db_url: str, count: int) -> tuple[list[float], list[float]]:
    """(POST-to-acceptance ms, the middleware's measured ERP call ms) for `count` orders sent one by one."""
    mw = Middleware(db_url, f"{erp_url}/soap", {**ENV, "MIDDLEWARE_DELIVERY_POLL_INTERVAL": "5"})
    session = requests.Session()
    e2e, erp_ms = [], []
    try:
        for i in range(count):
            session.post(f"{mw.url}/api/v1/orders", json=tote_order(f"E2E-{i}"), headers=HEADERS, timeout=10)
            time.sleep(0.05)  # one at a time: latency, not queueing
        deadline = time.monotonic() + 60
        for i in range(count):
            while True:
                body = session.get(f"{mw.url}/api/v1/orders/E2E-{i}", headers=HEADERS, timeout=10).json()
                if body["status"] == "accepted" or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            received = datetime.fromisoformat(body["received_at"])
            accepted = next(e for e in body["history"] if e["status"] == "accepted")
            e2e.append((datetime.fromisoformat(accepted["at"]) - received).total_seconds() * 1000)
            erp_ms.append(next(e for e in body["history"] if e["kind"] == "attempt")["detail"]["duration_ms"])
    finally:
        mw.stop()
    return e2e, erp_ms


def main() -> int:
    """Run both measurements and print a short report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run for CI (< 60 s)")
    parser.add_argument("--orders", type=int, default=None, help="orders for the throughput run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--erp-latency-ms", type=int, default=20)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--web-threads", type=int, default=None, help="MIDDLEWARE_WEB_THREADS of the middleware"
    )
    args = parser.parse_args()
    n = args.orders or (300 if args.quick else 3000)
    if args.web_threads:
        ENV["MIDDLEWARE_WEB_THREADS"] = str(args.web_threads)
    samples = 30 if args.quick else 200
    with tempfile.TemporaryDirectory() as tmp, start_subprocess() as erp:
        control(erp.url, "POST", "faults", {"latency_ms": args.erp_latency_ms})
        rate = throughput(erp.url, f"sqlite:///{tmp}/throughput.db", n, args.clients)
        print(f"acceptance: {n} orders, {args.clients} clients: {rate:.0f} orders/s (target >= 300)")
        direct = erp_direct_latency(erp.url, samples)
        e2e, seen = end_to_end(erp.url, f"sqlite:///{tmp}/latency.db", samples)
    overhead = statistics.median(e2e) - statistics.median(direct)
    print(
        f"ERP CreateSalesOrder direct: p50 {statistics.median(direct):.1f} ms, p95 {pct(direct, 95):.1f} ms"
        f" (as timed by the worker: p50 {statistics.median(seen):.1f} ms)"
    )
    print(
        f"POST -> ERP acceptance:      p50 {statistics.median(e2e):.1f} ms, p95 {pct(e2e, 95):.1f} ms"
        f" -> overhead p50 {overhead:.1f} ms (target <= 50)"
    )
    met = rate >= 300 and overhead <= 50
    load = os.getloadavg()[0]
    print(f"targets {'met' if met else 'NOT met'} (load average now {load:.1f} on {os.cpu_count()} cores)")
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())

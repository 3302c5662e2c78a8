"""A small cluster on one machine for the scale tests and bench/scale.py: PostgreSQL schema, ERP, workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, func, select, text

from middleware.config import Settings
from middleware.domain.configuration import Configuration
from middleware.domain.orders import Address, NewOrder, OrderLine, OrderTotals
from middleware.store import migrate
from middleware.store.db import Database
from middleware.store.order_tables import orders
from middleware.wiring import Container, build_container

ROOT = Path(__file__).resolve().parents[2]
ERP_PASSWORD = "scale-erp-secret"
DELIVERED = ("accepted", "on_hold", "shipped", "invoiced")
JOBS_OFF = {"schedule_reconcile_orders": "off", "schedule_catalog_sync": "off", "schedule_price_check": "off",
            "schedule_housekeeping": "off"}


def schema_url(base_url: str, schema: str) -> str:
    """A fresh, migrated PostgreSQL schema (dropped first) and the URL whose search path points at it."""
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = f"{base_url}{'&' if '?' in base_url else '?'}options=-csearch_path%3D{schema}"
    migrate.upgrade(url)
    return url


def drop_schema(base_url: str, schema: str) -> None:
    """Remove a schema made by schema_url."""
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def start_erp() -> Any:
    """The reference ERP in a process of its own (so its CPU does not compete with the test's GIL)."""
    from erpsim.server import start_subprocess

    return start_subprocess(args=("--password", ERP_PASSWORD, "--threads", "32"))


def set_faults(control_url: str, **faults: Any) -> dict[str, Any]:
    """POST /_control/faults (latency_ms, error_rate, timeout_after_commit_rate, hang_seconds, seed ...)."""
    reply = requests.post(f"{control_url}/faults", json=faults, timeout=5)
    reply.raise_for_status()
    return dict(reply.json())


def erp_stats(control_url: str) -> dict[str, Any]:
    """GET /_control/stats."""
    reply = requests.get(f"{control_url}/stats", timeout=5)
    reply.raise_for_status()
    return dict(reply.json())


def erp_orders(control_url: str) -> list[dict[str, Any]]:
    """Every sales order the ERP holds."""
    reply = requests.get(f"{control_url}/orders", params={"limit": 1_000_000}, timeout=30)
    reply.raise_for_status()
    return list(reply.json()["orders"])


def node_env(database_url: str, erp_soap_url: str, **settings: Any) -> dict[str, str]:
    """Environment of one middleware process of the cluster (non-demo secrets, fast retries)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIDDLEWARE_")}
    values: dict[str, Any] = {
        "database_url": database_url, "erp_endpoint": erp_soap_url, "erp_password": ERP_PASSWORD,
        "shop_api_keys": "scale-shop-key-1", "soap_password": "scale-soap-secret",
        "admin_password": "scale-admin-secret", "log_level": "WARNING",
        "erp_read_timeout": 2.0, "delivery_backoff_base": 0.05, "delivery_backoff_cap": 0.5,
        "delivery_concurrency": 8, "delivery_poll_interval": 0.2, **settings,
    }
    env.update({f"MIDDLEWARE_{k.upper()}": str(v) for k, v in values.items()})
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


WORKER_COMMAND = [sys.executable, str(ROOT / "run.py"), "worker"]


def start_workers(
    count: int, env: dict[str, str], log_dir: Path, first: int = 0
) -> list[subprocess.Popen[bytes]]:
    """Start `count` `run.py worker` processes, each logging to its own file (worker-<first + i>.log)."""
    procs = []
    for i in range(first, first + count):
        with open(log_dir / f"worker-{i}.log", "wb") as log:  # the child keeps its own copy of the handle
            procs.append(subprocess.Popen(WORKER_COMMAND, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT))
    return procs


def stop_workers(procs: Iterable[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """SIGTERM each worker, kill those that do not stop in time."""
    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def seeding_container(database_url: str, erp_soap_url: str) -> Container:
    """A container in this process, with the catalog mirrored from the ERP, to place orders through."""
    settings = Settings.from_env({}, database_url=database_url, erp_endpoint=erp_soap_url,
                                 erp_password=ERP_PASSWORD)
    container = build_container(settings)
    container.catalog.sync_from_erp()
    return container


def new_order(number: str) -> NewOrder:
    """A one-line order of the demo ERP's MUG-01 for C10000."""
    line = OrderLine("1", "MUG-01", 10, Configuration.of({"color": "white"}), Decimal("9.00"))
    return NewOrder(number, "C10000", "EUR", datetime.now(UTC), (line,),
                    Address("Ada Shop GmbH", "Hauptstr. 1", "10115", "Berlin", "DE"),
                    OrderTotals(Decimal("90.00"), Decimal("17.10"), Decimal("107.10")))


def place_orders(container: Container, numbers: Iterable[str], threads: int = 8) -> int:
    """Place orders through the order service (order row + outbox entry in one transaction each)."""
    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(lambda number: int(container.orders.place(new_order(number)).created), numbers))


def delivered_count(db: Database) -> int:
    """How many orders the ERP has confirmed."""
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(orders)
                                .where(orders.c.status.in_(DELIVERED))).scalar_one())


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.2,
               on_tick: Callable[[], None] | None = None) -> bool:
    """Poll until `condition` holds or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if on_tick is not None:
            on_tick()
        if condition():
            return True
        time.sleep(interval)
    return condition()

"""The middleware SIGKILLed during delivery and restarted: every order is in the ERP exactly once."""

from __future__ import annotations

import time

import requests

from erpsim import SimulatorServer

from .conftest import API_KEY
from .erp_helpers import control, erp_orders, tote_order
from .processes import Middleware

HEADERS = {"Authorization": f"Bearer {API_KEY}"}
ENV = {
    "MIDDLEWARE_SHOP_API_KEYS": API_KEY,
    "MIDDLEWARE_DELIVERY_LEASE_SECONDS": "2",
    "MIDDLEWARE_DELIVERY_BACKOFF_BASE": "0.1",
    "MIDDLEWARE_DELIVERY_BACKOFF_CAP": "0.5",
    "MIDDLEWARE_ERP_READ_TIMEOUT": "1",
    "MIDDLEWARE_DELIVERY_POLL_INTERVAL": "0.2",
    "MIDDLEWARE_DELIVERY_CONCURRENCY": "4",
}


def _statuses(url: str, numbers: list[str]) -> list[str]:
    return [
        requests.get(f"{url}/api/v1/orders/{n}", headers=HEADERS, timeout=5).json()["status"] for n in numbers
    ]


def test_sigkill_during_delivery_then_restart_leaves_every_order_in_the_erp_once(database_url):
    numbers = [f"KILL-{n}" for n in range(40)]
    with SimulatorServer() as sim:
        # slow ERP and some time-outs after commit: the kill lands with calls in flight
        control(
            sim.url,
            "POST",
            "faults",
            {"latency_ms": 80, "timeout_after_commit_rate": 0.2, "hang_seconds": 1.5},
        )
        first = Middleware(database_url, sim.soap_url, ENV)
        try:
            for number in numbers:
                answer = requests.post(
                    f"{first.url}/api/v1/orders", json=tote_order(number), headers=HEADERS, timeout=5
                )
                assert answer.status_code == 202, answer.text
            deadline = time.monotonic() + 15
            while len(erp_orders(sim.url)) < 5 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            first.kill()
        assert 0 < len(erp_orders(sim.url)) < len(numbers)  # killed mid-way
        control(sim.url, "DELETE", "faults")
        second = Middleware(database_url, sim.soap_url, ENV, sync=False)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and set(_statuses(second.url, numbers)) != {"accepted"}:
                time.sleep(0.2)
            assert set(_statuses(second.url, numbers)) == {"accepted"}
        finally:
            second.stop()
        in_erp = erp_orders(sim.url)
        assert sorted(in_erp) == sorted(numbers)
        assert all(len(in_erp[n]) == 1 for n in numbers)


def _leased(database_url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from middleware.store.order_tables import outbox

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(outbox).where(outbox.c.lease_owner.is_not(None))
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_a_live_worker_takes_over_within_5_s_of_a_sigkill_with_default_leases(database_url):
    numbers = [f"TAKE-{n}" for n in range(4)]
    env = {"MIDDLEWARE_SHOP_API_KEYS": API_KEY, "MIDDLEWARE_ERP_READ_TIMEOUT": "30"}  # default lease, poll
    with SimulatorServer() as sim:
        first = Middleware(database_url, sim.soap_url, env)
        second = None
        try:
            control(sim.url, "POST", "faults", {"latency_ms": 6000})  # the first worker's calls hang
            hung_until = time.monotonic() + 6.5
            for number in numbers:
                answer = requests.post(
                    f"{first.url}/api/v1/orders", json=tote_order(number), headers=HEADERS, timeout=5
                )
                assert answer.status_code == 202, answer.text
            deadline = time.monotonic() + 5
            while _leased(database_url) < len(numbers) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _leased(database_url) == len(numbers)  # all four in flight in the first worker
            second = Middleware(database_url, sim.soap_url, env, sync=False)
            assert _leased(database_url) == len(numbers)  # renewed while the first one lives
            first.kill()
            killed = time.monotonic()
            control(sim.url, "DELETE", "faults")
            while time.monotonic() - killed < 10 and set(_statuses(second.url, numbers)) != {"accepted"}:
                time.sleep(0.05)
            took_over = time.monotonic() - killed
            assert set(_statuses(second.url, numbers)) == {"accepted"}
            assert took_over <= 5.0, f"orders in the ERP {took_over:.1f} s after the SIGKILL"
            time.sleep(max(0.0, hung_until - time.monotonic()))  # the dead worker's calls arrive late
            in_erp = erp_orders(sim.url)
            assert all(len(in_erp[n]) == 1 for n in numbers)  # still exactly once
        finally:
            first.kill()
            if second is not None:
                second.stop()

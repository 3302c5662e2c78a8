"""A connector named by `package.module:ClassName` runs `serve`, `worker` and `sync`; a bad one stops them.

Real subprocesses of `python run.py`, configured by environment variables only, against erpsim on a free port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from erpsim import SimulatorServer
from erpsim.config import SimConfig

ROOT = Path(__file__).resolve().parents[2]
CUSTOM = "tests.connectors.custom_pkg.connector:JournalingErp"
ERP_SECRET = "custom-erp-Secret-31"
SHOP_KEY = "custom-shop-key-77"
WORKED_OPTIONS = {"color": "gold", "engraving": "Happy Birthday"}
QUERY = {
    "customer_id": "C10000",
    "currency": "EUR",
    "items": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60, "options": WORKED_OPTIONS}],
}
ORDER = {
    "order_number": "CUSTOM-1001",
    "customer_id": "C10000",
    "currency": "EUR",
    "placed_at": "2026-11-23T10:02:00Z",
    "lines": [
        {"line_ref": "1", "sku": "MUG-01", "quantity": 60, "options": WORKED_OPTIONS, "unit_price": "12.73"}
    ],
    "shipping_address": {
        "name": "Ada Shop GmbH",
        "street": "Hauptstr. 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    },
    "totals": {"net": "778.80", "tax": "147.97", "gross": "926.77"},
}


@pytest.fixture(scope="module")
def erp() -> Iterator[SimulatorServer]:
    """The reference ERP with a non-demo password."""
    with SimulatorServer(SimConfig(password=ERP_SECRET)) as sim:
        yield sim


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """Where the custom connector notes each call it serves."""
    return tmp_path / "journal.txt"


@pytest.fixture
def env(erp: SimulatorServer, database_url: str, journal: Path, tmp_path: Path) -> dict[str, str]:
    """The processes' environment: the custom connector and its profile, non-demo secrets."""
    profile = tmp_path / "custom.toml"
    profile.write_text(f'[reference]\nendpoint = "{erp.soap_url}"\n\n[journal]\npath = "{journal}"\n')
    base = {k: v for k, v in os.environ.items() if not k.startswith("MIDDLEWARE_")}
    return {
        **base,
        "PYTHONUNBUFFERED": "1",
        "MIDDLEWARE_DATABASE_URL": database_url,
        "MIDDLEWARE_ERP_CONNECTOR": CUSTOM,
        "MIDDLEWARE_ERP_PROFILE": str(profile),
        "MIDDLEWARE_ERP_PASSWORD": ERP_SECRET,
        "MIDDLEWARE_SHOP_API_KEYS": SHOP_KEY,
        "MIDDLEWARE_SOAP_PASSWORD": "custom-soap-Secret-1",
        "MIDDLEWARE_ADMIN_PASSWORD": "custom-admin-Secret-1",
        "MIDDLEWARE_LOG_LEVEL": "WARNING",
        "MIDDLEWARE_DELIVERY_POLL_INTERVAL": "0.2",
    }


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python run.py COMMAND` to its end."""
    return subprocess.run(
        [sys.executable, "run.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def start(command: list[str], env: dict[str, str], ready: str, log: Path) -> subprocess.Popen[str]:
    """`python run.py COMMAND` in the background, once it printed a line starting with `ready`."""
    with log.open("w") as errors:
        proc = subprocess.Popen(
            [sys.executable, "run.py", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith(ready):
        proc.kill()
        pytest.fail(f"{command} did not start: {line!r} {log.read_text()}")
    proc.ready_line = line  # type: ignore[attr-defined]
    return proc


def stop(proc: subprocess.Popen[str]) -> int:
    """SIGTERM and the exit code."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(5)


def wait_for(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll until the condition holds (returns its value) or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


def erp_orders(erp: SimulatorServer, number: str) -> int:
    """How many orders the ERP holds for the shop's order number."""
    reply = requests.get(f"{erp.control_url}/orders", params={"external_document_no": number}, timeout=10)
    return int(reply.json()["count"])


def test_a_custom_connector_prices_through_serve_and_delivers_through_worker(
    env: dict[str, str], journal: Path, erp: SimulatorServer, tmp_path: Path
) -> None:
    synced = run(["sync"], env)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    serve = start(["serve", "--port", "0"], env, "serving on ", tmp_path / "serve.log")
    worker = None
    try:
        url = serve.ready_line.split()[-1]  # type: ignore[attr-defined]
        auth = {"Authorization": f"Bearer {SHOP_KEY}"}
        answer = requests.post(f"{url}/api/v1/prices", json=QUERY, headers=auth, timeout=20).json()
        line = answer["lines"][0]
        assert (line["base_unit_price"], line["net_unit_price"], line["net_amount"]) == (
            "9.00",
            "12.73",
            "778.80",
        )
        assert answer["totals"] == {"net": "778.80", "tax": "147.97", "gross": "926.77"}
        assert "simulate_prices C10000 MUG-01" in journal.read_text()
        worker = start(["worker"], env, "worker running", tmp_path / "worker.log")
        placed = requests.post(f"{url}/api/v1/orders", json=ORDER, headers=auth, timeout=20)
        assert placed.status_code == 202, placed.text
        assert wait_for(lambda: erp_orders(erp, "CUSTOM-1001")) == 1
        assert "create_sales_order CUSTOM-1001" in journal.read_text()
    finally:
        codes = [stop(proc) for proc in (worker, serve) if proc is not None]
    assert codes == [0, 0]


BAD_CONNECTORS = {
    "unknown-name": ("no-such-erp", "MIDDLEWARE_ERP_CONNECTOR"),
    "missing-module": ("tests.connectors.no_such_pkg:Erp", "MIDDLEWARE_ERP_CONNECTOR"),
    "missing-class": ("tests.connectors.custom_pkg.connector:NoSuchErp", "MIDDLEWARE_ERP_CONNECTOR"),
}
BAD_PROFILES = {  # every line names the setting, and the key when one is at fault
    "missing-file": (None, ("MIDDLEWARE_ERP_PROFILE",)),
    "invalid-toml": ("[reference\n", ("MIDDLEWARE_ERP_PROFILE",)),
    "unknown-key": ('[reference]\ncolour = "gold"\n[journal]\npath = "journal.txt"\n',
                    ("MIDDLEWARE_ERP_PROFILE", "[reference] colour")),
    "missing-journal": ("[reference]\n", ("MIDDLEWARE_ERP_PROFILE", "[journal] path")),
}


def one_line_naming(result: subprocess.CompletedProcess[str], *named: str) -> None:
    """The process stopped with one line naming the setting, no traceback."""
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0
    assert len(lines) == 1 and all(part in lines[0] for part in named), lines


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]], ids=["serve", "worker"])
@pytest.mark.parametrize("bad", BAD_CONNECTORS.values(), ids=BAD_CONNECTORS.keys())
def test_a_bad_connector_stops_start_up_with_one_line(
    env: dict[str, str], command: list[str], bad: tuple[str, str]
) -> None:
    connector, named = bad
    one_line_naming(run(command, {**env, "MIDDLEWARE_ERP_CONNECTOR": connector}), named)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]], ids=["serve", "worker"])
@pytest.mark.parametrize("bad", BAD_PROFILES.values(), ids=BAD_PROFILES.keys())
def test_a_bad_profile_stops_start_up_with_one_line(
    env: dict[str, str], command: list[str], tmp_path: Path, bad: tuple[str | None, tuple[str, ...]]
) -> None:
    text, named = bad
    profile = tmp_path / "bad.toml"
    if text is not None:
        profile.write_text(text)
    one_line_naming(run(command, {**env, "MIDDLEWARE_ERP_PROFILE": str(profile)}), *named)

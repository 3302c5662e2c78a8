"""`python run.py demo --erp nav`: the demo against the NAV dialect prices the worked case and polls an order
to invoiced (the dialect ships and invoices it; the posting deletes it from the SalesOrder page)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from tests.core.test_demo import QUERY, ROOT, free_port
from tests.orders.conftest import order_body

AUTH = {"Authorization": "Bearer demo-shop-key"}


def _banner(demo: subprocess.Popen[str]) -> str:
    assert demo.stdout is not None
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = demo.stdout.readline()
        seen.append(line)
        if "Press Ctrl-C" in line or not line:
            break
    return "".join(seen)


def _status(web: str, number: str, want: str, seconds: float = 40) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = requests.get(f"{web}/api/v1/orders/{number}", headers=AUTH, timeout=5).json()
        if body.get("status") == want:
            return body
        time.sleep(0.5)
    return body


def test_demo_with_the_nav_dialect(tmp_path: Path) -> None:
    port, erp_port = free_port(), free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "MIDDLEWARE_LOG_LEVEL": "WARNING",
        "MIDDLEWARE_SCHEDULE_STATUS_POLL": "1s",
    }
    flags = [
        "--erp",
        "nav",
        "--port",
        str(port),
        "--erp-port",
        str(erp_port),
        "--data-dir",
        str(tmp_path),
        "--erp-progress-seconds",
        "1",
    ]
    demo = subprocess.Popen(
        [sys.executable, "run.py", "demo", *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    web = f"http://127.0.0.1:{port}"
    try:
        banner = _banner(demo)
        assert "(nav dialect)" in banner and "/DynamicsNAV90/WS/" in banner, banner
        answer = requests.post(f"{web}/api/v1/prices", json=QUERY, headers=AUTH, timeout=10).json()
        assert answer["totals"] == {"net": "778.80", "tax": "147.97", "gross": "926.77"}
        body = order_body("WEB-NAV-DEMO", placed_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        assert requests.post(f"{web}/api/v1/orders", json=body, headers=AUTH, timeout=10).status_code == 202
        done = _status(web, "WEB-NAV-DEMO", "invoiced")
        assert done.get("status") == "invoiced", done
        assert done["erp_order_number"].startswith("SO-")
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(20) == 0
    finally:
        if demo.poll() is None:
            demo.kill()

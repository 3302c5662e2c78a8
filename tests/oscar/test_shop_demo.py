"""`python run.py shop-demo`: ERP, middleware and Oscar shop; both accounts printed and priced as theirs."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from ..core.test_demo import free_port

ROOT = Path(__file__).resolve().parents[2]


def _prices(http: requests.Session, shop: str) -> dict[str, str]:
    html = http.get(f"{shop}/catalogue/", timeout=30).text
    return dict(re.findall(r'data-sku="([^"]+)">\s*([^<]+?)\s*</p>', html))


def _sign_in(http: requests.Session, shop: str, email: str, password: str) -> None:
    form = http.get(f"{shop}/accounts/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = http.post(
        f"{shop}/accounts/login/",
        timeout=30,
        headers={"Referer": f"{shop}/accounts/login/"},
        data={
            "csrfmiddlewaretoken": token,
            "login-username": email,
            "login-password": password,
            "login_submit": "Log In",
        },
    )
    assert answer.status_code == 200 and "Welcome back" in answer.text, answer.text[-2000:]


def test_the_shop_demo_serves_each_account_its_erp_price_and_stops_on_sigterm(tmp_path: Path) -> None:
    ports = [free_port() for _ in range(3)]
    flags = ["--port", str(ports[0]), "--erp-port", str(ports[1]), "--shop-port", str(ports[2])]
    demo = subprocess.Popen(
        [sys.executable, "run.py", "shop-demo", *flags, "--data-dir", str(tmp_path)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MIDDLEWARE_LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert demo.stdout is not None
        seen = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            seen.append(line)
            if "Press Ctrl-C" in line or not line:
                break
        banner = "".join(seen)
        assert "buyer@example.com / buyer-demo-pass" in banner and "-> C10000" in banner, banner
        assert "consumer@example.com / consumer-demo-pass" in banner and "-> B2C" in banner, banner
        shop = f"http://127.0.0.1:{ports[2]}"
        buyer, consumer = requests.Session(), requests.Session()
        _sign_in(buyer, shop, "buyer@example.com", "buyer-demo-pass")
        _sign_in(consumer, shop, "consumer@example.com", "consumer-demo-pass")
        assert (_prices(buyer, shop)["MUG-01"], _prices(consumer, shop)["MUG-01"]) == ("€10.00", "€12.00")
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(30) == 0
        assert "stopped." in demo.stdout.read()
    finally:
        if demo.poll() is None:
            demo.kill()

"""`python run.py` starts the ERP and the middleware, answers the README's query, stops on SIGTERM."""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
QUERY = {
    "customer_id": "C10000",
    "currency": "EUR",
    "items": [
        {
            "line_ref": "1",
            "sku": "MUG-01",
            "quantity": 60,
            "options": {"color": "gold", "engraving": "Happy Birthday"},
        }
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_answers_the_worked_price_case_and_stops_cleanly_on_sigterm(tmp_path):
    (tmp_path / "middleware.db").write_bytes(b"yesterday's orders, unknown to today's empty ERP")
    port, erp_port = free_port(), free_port()
    env = {"PATH": "/usr/bin:/bin", "MIDDLEWARE_LOG_LEVEL": "WARNING"}
    flags = ["--port", str(port), "--erp-port", str(erp_port), "--data-dir", str(tmp_path)]
    demo = subprocess.Popen(
        [sys.executable, "run.py", *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert demo.stdout is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            seen.append(line)
            if "Press Ctrl-C" in line or not line:
                break
        banner = "".join(seen)
        assert "admin page" in banner and "demo-shop-key" in banner, banner
        assert "fresh: emptied at each start" in banner
        answer = requests.post(
            f"http://127.0.0.1:{port}/api/v1/prices",
            json=QUERY,
            headers={"Authorization": "Bearer demo-shop-key"},
            timeout=10,
        ).json()
        line = answer["lines"][0]
        prices = (line["base_unit_price"], line["net_unit_price"], line["net_amount"])
        assert prices == ("9.00", "12.73", "778.80")
        assert answer["totals"] == {"net": "778.80", "tax": "147.97", "gross": "926.77"}
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(20) == 0
        assert "stopped." in demo.stdout.read()
        assert (tmp_path / "middleware.db").is_file()
    finally:
        if demo.poll() is None:
            demo.kill()


def test_the_demo_keeps_a_database_the_user_named(tmp_path):
    from argparse import Namespace

    from middleware.cli.demo import fresh_database

    (tmp_path / "middleware.db").write_text("theirs")
    note = fresh_database(Namespace(data_dir=str(tmp_path)), {"MIDDLEWARE_DATABASE_URL": "sqlite:///x.db"})
    assert "kept" in note and (tmp_path / "middleware.db").read_text() == "theirs"
    fresh_database(Namespace(data_dir=str(tmp_path)), {})
    assert not (tmp_path / "middleware.db").exists()

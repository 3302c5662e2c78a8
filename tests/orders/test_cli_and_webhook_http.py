"""`run.py orders retry|show`, `run.py worker` until SIGTERM, and the webhook over real loopback HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from middleware.cli import main
from middleware.domain.orders import OrderStatus
from middleware.jobs.webhook_http import RequestsWebhookTransport
from middleware.services.webhooks import SIGNATURE_HEADER, sign

from .conftest import AUTH, order_body
from .processes import ROOT
from .test_delivery import deliver


def test_orders_retry_from_the_cli_requeues_a_rejected_order(
    client, container, erp, clock, database_url, monkeypatch, capsys
):
    client.post("/api/v1/orders", json=order_body("CLI-1"), headers=AUTH)
    erp.plan = ["reject"]
    deliver(container, clock)
    monkeypatch.setenv("MIDDLEWARE_DATABASE_URL", database_url)
    assert main(["orders", "retry", "CLI-1"]) == 0
    assert "requeued (status received)" in capsys.readouterr().out
    assert container.orders.get("CLI-1")[0].status is OrderStatus.RECEIVED
    assert main(["orders", "retry", "--all-failed"]) == 0
    assert "requeued 0 order(s)" in capsys.readouterr().out
    assert main(["orders", "retry", "NOPE"]) == 1
    assert main(["orders", "show", "CLI-1"]) == 0
    assert "admin_retry" in capsys.readouterr().out


def test_the_worker_command_runs_until_sigterm(database_url):
    env = {"MIDDLEWARE_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "MIDDLEWARE_LOG_LEVEL": "ERROR"}
    env.update({"MIDDLEWARE_ERP_PASSWORD": "erp-secret-1", "MIDDLEWARE_SHOP_API_KEYS": "shop-key-123456",
                "MIDDLEWARE_SOAP_PASSWORD": "soap-secret-1", "MIDDLEWARE_ADMIN_PASSWORD": "admin-secret-12"})
    # no scheduled job may fall due during the test (ticks are aligned to the clock, not to the start)
    env.update({f"MIDDLEWARE_SCHEDULE_{job}": "off" for job in ("RECONCILE_ORDERS", "CATALOG_SYNC")})
    env.update({f"MIDDLEWARE_SCHEDULE_{job}": "off" for job in ("PRICE_CHECK", "HOUSEKEEPING")})
    proc = subprocess.Popen(
        [sys.executable, "run.py", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "worker running" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_http_transport_posts_the_signed_body():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        body = json.dumps({"id": "e1"}).encode()
        header = sign("k", 1_700_000_000, body)
        status = RequestsWebhookTransport().post(
            f"http://127.0.0.1:{server.server_port}/hook",
            body,
            {"Content-Type": "application/json", SIGNATURE_HEADER: header},
        )
        assert status == 204
        headers, received = _Hook.received[-1]
        assert received == body and headers[SIGNATURE_HEADER] == header
    finally:
        server.shutdown()

#!/usr/bin/env python3
"""Inbound SOAP benchmark: UpdateOrderStatus against a bare spyne echo in the same server.

    python bench/soap_inbound.py [--quick] [--rounds 5] [--seconds 3] [--clients 8]

The server is the production web process (`run.py serve`'s container, app and WebServer) plus one more
spyne application mounted beside /soap the same way (DispatcherMiddleware, SoapGuard: size limit, XML
screening, HTTP Basic): `/soap-echo/` with one operation `EchoStatus` that takes the same message as
UpdateOrderStatus and answers APPLIED for every update without touching anything. UpdateOrderStatus
reports SHIPPED for orders placed through POST /api/v1/orders just before, one update per call, so every
call applies a real status change in the database. There is no target: the ratio shows what translation,
the use case and the database transaction add to spyne's own cost. --quick: one short round.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    SHOP_KEY,
    SOAP_PASS,
    SOAP_USER,
    Process,
    RawClient,
    basic_auth,
    build_request,
    closed_loop,
    machine,
    median,
    start_erp,
    start_middleware,
)

NS = "urn:shop-middleware:erp:v1"
ECHO_PATH = "/soap-echo"
ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="{ns}"><soap:Body>'
    "<m:{op}><m:Updates><m:StatusUpdate><m:ExternalDocumentNo>{number}</m:ExternalDocumentNo>"
    "<m:Status>SHIPPED</m:Status><m:ChangedAt>2026-11-23T10:05:00Z</m:ChangedAt>"
    "<m:TrackingNo>TRK{number}</m:TrackingNo></m:StatusUpdate></m:Updates></m:{op}>"
    "</soap:Body></soap:Envelope>"
)


def order_body(number: str) -> bytes:
    """A small order for C10000 (demo catalog)."""
    address = {"name": "Ada Coffee Roasters GmbH", "street": "Hauptstr. 1", "postal_code": "10115",
               "city": "Berlin", "country": "DE"}
    return json.dumps({
        "order_number": number, "customer_id": "C10000", "currency": "EUR",
        "placed_at": datetime.now(UTC).isoformat(), "shipping_address": address,
        "lines": [{"line_ref": "1", "sku": "TOTE-01", "quantity": 2, "unit_price": "6.50"}],
        "totals": {"net": "13.00", "tax": "2.47", "gross": "15.47"},
    }).encode()


# --- the server: `run.py serve` plus the echo service ---

def echo_application(tns: str) -> Any:
    """A spyne Application with one operation shaped like UpdateOrderStatus that does nothing."""
    from spyne import Application, Array, Service, rpc
    from spyne.protocol.soap import Soap11

    from middleware.soap.service import types as t

    class EchoService(Service):
        @rpc(Array(t.StatusUpdate), _returns=Array(t.StatusUpdateResult),
             _in_variable_names={"updates": "Updates"}, _out_variable_name="Results")
        def EchoStatus(ctx, updates):  # type: ignore[no-untyped-def]
            return [t.StatusUpdateResult(ExternalDocumentNo=u.ExternalDocumentNo, Result="APPLIED")
                    for u in updates or []]

    return Application([EchoService], tns=tns, name="EchoSoap", in_protocol=Soap11(validator="lxml"),
                       out_protocol=Soap11())


def serve(port: int) -> int:
    """What `run.py serve` does, with the echo service mounted beside /soap behind the same guard."""
    from spyne.server.wsgi import WsgiApplication
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from middleware.app import create_app
    from middleware.cli.serve import configure_logging
    from middleware.config import Settings
    from middleware.soap.service.hardening import SoapGuard
    from middleware.soap.service.wssecurity import UsernameTokenVerifier
    from middleware.web import WebServer
    from middleware.wiring import build_container

    settings = Settings.from_env()
    configure_logging(settings)
    container = build_container(settings)
    app = create_app(container=container)
    dispatcher = app.wsgi_app
    while not isinstance(dispatcher, DispatcherMiddleware):  # under the observability middleware
        dispatcher = dispatcher.app
    echo = WsgiApplication(echo_application(NS), max_content_length=settings.soap_max_request_bytes)
    verifier = UsernameTokenVerifier(settings.soap_username, settings.soap_password, now=container.clock.now)
    dispatcher.mounts[ECHO_PATH] = SoapGuard(echo, username=settings.soap_username,
                                             password=settings.soap_password, verifier=verifier,
                                             max_bytes=settings.soap_max_request_bytes)
    server = WebServer(app, "127.0.0.1", port, settings.web_threads)
    container.start_listeners()
    server.serve_until_stopped(f"serving on {server.url}", on_stop=container.close)
    return 0


# --- the measurement ---

def place_orders(url: str, prefix: str, n: int, clients: int = 8) -> list[str]:
    """Place n orders through the REST API; returns their numbers."""
    local = threading.local()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {SHOP_KEY}"}

    def place(i: int) -> str:
        client = getattr(local, "client", None) or RawClient(url)
        local.client = client
        number = f"{prefix}{i:07d}"
        status, body = client.send(build_request(f"{url}/api/v1/orders", "POST", order_body(number), headers))
        if status != 202:
            raise RuntimeError(f"POST /api/v1/orders answered {status}: {body[:300]!r}")
        return number

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(place, range(n)))


class Envelopes:
    """Thread-safe supply of request bytes: a fresh order per UpdateOrderStatus call."""

    def __init__(self, url: str, path: str, operation: str, numbers: list[str]) -> None:
        self.url, self.path, self.operation, self.numbers = url, path, operation, numbers
        self.counter = count()
        self.headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{operation}"',
                        "Authorization": basic_auth(SOAP_USER, SOAP_PASS)}

    def __call__(self) -> bytes:
        i = next(self.counter)  # atomic under the GIL
        number = self.numbers[i % len(self.numbers)]
        body = ENVELOPE.format(ns=NS, op=self.operation, number=number).encode()
        return build_request(f"{self.url}{self.path}/", "POST", body, self.headers)

    @property
    def used(self) -> int:
        """How many envelopes were made (warm-ups included)."""
        return next(self.counter)


def main() -> int:
    """Start the servers, run the rounds, print the report; exit 0 unless something crashed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["serve"], help="(internal) run the bench server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="one short round for CI")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if args.mode == "serve":
        return serve(args.port)
    rounds = args.rounds or (1 if args.quick else 5)
    seconds = args.seconds or (1.0 if args.quick else 3.0)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        erp = start_erp(0)
        mw: Process | None = None
        try:
            mw = start_middleware(erp.url, tmp, command=[sys.executable, __file__, "serve", "--port", "0"])
            numbers = place_orders(mw.url, "BENCH-", 400 if args.quick else 6000)
            updates = Envelopes(mw.url, "/soap", "UpdateOrderStatus", numbers)
            echo = Envelopes(mw.url, ECHO_PATH, "EchoStatus", numbers)
            for _ in range(rounds):
                cpu0 = mw.cpu_seconds()
                e = closed_loop(mw.url, echo, args.clients, seconds)
                cpu1 = mw.cpu_seconds()
                u = closed_loop(mw.url, updates, args.clients, seconds)
                cpu2 = mw.cpu_seconds()
                for name, run in (("echo", e), ("UpdateOrderStatus", u)):
                    if set(run.statuses) != {200}:
                        raise RuntimeError(f"{name}: answers {dict(run.statuses)}")
                results.append((e, u, (cpu1 - cpu0) / len(e.latencies), (cpu2 - cpu1) / len(u.latencies)))
            calls = updates.used
            rss = mw.peak_rss_mb()
        finally:
            for proc in (mw, erp):
                if proc is not None:
                    proc.stop()
    print(f"\nsoap_inbound bench: {machine()}; {rounds} round(s), {args.clients} clients x {seconds} s, "
          f"one update per call ({min(calls, len(numbers))} of {calls} calls applied a change, "
          "the rest repeated one)")
    print(f"{'operation':32} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'server CPU ms/req':>18}")
    for i, name in enumerate(("bare spyne echo (EchoStatus)", "UpdateOrderStatus")):
        p50 = median([r[i].p50 for r in results])
        p95 = median([r[i].p95 for r in results])
        rate = median([r[i].throughput for r in results])
        cpu = median([r[2 + i] for r in results]) * 1000
        print(f"{name:32} {p50:8.2f} {p95:8.2f} {rate:8.0f} {cpu:18.2f}")
    ratio = median([r[1].throughput / r[0].throughput for r in results])
    print(f"\nUpdateOrderStatus throughput / echo throughput = {ratio:.0%} (median of rounds; no target)")
    print(f"peak RSS of the web process = {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

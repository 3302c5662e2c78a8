"""Command line: python -m erpsim [--dialect reference|nav|x3] --host 127.0.0.1 --port 8001 [...]."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Callable
from decimal import Decimal
from importlib import import_module
from typing import Any

from erpsim.config import SimConfig
from erpsim.server import READY_PREFIX, SimulatorServer

# dialect -> (module, factory, extra keyword arguments from the parsed options)
DIALECTS: dict[str, tuple[str, str, Callable[[argparse.Namespace], dict[str, Any]]]] = {
    "reference": ("erpsim.app", "make_app", lambda a: {}),
    "x3": ("erpsim.x3.app", "make_app", lambda a: {"version": a.x3_version, "pool_alias": a.x3_pool_alias}),
    "nav": (
        "erpsim.nav.app",
        "make_app",
        lambda a: {"instance": a.instance, "company": a.company, "auth": a.auth},
    ),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command line options (credentials also from ERPSIM_USERNAME / ERPSIM_PASSWORD)."""
    p = argparse.ArgumentParser(
        prog="python -m erpsim", description="Legacy ERP simulator (several dialects)"
    )
    p.add_argument("--dialect", choices=sorted(DIALECTS), default="reference")
    p.add_argument(
        "--x3-version", choices=("v6", "v7"), default="v7", help="x3: adxwsvc (v6) or Syracuse (v7)"
    )
    p.add_argument("--x3-pool-alias", default="SHOP", help="x3: the web service pool alias")
    p.add_argument("--company", default="CRONUS International Ltd.", help="nav: the company (plain text)")
    p.add_argument("--instance", default="DynamicsNAV90", help="nav: the server instance in the URL")
    p.add_argument("--auth", choices=("basic", "ntlm"), default="basic", help="nav: HTTP Basic or NTLM")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    p.add_argument("--username", default=os.environ.get("ERPSIM_USERNAME", "erp-user"))
    p.add_argument("--password", default=os.environ.get("ERPSIM_PASSWORD", "erp-pass"))
    p.add_argument(
        "--threads", type=int, default=16, help="calls served at once (and up to twice as many connections)"
    )
    p.add_argument("--auto-progress-seconds", type=float, default=None)
    p.add_argument("--push-url", default=None, help="middleware SOAP endpoint for UpdateOrderStatus")
    p.add_argument("--push-username", default=None)
    p.add_argument("--push-password", default=None)
    p.add_argument("--price-mismatch-policy", choices=("accept", "hold", "reject"), default="accept")
    p.add_argument("--price-tolerance", type=Decimal, default=Decimal("0.00"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGINT/SIGTERM; prints 'ERPSIM READY <url>' once listening."""
    a = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = SimConfig(
        username=a.username,
        password=a.password,
        threads=a.threads,
        auto_progress_seconds=a.auto_progress_seconds,
        push_url=a.push_url,
        push_username=a.push_username,
        push_password=a.push_password,
        price_mismatch_policy=a.price_mismatch_policy,
        price_tolerance=a.price_tolerance,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    module, factory, extra = DIALECTS[a.dialect]
    app = getattr(import_module(module), factory)(cfg, **extra(a))
    server = SimulatorServer(host=a.host, port=a.port, app=app)
    print(f"{READY_PREFIX}{server.url}", flush=True)
    print(
        f"  SOAP {server.soap_url}  WSDL {server.wsdl_url}  control {server.control_url}/  "
        f"user {cfg.username}",
        flush=True,
    )
    if hasattr(app, "base_path"):  # nav: pages and the codeunit under /<instance>/WS/<company>/
        print(
            f"  pages {server.url}{app.base_path()}/Page/<Service>  codeunit .../Codeunit/B2BManagement",
            flush=True,
        )
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""Command line: python -m erpsim [--dialect reference|nav] --host 127.0.0.1 --port 8001 [...]."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from decimal import Decimal

from erpsim.app import Simulator
from erpsim.config import SimConfig
from erpsim.server import READY_PREFIX, SimulatorServer


def _reference(cfg: SimConfig, a: argparse.Namespace) -> tuple[Simulator, str]:
    return Simulator(cfg), "SOAP /soap  WSDL /soap?wsdl"


def _nav(cfg: SimConfig, a: argparse.Namespace) -> tuple[Simulator, str]:
    from erpsim.nav.app import NavOptions, NavSimulator

    sim = NavSimulator(cfg, nav=NavOptions(a.instance, a.company, a.auth))
    return sim, f"pages {sim.base_path()}/Page/<Service>  codeunit {sim.base_path()}/Codeunit/B2BManagement"


# one entry per dialect: name -> builder(config, args) -> (WSGI simulator, what to print)
DIALECTS = {"reference": _reference, "nav": _nav}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command line options (credentials also from ERPSIM_USERNAME / ERPSIM_PASSWORD)."""
    p = argparse.ArgumentParser(prog="python -m erpsim", description="Reference legacy ERP simulator")
    p.add_argument("--dialect", choices=sorted(DIALECTS), default="reference", help="which ERP to speak")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    p.add_argument("--username", default=os.environ.get("ERPSIM_USERNAME", "erp-user"))
    p.add_argument("--password", default=os.environ.get("ERPSIM_PASSWORD", "erp-pass"))
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--auto-progress-seconds", type=float, default=None)
    p.add_argument("--push-url", default=None, help="middleware SOAP endpoint for UpdateOrderStatus")
    p.add_argument("--push-username", default=None)
    p.add_argument("--push-password", default=None)
    p.add_argument("--price-mismatch-policy", choices=("accept", "hold", "reject"), default="accept")
    p.add_argument("--price-tolerance", type=Decimal, default=Decimal("0.00"))
    nav = p.add_argument_group("nav dialect")
    nav.add_argument("--company", default="CRONUS International Ltd.")
    nav.add_argument("--instance", default="DynamicsNAV90")
    nav.add_argument("--auth", choices=("basic", "ntlm"), default="basic")
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
    app, endpoints = DIALECTS[a.dialect](cfg, a)
    server = SimulatorServer(host=a.host, port=a.port, app=app)
    print(f"{READY_PREFIX}{server.url}", flush=True)
    print(f"  {a.dialect}: {endpoints}  control {server.control_url}/  user {cfg.username}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""NAV price path: a 48-line against a 1-line price request through erpsim's NAV dialect.

    python bench/nav_prices.py [--quick] [--latency-ms 20] [--samples 30] [--concurrency 128]

Starts `python -m erpsim --dialect nav` (every call delayed by --latency-ms) and prices through the NAV
connector with the shipped example profile:
- codeunit mode: one GetSalesPrice and one GetSalesDiscount per NAV line (item, charge lines), all concurrent
  up to `max_concurrent_calls` (--concurrency: 128 lets the 48-line request's 110 calls go out in one round;
  with 48 they take three rounds, 60 ms of latency alone); target p50(48 lines) <= 3 x p50(1 line);
- quote mode: ERP calls per request (Create + Delete); target <= 3.
Every request asks fresh quantities, so nothing is answered from a cache. --quick: a few samples, no verdict.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ERP_PASS, ERP_USER, ROOT, Process, control, machine, verdict

from middleware.domain.configuration import Configuration
from middleware.domain.pricing import PriceRequestLine
from middleware.ports.erp import ConnectorConfig
from middleware.soap.connectors.nav.connector import NavErp

CONFIGURED = Configuration.of({"color": "gold", "engraving": "Happy Birthday"})
BULK_SKUS = ("TOTE-01", "CAP-01", "PEN-01", "MUG-02", "BOOK-01", "COFFEE-250", "NOTEBOOK-A5", "MUG-01")
quantities = count(1000)


def lines(size: int) -> list[PriceRequestLine]:
    """`size` lines over the demo catalog (MUG-01 configured as in the worked case), fresh quantities."""
    out = []
    for i in range(size):
        sku = BULK_SKUS[i % len(BULK_SKUS)] if size > 1 else "MUG-01"
        config = CONFIGURED if sku == "MUG-01" else Configuration()
        out.append(PriceRequestLine(str(i + 1), sku, next(quantities), config))
    return out


def connector(url: str, mode: str, concurrency: int) -> NavErp:
    """The NAV connector with the example profile, pointed at the dialect."""
    profile = tomllib.loads((ROOT / "examples" / "profiles" / "nav.toml").read_text())
    profile["nav"].update(base_url=f"{url}/DynamicsNAV90", max_concurrent_calls=concurrency)
    profile["nav"]["pricing"]["mode"] = mode
    return NavErp(
        ConnectorConfig(profile=profile, username=ERP_USER, password=ERP_PASS, pool_size=concurrency)
    )


def p50(samples: int, call: Callable[[], object]) -> float:
    """Median wall time in milliseconds."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def erp_calls(url: str) -> int:
    """Calls the dialect counted since the last reset."""
    return int(control(url, "GET", "stats")["total_calls"])


def codeunit_p50s(url: str, samples: int, concurrency: int) -> tuple[float, float]:
    """p50 of a 1-line and of a 48-line request in codeunit mode (milliseconds)."""
    nav = connector(url, "codeunit", concurrency)
    try:
        nav.simulate_prices("C10000", "EUR", lines(1))  # WSDLs, customer and item facts loaded once
        one = p50(samples, lambda: nav.simulate_prices("C10000", "EUR", lines(1)))
        many = p50(samples, lambda: nav.simulate_prices("C10000", "EUR", lines(48)))
    finally:
        nav.close()
    return one, many


def quote_figures(url: str, samples: int, concurrency: int) -> tuple[float, float]:
    """(ERP calls per 48-line request, p50 of a 48-line request) in quote mode."""
    nav = connector(url, "quote", concurrency)
    try:
        nav.simulate_prices("C10000", "EUR", lines(1))
        control(url, "POST", "stats/reset")
        for _ in range(samples):
            nav.simulate_prices("C10000", "EUR", lines(48))
        per_request = erp_calls(url) / samples
        return per_request, p50(samples, lambda: nav.simulate_prices("C10000", "EUR", lines(48)))
    finally:
        nav.close()


def main() -> int:
    """Run both modes and print the figures (and verdicts unless --quick)."""
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--quick", action="store_true")
    a.add_argument("--latency-ms", type=int, default=20)
    a.add_argument("--samples", type=int, default=30)
    a.add_argument("--concurrency", type=int, default=128)
    args = a.parse_args()
    samples = 3 if args.quick else args.samples
    erp = Process(
        [
            sys.executable,
            "-m",
            "erpsim",
            "--dialect",
            "nav",
            "--port",
            "0",
            "--threads",
            str(args.concurrency + 32),  # every call in flight is served at once, as by NAV's service tier
            "--username",
            ERP_USER,
            "--password",
            ERP_PASS,
        ],
        "ERPSIM READY ",
    )
    try:
        control(erp.url, "POST", "faults", {"latency_ms": args.latency_ms})
        one, many = codeunit_p50s(erp.url, samples, args.concurrency)
        per_request, quote_p50 = quote_figures(erp.url, samples, args.concurrency)
    finally:
        erp.stop()
    ratio = many / one
    print(f"NAV prices, {args.latency_ms} ms per ERP call, concurrency {args.concurrency}, {machine()}")
    print(
        f"  codeunit  1 line p50 {one:7.1f} ms   48 lines p50 {many:7.1f} ms   ratio {ratio:4.2f} (<= 3) "
        f"{verdict(ratio <= 3, args.quick)}"
    )
    print(
        f"  quote    48 lines p50 {quote_p50:7.1f} ms   ERP calls per request {per_request:.1f} (<= 3) "
        f"{verdict(per_request <= 3, args.quick)}"
    )
    return 0 if args.quick or (ratio <= 3 and per_request <= 3) else 1


if __name__ == "__main__":
    sys.exit(main())

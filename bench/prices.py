#!/usr/bin/env python3
"""Price path benchmark: what POST /api/v1/prices adds to the ERP's own cost.

    python bench/prices.py [--quick] [--erp-latency-ms 20] [--rounds 5] [--samples 200] [--seconds 3]

Starts the reference ERP (`python -m erpsim`, latency injected), the middleware with its production
command (`python run.py serve`: waitress, MIDDLEWARE_WEB_THREADS) and a bare Flask JSON endpoint on the
same WebServer, then measures in every round:
(a) a direct zeep SimulateSalesPrices call (baseline), (b) a raw POST of a prebuilt envelope (floor),
(c) POST /api/v1/prices on a cache miss, (d) on a cache hit, (e) the bare endpoint, (f) a 48-item miss,
(g) 200 concurrent identical misses. Targets are ratios against baselines of the same round; the report
shows the median over the rounds. --quick: one short round, figures only, no thresholds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ERP_PASS,
    ERP_USER,
    SHOP_KEY,
    Process,
    RawClient,
    Run,
    basic_auth,
    build_request,
    burst,
    closed_loop,
    control,
    erp_calls,
    machine,
    median,
    sequential,
    start_bare_flask,
    start_erp,
    start_middleware,
    verdict,
)

from middleware.config import BUNDLED_ERP_WSDL, Settings
from middleware.ports.erp import ConnectorConfig
from middleware.soap.connectors.reference.connector import ReferenceErp

OPERATION = "SimulateSalesPrices"
OPTIONS = {"color": "gold", "engraving": "Happy Birthday"}
BULK_SKUS = ("TOTE-01", "CAP-01", "PEN-01", "MUG-02", "BOOK-01", "COFFEE-250", "NOTEBOOK-A5", "MUG-01")
JSON_HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {SHOP_KEY}"}
quantities = count(1000)  # every miss asks a quantity never asked before: a new cache key
bulk_quantities = count(200_000, 48)  # 48-item requests take 48 fresh quantities each


def price_body(quantity: int) -> bytes:
    """One MUG-01 line (the worked case's configuration) for C10000."""
    item = {"line_ref": "1", "sku": "MUG-01", "quantity": quantity, "options": OPTIONS}
    return json.dumps({"customer_id": "C10000", "currency": "EUR", "items": [item]}).encode()


def bulk_body(base: int, size: int = 48) -> bytes:
    """`size` distinct lines over the demo catalog, none cached yet."""
    items = []
    for i in range(size):
        sku = BULK_SKUS[i % len(BULK_SKUS)]
        item: dict[str, Any] = {"line_ref": str(i + 1), "sku": sku, "quantity": base + i}
        if sku == "MUG-01":
            item["options"] = OPTIONS
        items.append(item)
    return json.dumps({"customer_id": "C10000", "currency": "EUR", "items": items}).encode()


def zeep_lines(quantity: int) -> dict[str, Any]:
    """The same single line as `price_body`, in the ERP's vocabulary."""
    options = {"Option": [{"Code": c, "Value": v} for c, v in sorted(OPTIONS.items())]}
    return {"Line": [{"LineNo": 1, "ItemNo": "MUG-01", "Quantity": Decimal(quantity), "Options": options}]}


@dataclass
class Round:
    """The figures of one round."""

    runs: dict[str, Run] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # server CPU per request (noise-proof)
    bulk_calls_per_request: float = 0.0
    herd_calls: int = 0


class Bench:
    """The three servers and one zeep client, measured round after round."""

    def __init__(self, erp: Process, mw: Process, bare: Process, args: argparse.Namespace) -> None:
        self.mw, self.bare, self.args = mw, bare, args
        erp_url, mw_url, bare_url = erp.url, mw.url, bare.url
        self.erp_url, self.mw_url, self.bare_url = erp_url, mw_url, bare_url
        self.zeep = ReferenceErp(ConnectorConfig(
            endpoint=f"{erp_url}/soap", wsdl=str(BUNDLED_ERP_WSDL), username=ERP_USER, password=ERP_PASS))
        envelope = self.zeep.client.create_message(
            self.zeep.service, OPERATION, CustomerNo="C10000", CurrencyCode="EUR", Lines=zeep_lines(7)
        )
        from lxml import etree

        self.envelope = build_request(f"{erp_url}/soap", "POST", etree.tostring(envelope), {
            "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"urn:legacy-erp:sales:v1/{OPERATION}"',
            "Authorization": basic_auth(ERP_USER, ERP_PASS)})
        self.hit = build_request(f"{mw_url}/api/v1/prices", "POST", price_body(1), JSON_HEADERS)
        self.echo = build_request(f"{bare_url}/echo", "POST", price_body(1),
                                  {"Content-Type": "application/json"})
        self.erp_client, self.mw_client = RawClient(erp_url), RawClient(mw_url)

    def zeep_call(self, _i: int) -> int:
        self.zeep.service.SimulateSalesPrices(CustomerNo="C10000", CurrencyCode="EUR",
                                              Lines=zeep_lines(next(quantities)))
        return 200

    def post(self, body: bytes) -> int:
        status, answer = self.mw_client.send(build_request(f"{self.mw_url}/api/v1/prices", "POST", body,
                                                           JSON_HEADERS))
        if status != 200:
            raise RuntimeError(f"POST /api/v1/prices answered {status}: {answer[:300]!r}")
        return status

    def _measure(self, r: Round, key: str, server: Process | None, measure: Callable[[], Run]) -> None:
        before = server.cpu_seconds() if server else 0.0
        r.runs[key] = run = measure()
        if server is not None:
            r.cpu_ms[key] = (server.cpu_seconds() - before) * 1000 / max(1, len(run.latencies))

    def round(self) -> Round:
        """(a)..(g) once."""
        a, n, mw = self.args, self.args.samples, self.mw
        r = Round()
        self._measure(r, "a", None, lambda: sequential(self.zeep_call, n))
        self._measure(r, "b", None, lambda: sequential(lambda _i: self.erp_client.send(self.envelope)[0], n))
        self._measure(r, "c", mw, lambda: sequential(lambda _i: self.post(price_body(next(quantities))), n))
        self._measure(r, "d_latency", mw, lambda: sequential(lambda _i: self.mw_client.send(self.hit)[0], n))
        self._measure(r, "d", mw, lambda: closed_loop(self.mw_url, self.hit, a.clients, a.seconds))
        self._measure(r, "e", self.bare, lambda: closed_loop(self.bare_url, self.echo, a.clients, a.seconds))
        bulk_n, warmup = max(5, n // 4), 2
        before = erp_calls(self.erp_url, OPERATION)
        self._measure(r, "f", mw, lambda: sequential(
            lambda _i: self.post(bulk_body(next(bulk_quantities))), bulk_n, warmup))
        r.bulk_calls_per_request = (erp_calls(self.erp_url, OPERATION) - before) / (bulk_n + warmup)
        body = price_body(next(quantities))
        herd = build_request(f"{self.mw_url}/api/v1/prices", "POST", body, JSON_HEADERS)
        before = erp_calls(self.erp_url, OPERATION)
        self._measure(r, "g", mw, lambda: burst(self.mw_url, herd, a.herd))
        r.herd_calls = erp_calls(self.erp_url, OPERATION) - before
        for name, run in r.runs.items():
            bad = {s: c for s, c in run.statuses.items() if s != 200}
            if bad:
                raise RuntimeError(f"({name}) answers other than 200: {bad}")
        return r

    def fill_cache(self, entries: int, clients: int = 8) -> None:
        """Ask `entries` distinct prices (48-item misses, concurrently): the cache at its working size."""
        local = threading.local()

        def ask(_i: int) -> int:
            client = getattr(local, "client", None) or RawClient(self.mw_url)
            local.client = client
            raw = build_request(f"{self.mw_url}/api/v1/prices", "POST", bulk_body(next(bulk_quantities)),
                                JSON_HEADERS)
            return client.send(raw)[0]

        with ThreadPoolExecutor(clients) as pool:
            statuses = set(pool.map(ask, range(entries // 48)))
        if statuses != {200}:
            raise RuntimeError(f"filling the cache: answers {statuses}")

    def close(self) -> None:
        self.zeep.close()
        self.erp_client.close()
        self.mw_client.close()


LABELS = {
    "a": "(a) direct zeep call to the ERP", "b": "(b) raw POST of a prebuilt envelope",
    "c": "(c) POST /prices, cache miss", "d_latency": "(d) POST /prices, cache hit",
    "d": "(d) cache hit, throughput", "e": "(e) bare Flask JSON endpoint",
    "f": "(f) 48 items, cache miss", "g": "(g) 200 concurrent identical misses",
}


def report(rounds: list[Round], rss_mb: float, full_rss_mb: float | None, args: argparse.Namespace) -> None:
    """Print the figures (median over rounds) and the targets."""
    med = {k: {m: median([getattr(r.runs[k], m) for r in rounds]) for m in ("p50", "p95", "throughput")}
           for k in LABELS}
    print(f"\nprices bench: {machine()}; ERP latency {args.erp_latency_ms} ms, {len(rounds)} round(s), "
          f"{args.samples} sequential samples, {args.clients} clients x {args.seconds} s, herd {args.herd}")
    print(f"{'measurement':42} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'server CPU ms/req':>18}")
    for key, label in LABELS.items():
        m = med[key]
        cpu = median([r.cpu_ms[key] for r in rounds if key in r.cpu_ms])
        cpu_text = "" if cpu != cpu else f"{cpu:18.2f}"  # nan: measured in this process
        print(f"{label:42} {m['p50']:8.2f} {m['p95']:8.2f} {m['throughput']:8.0f} {cpu_text}")
    hit_ratio = median([r.runs["d"].throughput / r.runs["e"].throughput for r in rounds])
    overhead = median([r.runs["c"].p50 - r.runs["a"].p50 for r in rounds])
    bulk_ratio = median([r.runs["f"].p50 / r.runs["c"].p50 for r in rounds])
    bulk_calls = max(r.bulk_calls_per_request for r in rounds)
    herd_calls = max(r.herd_calls for r in rounds)
    q = args.quick
    print("\ntargets (median of per-round ratios)" + (" - quick mode, no thresholds" if q else ""))
    rows = [
        (f"cache-hit throughput / bare endpoint = {hit_ratio:.0%}", ">= 70 %", hit_ratio >= 0.70),
        (f"cache-miss p50 - direct zeep p50 = {overhead:+.2f} ms", "<= 3 ms", overhead <= 3.0),
        (f"48-item p50 / single-item p50 = {bulk_ratio:.2f}", "<= 2", bulk_ratio <= 2.0),
        (f"ERP calls per 48-item request = {bulk_calls:g}", "== 1", bulk_calls == 1),
        (f"ERP calls for {args.herd} identical misses = {herd_calls}", "== 1", herd_calls == 1),
        (f"peak RSS of the web process = {rss_mb:.0f} MB", "<= 150 MB", rss_mb <= 150),
    ]
    if full_rss_mb is not None:
        text = f"peak RSS after {args.fill_cache} more cached prices = {full_rss_mb:.0f} MB"
        rows.append((text, "<= 150 MB", full_rss_mb <= 150))
    for text, target, ok in rows:
        print(f"  {text:58} target {target:10} {verdict(ok, q)}")
    floor = median([r.runs["c"].p50 - r.runs["b"].p50 for r in rounds])
    cpu_ratio = median([r.cpu_ms["e"] / r.cpu_ms["d"] for r in rounds])
    print(f"  (for reference: cache-miss p50 - raw envelope p50 = {floor:+.2f} ms; "
          f"zeep's own cost = {med['a']['p50'] - med['b']['p50']:+.2f} ms;")
    print(f"   server CPU per request, bare endpoint / cache hit = {cpu_ratio:.0%})")


def main() -> int:
    """Start the servers, run the rounds, print the report; exit 0 unless something crashed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short round for CI, no thresholds")
    parser.add_argument("--erp-latency-ms", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--samples", type=int, default=None, help="sequential requests per measurement")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each throughput run")
    parser.add_argument("--clients", type=int, default=8, help="connections of each throughput run")
    parser.add_argument("--herd", type=int, default=200, help="concurrent identical misses")
    parser.add_argument("--fill-cache", type=int, default=None,
                        help="distinct prices to cache before the last RSS reading (default 100000, quick 0)")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 5)
    args.samples = args.samples or (40 if args.quick else 200)
    args.seconds = args.seconds or (1.0 if args.quick else 3.0)
    if args.fill_cache is None:
        args.fill_cache = 0 if args.quick else 100_000  # 10x the default cache bound: full
    with tempfile.TemporaryDirectory() as tmp:
        erp = start_erp(args.erp_latency_ms)
        mw = bare = None
        try:
            mw = start_middleware(erp.url, tmp)
            bare = start_bare_flask(Settings().web_threads)
            bench = Bench(erp, mw, bare, args)
            rounds = []
            try:
                for i in range(args.rounds):
                    rounds.append(bench.round())
                    print(f"  round {i + 1}/{args.rounds} done", file=sys.stderr)
                rss, full_rss = mw.peak_rss_mb(), None
                if args.fill_cache:
                    print(f"  filling the cache with {args.fill_cache} prices", file=sys.stderr)
                    bench.fill_cache(args.fill_cache)
                    full_rss = mw.peak_rss_mb()
            finally:
                bench.close()
            control(erp.url, "DELETE", "faults")
        finally:
            for proc in (bare, mw, erp):
                if proc is not None:
                    proc.stop()
    report(rounds, rss, full_rss, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

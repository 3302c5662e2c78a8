#!/usr/bin/env python3
"""Benchmark: reconcile N orders on both sides (reference ERP over SOAP vs our database).

    python bench/reconcile.py            # 10,000 and 100,000 orders
    python bench/reconcile.py --quick    # 2,000 orders (CI)
    python bench/reconcile.py --sizes 50000

The reference ERP runs in this (parent) process; each reconciliation runs in a fresh child process so
its peak RSS (VmHWM) is its own: it must not grow with N, since ERP pages are streamed and our
orders are read in keyset chunks. Prints time, orders/s and peak RSS per size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES = [{"item_no": "MUG-01", "quantity": 60, "options": {"color": "gold"}},
         {"item_no": "PEN-01", "quantity": 100}]
PAGE_SIZE = 1000
BATCH = 5000


def _control(url: str, method: str, path: str, body: dict | None = None) -> dict:
    import requests

    response = requests.request(method, f"{url}/{path}", json=body, timeout=600)
    response.raise_for_status()
    return response.json()


def _local_rows(n: int, first_seq: int, template: dict, now: datetime):  # type: ignore[no-untyped-def]
    """Our orders matching the ERP's bulk orders, in batches (never all in memory)."""
    address = json.dumps({"name": "Ada", "street": "Hauptstr. 1", "postal_code": "10115", "city": "Berlin",
                          "country": "DE", "street2": ""})
    net, tax, gross = (Decimal(template[k]) for k in ("amount", "vat_amount", "amount_including_vat"))
    for start in range(0, n, BATCH):
        orders, lines = [], []
        for i in range(start, min(n, start + BATCH)):
            number = f"BENCH-{i + 1:07d}"
            orders.append({
                "order_number": number, "fingerprint": "bench", "customer_id": "C10000",
                "erp_customer_no": "C10000", "currency": "EUR", "placed_at": now, "status": "accepted",
                "received_at": now, "updated_at": now, "net": net, "tax": tax, "gross": gross,
                "shipping_address": address, "deviations": "[]", "erp_order_number": f"SO-{first_seq + i}",
                "erp_net": net, "erp_tax": tax, "erp_gross": gross,
            })
            for pos, line in enumerate(template["lines"]):
                lines.append({
                    "order_number": number, "position": pos, "line_ref": str(pos + 1), "sku": line["item_no"],
                    "quantity": int(Decimal(line["quantity"])), "unit_price": Decimal(line["unit_price"]),
                    "options": json.dumps(sorted(line["options"].items())), "option_labels": "[]",
                })
        yield orders, lines


def prepare(n: int, control_url: str, db_url: str) -> None:
    """Reset the ERP, bulk-create N orders there and N matching orders in a fresh database."""
    from middleware.store.db import Database
    from middleware.store.order_tables import order_lines, orders

    _control(control_url, "POST", "reset")
    created = _control(control_url, "POST", "orders/bulk",
                       {"count": n, "prefix": "BENCH-", "width": 7, "customer_no": "C10000", "lines": LINES})
    template = _control(control_url, "GET", f"orders/{created['first_no']}")
    first_seq = int(created["first_no"].split("-")[1])
    db = Database(db_url)
    db.create_all()
    for batch_orders, batch_lines in _local_rows(n, first_seq, template, datetime.now(UTC)):
        with db.write() as conn:
            conn.execute(orders.insert(), batch_orders)
            conn.execute(order_lines.insert(), batch_lines)
    db.dispose()


def peak_rss_kb() -> int:
    """This process's peak RSS in KiB: VmHWM on Linux (ru_maxrss survives exec, so a child would
    report the size of the parent it was forked from, ERP simulator included)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(db_url: str, endpoint: str) -> None:
    """Run one recorded reconciliation (findings stored, repairs on) and print JSON."""
    from middleware.config import Settings
    from middleware.wiring import build_container

    settings = Settings.from_env({}, database_url=db_url, erp_endpoint=endpoint,
                                 reconcile_page_size=PAGE_SIZE)
    c = build_container(settings)
    rss_before = peak_rss_kb()
    began = time.perf_counter()
    run = c.jobs.run("reconcile_orders")
    seconds = time.perf_counter() - began
    c.close()
    print(json.dumps({"seconds": seconds, "outcome": run.outcome, "error": run.error,
                      "erp_orders": run.counts.get("erp_orders", 0), "counts": dict(run.counts),
                      "rss_before_kb": rss_before,
                      "peak_rss_kb": peak_rss_kb()}))


def measure(n: int, server) -> dict:  # type: ignore[no-untyped-def]
    """Prepare N orders and reconcile them in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        db_url = f"sqlite:///{folder}/bench.db"
        t0 = time.perf_counter()
        prepare(n, server.control_url, db_url)
        setup = time.perf_counter() - t0
        command = [sys.executable, __file__, "--child", db_url, server.soap_url]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(n=n, setup_seconds=setup)
    return result


def main() -> int:
    """Run the benchmark; exit 1 when a size misses 60 s or a run is not clean."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 orders only (CI)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--child", nargs=2, metavar=("DB_URL", "ENDPOINT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from erpsim import SimulatorServer

    sizes = [2_000] if args.quick else args.sizes
    ok = True
    with SimulatorServer() as server:
        print(f"{'orders':>8} {'seconds':>8} {'orders/s':>9} {'peak RSS MB':>12} {'findings':>9}  (setup s)")
        for n in sizes:
            r = measure(n, server)
            findings = sum(v for k, v in r["counts"].items() if k.startswith("kind."))
            clean = r["outcome"] == "ok" and r["erp_orders"] == n and findings == 0
            ok = ok and clean and r["seconds"] <= 60
            print(f"{n:>8} {r['seconds']:>8.1f} {n / r['seconds']:>9.0f} {r['peak_rss_kb'] / 1024:>12.1f} "
                  f"{findings:>9}  ({r['setup_seconds']:.1f}){'' if clean else '  NOT CLEAN: ' + str(r)}",
                  flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

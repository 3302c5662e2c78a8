"""Two real middleware web processes on one PostgreSQL: NotifyPriceChange on A drops B's cached quote."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from . import cluster

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(
    not PG_URL, reason="MIDDLEWARE_TEST_DATABASE_URL is not set (cross-node invalidation needs PostgreSQL)"
)
SHOP = {"Authorization": "Bearer scale-shop-key-1"}
QUERY = {"customer_id": "C10000", "currency": "EUR",
         "items": [{"line_ref": "1", "sku": "MUG-01", "quantity": 60, "options": {"color": "gold"}}]}
NOTIFY = """<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                  xmlns:m="urn:shop-middleware:erp:v1">
  <soapenv:Body><m:NotifyPriceChange><m:ItemNos><m:ItemNo>MUG-01</m:ItemNo></m:ItemNos></m:NotifyPriceChange>
  </soapenv:Body></soapenv:Envelope>"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], log: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([*cluster.WORKER_COMMAND[:2], "serve", "--port", str(port), *extra],
                                cwd=cluster.ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=1).ok
        except requests.ConnectionError:
            return False

    assert cluster.wait_until(up, timeout=30, interval=0.1), log.read_text()
    return proc, url


@pytest.fixture
def two_nodes(erp: Any, pg_schema: Any, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Web nodes A and B (B also runs its background components, which include the listener)."""
    url = pg_schema("scale_nodes")
    cluster.seeding_container(url, erp.soap_url).close()
    env = cluster.node_env(url, erp.soap_url, price_cache_ttl=300, **cluster.JOBS_OFF)
    a, a_url = _serve(env, tmp_path / "a.log")
    b, b_url = _serve(env, tmp_path / "b.log")
    yield a_url, b_url
    cluster.stop_workers([a, b])


def _source(node: str) -> str:
    reply = requests.post(f"{node}/api/v1/prices", json=QUERY, headers=SHOP, timeout=10)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["lines"][0]["source"])


def test_a_price_change_notified_to_node_a_drops_the_quote_cached_on_node_b(
    two_nodes: tuple[str, str],
) -> None:
    a, b = two_nodes
    assert _source(b) == "erp"
    assert _source(b) == "cache"
    time.sleep(0.5)  # B's listener connects in the background after start-up
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": "NotifyPriceChange"}
    reply = requests.post(f"{a}/soap/", data=NOTIFY.encode(), auth=("erp", "scale-soap-secret"),
                          headers=headers, timeout=10)
    assert reply.status_code == 200, reply.text
    sent = time.monotonic()
    assert cluster.wait_until(lambda: _source(b) == "erp", timeout=1.0, interval=0.05), (
        "node B still served its cached quote a second after node A was told the price changed")
    print(f"\nnode B fetched afresh {time.monotonic() - sent:.3f}s after NotifyPriceChange on node A")

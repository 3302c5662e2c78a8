"""A price invalidation on one node reaches every node (PostgreSQL LISTEN/NOTIFY); SQLite stays local."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from middleware.services.price_cache import CachedPrice, PriceCache, PriceKey
from middleware.store.db import Database
from middleware.store.pg_notify import (
    InvalidationListener,
    PriceInvalidationBus,
    PublishingPriceCache,
    decode,
    encode,
)

PG_URL = os.environ.get("MIDDLEWARE_TEST_DATABASE_URL")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="MIDDLEWARE_TEST_DATABASE_URL is not set (cross-node invalidation needs PostgreSQL)"
)


def _entry(group: str = "RETAIL") -> CachedPrice:
    return CachedPrice(price=None, price_group=group, prices_include_tax=False,  # type: ignore[arg-type]
                       fetched_at=NOW, fresh_until=NOW + timedelta(minutes=1))


def _fill(cache: PriceCache, skus: list[str]) -> None:
    for sku in skus:
        cache.put(PriceKey("C10000", sku, 1, "-", "EUR"), _entry())


def _eventually(condition: Callable[[], bool], within: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within:
        if condition():
            return time.monotonic() - start
        time.sleep(0.01)
    raise AssertionError(f"condition not met within {within}s")


class _Node:
    """One node's cache and bus, as bootstrap wires them."""

    def __init__(self, url: str, channel: str) -> None:
        self.db = Database(url)
        publisher = PriceInvalidationBus(self.db, channel=channel)
        self.cache = PublishingPriceCache(60, 3600, publisher)
        self.bus = InvalidationListener(publisher, self.cache)

    def close(self) -> None:
        self.bus.stop()
        self.db.dispose()


@pytest.fixture
def two_nodes() -> Iterator[tuple[_Node, _Node]]:
    """Nodes A and B listening on a channel of their own."""
    assert PG_URL
    channel = f"test_invalidation_{os.getpid()}_{time.monotonic_ns()}"
    a, b = _Node(PG_URL, channel), _Node(PG_URL, channel)
    for node in (a, b):
        node.bus.start()
    for node in (a, b):
        assert node.bus.listening.wait(5), "listener did not connect"
    yield a, b
    a.close()
    b.close()


@needs_postgres
def test_an_invalidation_on_node_a_drops_the_quotes_cached_on_node_b_within_a_second(two_nodes) -> None:  # type: ignore[no-untyped-def]
    a, b = two_nodes
    _fill(b.cache, ["MUG-01", "MUG-02"])
    a.cache.invalidate(skus=["MUG-01"])
    took = _eventually(lambda: len(b.cache) == 1, within=1.0)
    assert b.cache.fresh(PriceKey("C10000", "MUG-02", 1, "-", "EUR"), NOW) is not None
    assert took < 1.0
    assert b.bus.stats()["applied"] == 1


@needs_postgres
def test_a_remote_invalidation_is_not_echoed_back(two_nodes) -> None:  # type: ignore[no-untyped-def]
    a, b = two_nodes
    _fill(b.cache, ["MUG-01"])
    a.cache.invalidate(everything=True)
    _eventually(lambda: b.bus.stats()["applied"] == 1, within=1.0)
    time.sleep(0.3)  # an echo would arrive at A within this time
    assert b.bus.stats()["published"] == 0
    assert a.bus.stats()["applied"] == 0  # A ignores its own notification


@needs_postgres
def test_a_node_that_lost_its_listening_connection_drops_everything_on_reconnect(two_nodes) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    a, b = two_nodes
    _fill(b.cache, ["MUG-01", "MUG-02"])
    with a.db.write() as conn:  # kill B's listening connection the way a failover would
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = :listen"
        ), {"listen": f'LISTEN "{b.bus.bus.channel}"'})
    _eventually(lambda: len(b.cache) == 0 and b.bus.listening.is_set(), within=5.0)
    assert b.bus.stats()["reconnects"] >= 1


def test_on_sqlite_the_bus_is_a_silent_no_op(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    publisher = PriceInvalidationBus(db)
    cache = PublishingPriceCache(60, 3600, publisher)
    bus = InvalidationListener(publisher, cache)
    bus.start()
    _fill(cache, ["MUG-01"])
    assert cache.invalidate(skus=["MUG-01"]) == 1
    bus.stop()
    assert bus.stats()["enabled"] is False and bus.stats()["published"] == 0
    db.dispose()


def test_a_payload_too_long_for_notify_degrades_to_dropping_everything() -> None:
    payload = encode("node-a", [f"SKU-{i:06d}" for i in range(2000)], [], [], False)
    assert len(payload) < 8000
    assert decode(payload) == {"origin": "node-a", "everything": True, "skus": [], "customer_ids": [],
                               "price_groups": []}


def test_malformed_payloads_are_ignored() -> None:
    assert decode("not json") is None
    assert decode(json.dumps([1, 2])) is None
    assert decode(json.dumps({"skus": [1, "A"], "everything": "yes"}))["skus"] == ["A"]  # type: ignore[index]
    assert decode(json.dumps({"everything": "yes"}))["everything"] is False  # type: ignore[index]


def test_remote_payloads_reach_the_target_once_and_own_ones_not_at_all(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seen: list[dict[str, object]] = []

    class Recorder:
        def invalidate(self, **kwargs: object) -> int:
            seen.append(kwargs)
            return 0

    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    bus = InvalidationListener(PriceInvalidationBus(db, node_id="me"), Recorder())  # type: ignore[arg-type]
    assert bus.apply(encode("me", ["A"], [], [], False)) is False
    assert bus.apply(encode("other", ["A"], ["C1"], ["G"], False)) is True
    assert seen == [{"skus": ["A"], "customer_ids": ["C1"], "price_groups": ["G"], "everything": False}]
    db.dispose()

"""Cross-node signals over PostgreSQL LISTEN/NOTIFY (a no-op on SQLite): price cache invalidations, and
new orders that wake the delivery workers of every node.

Every local invalidation is published on a channel; a listener thread on every node applies the
invalidations of the other nodes to its own PriceService. A node that lost its listening connection
drops its whole cache on reconnecting, since it may have missed notifications meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ..services.price_cache import PriceCache, PriceInvalidator
from .db import Database

log = logging.getLogger(__name__)

CHANNEL = "middleware_price_invalidation"
_MAX_PAYLOAD = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
_POLL_SECONDS = 0.25  # how long the listener waits before looking at its stop flag again


def new_node_id() -> str:
    """A name for this process, unique across the cluster."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def encode(origin: str, skus: Iterable[str], customer_ids: Iterable[str], price_groups: Iterable[str],
           everything: bool) -> str:
    """The NOTIFY payload; too long a list degrades to `everything` (dropping more is always safe)."""
    body = {"origin": origin, "skus": sorted(set(skus)), "customer_ids": sorted(set(customer_ids)),
            "price_groups": sorted(set(price_groups)), "everything": everything}
    text = json.dumps(body, separators=(",", ":"))
    if len(text.encode()) > _MAX_PAYLOAD:
        text = json.dumps({"origin": origin, "everything": True}, separators=(",", ":"))
    return text


def decode(payload: str) -> dict[str, Any] | None:
    """The invalidation a payload asks for, or None when it is malformed."""
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    lists = {k: [str(v) for v in body.get(k) or [] if isinstance(v, str)]
             for k in ("skus", "customer_ids", "price_groups")}
    return {"origin": str(body.get("origin", "")), "everything": body.get("everything") is True, **lists}


class PgListener:
    """A thread that LISTENs on one channel and hands every payload to a callback, reconnecting with backoff.

    `on_reconnect` runs after a lost connection is back: notifications sent meanwhile are gone."""

    def __init__(
        self,
        db: Database,
        channel: str,
        on_payload: Callable[[str], object],
        on_reconnect: Callable[[], object] = lambda: None,
        name: str = "pg-listener",
    ) -> None:
        self.db = db
        self.channel = channel
        self.on_payload = on_payload
        self.on_reconnect = on_reconnect
        self.name = name
        self.reconnects = 0
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening (PostgreSQL only)."""
        if not self.db.is_postgres or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.listening.clear()

    def _run(self) -> None:
        delay, first = 0.5, True
        while not self._stop.is_set():
            try:
                self._listen(missed_some=not first)
                delay = 0.5
            except Exception as exc:  # any database failure: reconnect
                self.listening.clear()
                self.reconnects += 1
                log.warning("%s disconnected (%s); retrying in %.1fs", self.name, exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)
            first = False

    def _listen(self, missed_some: bool) -> None:
        import psycopg

        conninfo = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'LISTEN "{self.channel}"')
            self.listening.set()
            if missed_some:
                self.on_reconnect()
            while not self._stop.is_set():
                for notice in conn.notifies(timeout=_POLL_SECONDS):
                    self.on_payload(notice.payload)
                    if self._stop.is_set():
                        break


def pg_notify(db: Database, channel: str, payload: str) -> None:
    """Send one notification (delivered to listeners when the transaction commits)."""
    with db.write() as conn:
        conn.execute(select(func.pg_notify(channel, payload)))


class PriceInvalidationBus:
    """Publishes this node's price invalidations to the other nodes (PostgreSQL NOTIFY; off on SQLite)."""

    def __init__(self, db: Database, channel: str = CHANNEL, node_id: str | None = None) -> None:
        self.db = db
        self.channel = channel
        self.node_id = node_id or new_node_id()
        self.enabled = db.is_postgres
        self.counts = {"published": 0, "publish_failures": 0, "received": 0, "applied": 0}
        self._counts_lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def applying_remote(self) -> Iterator[None]:
        """While a remote invalidation is applied here, publishing it again is suppressed."""
        self._local.applying_remote = True
        try:
            yield
        finally:
            self._local.applying_remote = False

    def publish(self, *, skus: Iterable[str] = (), customer_ids: Iterable[str] = (),
                price_groups: Iterable[str] = (), everything: bool = False) -> None:
        """Tell the other nodes; never raises (their caches still expire after the TTL)."""
        if not self.enabled or getattr(self._local, "applying_remote", False):
            return
        payload = encode(self.node_id, skus, customer_ids, price_groups, everything)
        try:
            pg_notify(self.db, self.channel, payload)
            self.count("published")
        except Exception:  # a publish failure must not fail the local invalidation
            self.count("publish_failures")
            log.exception("could not publish a price invalidation to the other nodes")

    def count(self, name: str) -> None:
        """Add one to a counter."""
        with self._counts_lock:
            self.counts[name] += 1

    def counters(self) -> dict[str, int]:
        """A copy of the counters."""
        with self._counts_lock:
            return dict(self.counts)


class InvalidationListener:
    """Applies the other nodes' invalidations to `target`; start()/stop() run the LISTEN thread."""

    def __init__(self, bus: PriceInvalidationBus, target: PriceInvalidator) -> None:
        self.bus = bus
        self.target = target
        # a node that lost its connection may have missed invalidations: it drops everything
        self.listener = PgListener(bus.db, bus.channel, self.apply, lambda: self._apply(everything=True),
                                   "price-invalidation-listener")
        self.listening = self.listener.listening

    def apply(self, payload: str) -> bool:
        """Apply one received payload to the local target unless it came from this node."""
        body = decode(payload)
        self.bus.count("received")
        if body is None or body["origin"] == self.bus.node_id:
            return False
        self._apply(skus=body["skus"], customer_ids=body["customer_ids"],
                    price_groups=body["price_groups"], everything=body["everything"])
        return True

    def _apply(self, **invalidation: Any) -> None:
        with self.bus.applying_remote():  # the target's cache would otherwise publish it again
            self.target.invalidate(**invalidation)
        self.bus.count("applied")

    def start(self) -> None:
        """Start listening (PostgreSQL only)."""
        self.listener.start()

    def stop(self) -> None:
        """Stop listening and wait for the thread."""
        self.listener.stop()

    def stats(self) -> dict[str, Any]:
        """Counters for the admin page and metrics."""
        return {**self.bus.counters(), "reconnects": self.listener.reconnects, "enabled": self.bus.enabled,
                "listening": self.listening.is_set(), "node_id": self.bus.node_id}


class PublishingPriceCache(PriceCache):
    """A PriceCache whose every invalidation is also published to the other nodes."""

    def __init__(self, ttl_seconds: int, stale_max_age_seconds: int, bus: PriceInvalidationBus,
                 max_entries: int = 10_000) -> None:
        super().__init__(ttl_seconds, stale_max_age_seconds, max_entries)
        self.bus = bus

    def invalidate(self, *, skus: Iterable[str] = (), customer_ids: Iterable[str] = (),
                   price_groups: Iterable[str] = (), everything: bool = False) -> int:
        """Drop locally, then tell the other nodes (even when nothing was cached here)."""
        skus, customer_ids, price_groups = list(skus), list(customer_ids), list(price_groups)
        count = super().invalidate(skus=skus, customer_ids=customer_ids, price_groups=price_groups,
                                   everything=everything)
        if skus or customer_ids or price_groups or everything:
            self.bus.publish(skus=skus, customer_ids=customer_ids, price_groups=price_groups,
                             everything=everything)
        return count


OUTBOX_CHANNEL = "middleware_outbox_due"


class OutboxWakeup:
    """A new order wakes the delivery workers of every node at once instead of at their next poll."""

    def __init__(self, db: Database, wake_local: Callable[[], None], channel: str = OUTBOX_CHANNEL) -> None:
        self.db = db
        self.wake_local = wake_local
        self.channel = channel
        # after a reconnect, look at once: an order may have arrived meanwhile
        self.listener = PgListener(db, channel, lambda _payload: wake_local(), wake_local, "outbox-wakeup")

    def notify(self) -> None:
        """Wake this process's worker and, on PostgreSQL, every other node's; never raises."""
        self.wake_local()
        if not self.db.is_postgres:
            return
        try:
            pg_notify(self.db, self.channel, "")
        except Exception:  # the other nodes still poll
            log.exception("could not wake the other nodes' delivery workers")

    def start(self) -> None:
        """Listen for other nodes' new orders (PostgreSQL only)."""
        self.listener.start()

    def stop(self) -> None:
        """Stop listening."""
        self.listener.stop()

"""`/healthz` (alive), `/readyz` (database ready; the ERP's state reported beside it) and `/metrics`.

`/readyz` answers 503 only when this node cannot take work: the database does not answer within
`DB_DEADLINE` seconds or its last write failed (locked, read-only, disk full). An unreachable ERP makes the
node `degraded` (200): it still accepts orders (they wait in the outbox) and serves cached or stale prices,
so a load balancer must not take every node out of rotation because the ERP is down.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .. import __version__
from .erp_recorder import CallWindow

health = Blueprint("health", __name__)


@dataclass(frozen=True)
class Check:
    """The result of one readiness check."""

    ok: bool
    reason: str = ""


class ErpReachability:
    """Is the ERP reachable? Judged from recent real calls, else by a cached TCP connect to its endpoint."""

    def __init__(
        self,
        endpoint: str,
        window: CallWindow | None,
        timeout: float = 2.0,
        recent_seconds: float = 30.0,
        cache_seconds: float = 5.0,
        breaker_state: Callable[[], str | None] | None = None,
    ) -> None:
        parsed = urlparse(endpoint)
        self._address = (
            parsed.hostname or "127.0.0.1",
            parsed.port or (443 if parsed.scheme == "https" else 80),
        )
        self._window = window
        self._timeout = timeout
        self._recent = recent_seconds
        self._cache_seconds = cache_seconds
        self._breaker_state = breaker_state
        self._cached: tuple[float, Check] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Check:
        """Check the ERP link."""
        if self._breaker_state is not None and self._breaker_state() == "open":
            return Check(False, "circuit breaker open after repeated ERP failures")
        if self._window is not None:
            since = self._window.seconds_since_last_call()
            if since is not None and since <= self._recent:
                success, failure = self._window.last_success(), self._window.last_failure()
                if failure is not None and (success is None or failure.at > success.at):
                    return Check(False, f"last ERP call failed: {failure.operation}: {failure.detail[:200]}")
                return Check(True)
        return self._probe()

    def _probe(self) -> Check:
        with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            try:
                socket.create_connection(self._address, timeout=self._timeout).close()
                check = Check(True)
            except OSError as exc:
                host, port = self._address
                check = Check(False, f"cannot connect to ERP at {host}:{port}: {exc.strerror or exc}")
            self._cached = (time.monotonic(), check)
            return check


DB_DEADLINE = 1.5
WRITE_FAILURE_WINDOW = 30.0


class DatabaseReadiness:
    """Pings the database in a helper thread with a deadline, so a blocked pool cannot hang the probe."""

    def __init__(self, deadline: float = DB_DEADLINE) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._pending: threading.Thread | None = None

    def __call__(self, db: Any) -> Check:
        """Check the database: it answers in time, and its last write did not fail."""
        with self._lock:
            if self._pending is not None and self._pending.is_alive():
                return Check(False, f"database did not answer within {self.deadline:g} s")
            outcome: list[Check] = []
            self._pending = threading.Thread(target=self._ping, args=(db, outcome), daemon=True)
            self._pending.start()
            pending = self._pending
        pending.join(self.deadline)
        if not outcome:
            return Check(False, f"database did not answer within {self.deadline:g} s")
        failure = db.write_failure(WRITE_FAILURE_WINDOW)
        if outcome[0].ok and failure:
            return Check(False, f"last database write failed: {failure}")
        return outcome[0]

    @staticmethod
    def _ping(db: Any, outcome: list[Check]) -> None:
        try:
            db.ping()
            outcome.append(Check(True))
        except Exception as exc:  # any driver error means "not ready"; the type tells the operator enough
            outcome.append(Check(False, f"database unreachable ({type(exc).__name__})"))



@health.get("/healthz")
def healthz() -> Response:
    """The process is alive."""
    return jsonify(status="ok", version=__version__)


@health.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 `ready` or `degraded` (ERP unreachable) while the database works; 503 `not_ready` otherwise."""
    container = current_app.extensions["middleware"]
    obs = current_app.extensions["observability"]
    database = current_app.extensions.setdefault("database_readiness", DatabaseReadiness())
    checks = {"database": database(container.db), "erp": obs.erp_reachability()}
    ready = checks["database"].ok
    status = "not_ready" if not ready else "ready" if checks["erp"].ok else "degraded"
    body = {
        "status": status,
        "checks": {
            name: {"ok": c.ok, **({"reason": c.reason} if c.reason else {})} for name, c in checks.items()
        },
    }
    return jsonify(body), 200 if ready else 503


@health.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition of this app's registry."""
    registry = current_app.extensions["observability"].metrics.registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

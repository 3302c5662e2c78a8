"""`/healthz` (alive), `/readyz` (database and ERP reachable, with reasons) and `/metrics`."""

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


def _database_check(container: Any) -> Check:
    try:
        container.db.ping()
        return Check(True)
    except Exception as exc:  # any driver error means "not ready"; the type tells the operator enough
        return Check(False, f"database unreachable ({type(exc).__name__})")


@health.get("/healthz")
def healthz() -> Response:
    """The process is alive."""
    return jsonify(status="ok", version=__version__)


@health.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready when the database answers and the ERP is reachable; 503 with reasons otherwise."""
    container = current_app.extensions["middleware"]
    obs = current_app.extensions["observability"]
    checks = {"database": _database_check(container), "erp": obs.erp_reachability()}
    ready = all(c.ok for c in checks.values())
    body = {
        "status": "ready" if ready else "not_ready",
        "checks": {
            name: {"ok": c.ok, **({"reason": c.reason} if c.reason else {})} for name, c in checks.items()
        },
    }
    return jsonify(body), 200 if ready else 503


@health.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition of this app's registry."""
    registry = current_app.extensions["observability"].metrics.registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)  # its one charset

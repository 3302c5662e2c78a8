"""The simulator WSGI application: SOAP at /soap (WSDL at /soap?wsdl), JSON control API at /_control/."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from erpsim.config import SimConfig
from erpsim.control import ControlApi
from erpsim.demo_data import demo_catalog
from erpsim.errors import ErpError
from erpsim.faults import FaultInjector, Stats
from erpsim.model import Catalog
from erpsim.push import AutoProgress, StatusPusher
from erpsim.service import OPERATIONS
from erpsim.soap import (
    SoapRequestError,
    authenticate,
    envelope,
    fault_envelope,
    parse_envelope,
    validate,
    wsdl_bytes,
)
from erpsim.store import ErpState
from erpsim.xmlcodec import NS

log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
SOAP_PATHS = ("/soap", "/soap/", "/")


class Simulator:
    """WSGI callable holding the ERP state, fault injector, statistics and status pusher."""

    def __init__(self, config: SimConfig | None = None, catalog: Catalog | None = None) -> None:
        """Create a simulator with demo data unless a catalog is given."""
        self.config = config or SimConfig()
        self._catalog = catalog
        self.state = ErpState(catalog or demo_catalog(), self.config.first_order_seq)
        self.faults = FaultInjector()
        self.stats = Stats()
        self.pusher = StatusPusher()
        self.state.on_status_change = self.pusher.notify
        self.stopping = threading.Event()
        self.control = ControlApi(self)
        self.auto: AutoProgress | None = None
        if self.config.push_url:
            self.pusher.configure(self.config.push_url, self.config.push_username, self.config.push_password)
        self.set_auto_progress(self.config.auto_progress_seconds)

    def reset(self) -> None:
        """Back to the initial catalog with no orders, no faults and zero statistics."""
        self.state.reset(self._catalog or demo_catalog())
        self.faults.set(self.faults.config.__class__())
        self.stats.reset()

    def set_auto_progress(self, seconds: float | None) -> None:
        """Start, change or stop (None) the demo status timer."""
        if self.auto is not None:
            self.auto.stop()
            self.auto = None
        self.config.auto_progress_seconds = seconds
        if seconds:
            self.auto = AutoProgress(self.state, seconds)

    def close(self) -> None:
        """Stop background threads and release hanging responses."""
        self.stopping.set()
        self.set_auto_progress(None)
        self.pusher.stop()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Route a request to the control API, the WSDL, health or the SOAP endpoint."""
        path, method = environ.get("PATH_INFO") or "/", environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_control"):
            return self.control(environ, start_response)
        if path == "/healthz":
            return _reply(start_response, "200 OK", b"ok", "text/plain")
        if path not in SOAP_PATHS:
            return _reply(start_response, "404 Not Found", b"not found", "text/plain")
        if method == "GET":
            if environ.get("QUERY_STRING", "").lower().startswith("wsdl"):
                host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
                return _reply(
                    start_response, "200 OK", wsdl_bytes(f"http://{host}/soap"), "text/xml; charset=utf-8"
                )
            text = b"Legacy ERP simulator. SOAP 1.1: POST /soap, WSDL: GET /soap?wsdl, control: /_control/"
            return _reply(start_response, "200 OK", text, "text/plain")
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", b"POST a SOAP envelope", "text/plain")
        return self._soap(environ, start_response)

    def _soap(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.config.max_body_bytes:
            return _reply(start_response, "413 Payload Too Large", b"request too large", "text/plain")
        try:
            header, request = parse_envelope(environ["wsgi.input"].read(length))
        except SoapRequestError as exc:
            self.stats.count("(invalid)")
            return self._fault(start_response, ErpError("VALIDATION", str(exc)), "(invalid)")
        op = request.tag.split("}")[-1] if request.tag.startswith(f"{{{NS}}}") else "(unknown)"
        self.stats.count(op)
        latency, injected = self.faults.before(op)
        if latency:
            time.sleep(latency)  # never under a lock
        if injected == "outage":
            self.stats.count(op, "injected")
            return _reply(
                start_response,
                "503 Service Unavailable",
                b"ERP is down (simulated outage)",
                "text/plain",
                [("Retry-After", "1")],
            )
        try:
            authenticate(
                environ.get("HTTP_AUTHORIZATION"), header, self.config.username, self.config.password
            )
            if injected == "busy":
                self.stats.count(op, "injected")
                raise ErpError("SERVICE_BUSY", "The ERP is busy, try again later")
            handler = OPERATIONS.get(op)
            if handler is None:
                raise ErpError("VALIDATION", f"Unknown operation {request.tag}")
            if self.config.validate_requests:
                validate(request)
            response = handler(self.state, self.config, request)
        except ErpError as exc:
            return self._fault(start_response, exc, op)
        except Exception:
            log.exception("operation %s failed", op)
            return self._fault(start_response, ErpError("INTERNAL", "Internal error in the ERP"), op)
        hang = self.faults.hang_after_commit(op)
        if hang:
            self.stats.count(op, "injected")
            self.stopping.wait(hang)  # committed; answer too late for the client's timeout
        return _reply(start_response, "200 OK", envelope(response), "text/xml; charset=utf-8")

    def _fault(self, start_response: StartResponse, err: ErpError, op: str) -> Iterable[bytes]:
        self.stats.count(op, "faults")
        return _reply(
            start_response, "500 Internal Server Error", fault_envelope(err), "text/xml; charset=utf-8"
        )


def _reply(
    start_response: StartResponse,
    status: str,
    body: bytes,
    ctype: str,
    extra: list[tuple[str, str]] | None = None,
) -> Iterable[bytes]:
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))] + (extra or []))
    return [body]


def make_app(config: SimConfig | None = None, catalog: Catalog | None = None) -> Simulator:
    """Build the simulator WSGI app (demo data unless a catalog is given)."""
    return Simulator(config, catalog)

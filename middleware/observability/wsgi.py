"""WSGI middleware around the whole app: request id, one access-log line, metrics, inbound SOAP audit."""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from ..ports.admin import ERP_IN, AuditEntry, AuditLog
from . import requestid
from .metrics import Metrics
from .redact import Redactor

access_log = logging.getLogger("middleware.access")
log = logging.getLogger(__name__)

ROUTE_KEY = "middleware.route"  # Flask puts the matched rule here (a label with bounded cardinality)
# the SOAP service's guard sets it once the caller proved who it is; anything else is only counted
AUTHENTICATED_KEY = "middleware.authenticated"
UNAUTHENTICATED = "unauthenticated"
SOAP_PREFIX = "/soap"
MAX_AUDIT_BODY = 64 * 1024
_BODY_OPERATION = re.compile(
    rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z_][\w.-]{0,63})", re.DOTALL
)
_FAULT_CODE = re.compile(rb"<faultcode[^>]*>\s*(?:[\w.-]+:)?(\w+)", re.IGNORECASE)


def soap_operation(environ: dict[str, Any], body: bytes) -> str:
    """The operation from SOAPAction, else the first element in the Body (regex: nothing is parsed)."""
    action = environ.get("HTTP_SOAPACTION", "").strip().strip('"')
    if action:
        name = action.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if re.fullmatch(r"[A-Za-z_][\w.-]{0,63}", name):
            return name
    if environ.get("REQUEST_METHOD") == "GET":
        return "wsdl"
    match = _BODY_OPERATION.search(body[:8192])
    return match.group(1).decode() if match else "unknown"


def soap_outcome(status: int, body: bytes) -> str:
    """ok, client_fault, server_fault or http_<status>."""
    if status == 200:
        return "ok"
    match = _FAULT_CODE.search(body[:16384])
    if match:
        code = match.group(1).decode().lower()
        return "client_fault" if code.startswith("client") else "server_fault"
    return f"http_{status}"


class InboundRecorder:
    """Counts, times and audits each SOAP call the ERP makes to us (bodies masked)."""

    def __init__(self, metrics: Metrics, audit: AuditLog | None, redactor: Redactor) -> None:
        self._metrics = metrics
        self._audit = audit
        self._redact = redactor

    def record_inbound(
        self,
        operation: str,
        outcome: str,
        seconds: float,
        request_body: str | None = None,
        response_body: str | None = None,
    ) -> None:
        """Record one inbound call; safe to call from the SOAP service itself.

        An unauthenticated call (operation UNAUTHENTICATED) is counted, never stored: anyone can send one.
        """
        self._metrics.observe_soap_call(operation, outcome, seconds)
        if self._audit is None or operation in ("wsdl", UNAUTHENTICATED):
            return
        body = "\n\n".join(self._redact(b[:MAX_AUDIT_BODY]) for b in (request_body, response_body) if b)
        try:
            self._audit.record(
                AuditEntry(
                    category=ERP_IN,
                    action=operation,
                    kind="call",
                    at=datetime.now(UTC),
                    outcome=outcome,
                    request_id=requestid.current(),
                    duration_ms=round(seconds * 1000, 1),
                    body=body or None,
                )
            )
        except Exception:  # auditing must never break the ERP's call
            log.exception("could not audit inbound SOAP call")


class ObservabilityMiddleware:
    """Wraps a WSGI app (outermost, so /soap and Flask are both seen)."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        metrics: Metrics,
        inbound: InboundRecorder | None = None,
        max_soap_body: int = 10 * 1024 * 1024,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.inbound = inbound
        self.max_soap_body = max_soap_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        rid = requestid.accept_or_generate(environ.get("HTTP_X_REQUEST_ID"))
        token = requestid.set_current(rid)
        environ["HTTP_X_REQUEST_ID"] = rid
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 500}

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            state["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((requestid.HEADER, rid))
            return start_response(status, headers, exc_info)

        is_soap = environ.get("PATH_INFO", "").startswith(SOAP_PREFIX) and self.inbound is not None
        request_body = self._buffer_body(environ) if is_soap else b""
        try:
            result = self.app(environ, _start)
            if is_soap:  # buffer the answer to see faults; SOAP answers are bounded documents
                try:
                    body = b"".join(result)
                finally:
                    getattr(result, "close", lambda: None)()
                result = [body]
                state["soap_response"] = body
            return result
        finally:
            self._finish(environ, state, started, request_body, is_soap)
            requestid.reset(token)

    def _buffer_body(self, environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > self.max_soap_body:
            return b""  # let the SOAP service refuse it; we only peek at bounded bodies
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _finish(
        self,
        environ: dict[str, Any],
        state: dict[str, Any],
        started: float,
        request_body: bytes,
        is_soap: bool,
    ) -> None:
        seconds = time.perf_counter() - started
        status = state["status"]
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "")
        route = environ.get(ROUTE_KEY) or (SOAP_PREFIX if path.startswith(SOAP_PREFIX) else "<unmatched>")
        try:
            self.metrics.observe_http(method, route, status, seconds)
            if is_soap and self.inbound is not None:
                response = state.get("soap_response", b"")
                operation = soap_operation(environ, request_body)
                if operation != "wsdl" and not environ.get(AUTHENTICATED_KEY):
                    operation = UNAUTHENTICATED
                self.inbound.record_inbound(
                    operation,
                    soap_outcome(status, response),
                    seconds,
                    request_body.decode("utf-8", "replace") or None,
                    response.decode("utf-8", "replace") or None,
                )
        except Exception:
            log.exception("could not record request metrics")
        access_log.info(
            "%s %s %s %.1f ms",
            method,
            path,
            status,
            seconds * 1000,
            extra={
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )

"""The NAV dialect: /<instance>/WS/<company>/Page/<Service> and /Codeunit/<Service> over the shared state."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from lxml import etree

from erpsim.app import Simulator, StartResponse, _reply
from erpsim.config import SimConfig
from erpsim.model import Catalog
from erpsim.nav.auth import BasicAuth, NtlmAuth
from erpsim.nav.documents import QuoteBook
from erpsim.nav.faults import INTERNAL, LOCK_TIMEOUT, NavFault, fault_envelope
from erpsim.nav.pages import CODEUNIT_NAME, CODEUNIT_NS, PAGES
from erpsim.nav.posting import post_route
from erpsim.nav.service import NavService
from erpsim.nav.wsdl import codeunit_wsdl, page_wsdl, schema_of
from erpsim.soap import SoapRequestError, envelope, parse_envelope, safe_parser

log = logging.getLogger(__name__)
LOCKED = (
    "We can't save your changes right now, because a record in table 'Sales Header' is being updated "
    "in a transaction done by another session. Please try again later."
)


@dataclass(frozen=True)
class NavOptions:
    """Where and how the dialect is published."""

    instance: str = "DynamicsNAV90"
    company: str = "CRONUS International Ltd."
    auth: str = "basic"  # basic | ntlm


_local = threading.local()


def _schema(kind: str, name: str) -> etree.XMLSchema:
    """The service's schema, compiled once per thread (lxml validators are not shared between threads)."""
    cache = _local.__dict__.setdefault("schemas", {})
    if (kind, name) not in cache:
        wsdl = codeunit_wsdl(name, "x") if kind == "Codeunit" else page_wsdl(PAGES[name], "x")
        cache[(kind, name)] = schema_of(wsdl, safe_parser())
    return cache[(kind, name)]


class NavSimulator(Simulator):
    """The simulator spoken the way Dynamics NAV publishes pages and codeunits."""

    def __init__(
        self, config: SimConfig | None = None, catalog: Catalog | None = None, nav: NavOptions | None = None
    ) -> None:
        """Shared state, control API and faults of the reference simulator, NAV's endpoints."""
        super().__init__(config, catalog)
        self.nav = nav or NavOptions()
        self.quotes = QuoteBook()
        self.service = NavService(self.state, self.quotes)
        user, pw = self.config.username, self.config.password
        self.auth = NtlmAuth(user, pw) if self.nav.auth == "ntlm" else BasicAuth(user, pw)
        self.control.routes.insert(0, post_route(self))
        prefix = (
            f"/{re.escape(self.nav.instance)}/WS/(?P<company>[^/]+)/(?P<kind>Page|Codeunit)/(?P<name>[^/]+)$"
        )
        self._route = re.compile(prefix)

    def base_path(self) -> str:
        """/<instance>/WS/<company URL-encoded>."""
        return f"/{self.nav.instance}/WS/{quote(self.nav.company, safe='')}"

    def reset(self) -> None:
        """Also drop the quotes."""
        super().reset()
        self.quotes.reset()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Control API, health, WSDLs on GET and SOAP on POST at the service URLs."""
        path = environ.get("PATH_INFO") or "/"
        if path.startswith("/_control") or path == "/healthz":
            return super().__call__(environ, start_response)
        found = self._route.match(path)
        if found is None or unquote(found["company"]) != self.nav.company:
            return _reply(start_response, "404 Not Found", b"not found", "text/plain")
        kind, name = found["kind"], found["name"]
        if (kind == "Page" and name not in PAGES) or (kind == "Codeunit" and name != CODEUNIT_NAME):
            return _reply(
                start_response, "404 Not Found", f"{kind} {name} is not published".encode(), "text/plain"
            )
        conn = (environ.get("REMOTE_ADDR", ""), str(environ.get("REMOTE_PORT", "")))
        verdict = self.auth.check(environ.get("HTTP_AUTHORIZATION"), conn)
        if not verdict.ok:
            headers = [("WWW-Authenticate", c) for c in verdict.challenge]
            return _reply(start_response, "401 Unauthorized", b"", "text/html", headers)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
            url = f"http://{host}{path}"
            body = codeunit_wsdl(name, url) if kind == "Codeunit" else page_wsdl(PAGES[name], url)
            return _reply(start_response, "200 OK", body, "text/xml; charset=utf-8")
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", b"", "text/plain")
        return self._nav_soap(environ, start_response, kind, name)

    def _nav_soap(
        self, environ: dict[str, Any], start_response: StartResponse, kind: str, name: str
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.config.max_body_bytes:
            return _reply(start_response, "413 Payload Too Large", b"", "text/plain")
        try:
            _, request = parse_envelope(environ["wsgi.input"].read(length))
        except SoapRequestError as exc:
            return self._nav_fault(start_response, NavFault.broker(str(exc)), f"{name}:(invalid)")
        op = etree.QName(request).localname
        stat = f"{name}:{op}"
        self.stats.count(stat)
        latency, injected = self.faults.before(stat)
        if latency:
            time.sleep(latency)
        if injected == "outage":
            self.stats.count(stat, "injected")
            return _reply(
                start_response,
                "503 Service Unavailable",
                b"Service Unavailable",
                "text/html",
                [("Retry-After", "1")],
            )
        try:
            response = self._dispatch(environ, kind, name, op, request, injected == "busy")
        except NavFault as fault:
            return self._nav_fault(start_response, fault, stat)
        except Exception:
            log.exception("NAV operation %s failed", stat)
            return self._nav_fault(start_response, NavFault(INTERNAL, "An internal error occurred."), stat)
        self._hang_after_commit(stat)
        return _reply(start_response, "200 OK", envelope(response), "text/xml; charset=utf-8")

    def _hang_after_commit(self, stat: str) -> None:
        """The control API's timeout_after_commit_rate: SalesOrder Create commits, then answers too late."""
        hang = self.faults.hang_after_commit("CreateSalesOrder" if stat == "SalesOrder:Create" else stat)
        if hang:
            self.stats.count(stat, "injected")
            self.stopping.wait(hang)

    def _dispatch(
        self, environ: dict[str, Any], kind: str, name: str, op: str, request: Any, busy: bool
    ) -> Any:
        ns = CODEUNIT_NS + name if kind == "Codeunit" else PAGES[name].namespace
        if etree.QName(request).namespace != ns:
            raise NavFault.broker(f"The request element is not in namespace {ns}.")
        action = (environ.get("HTTP_SOAPACTION") or "").strip('"')
        if action and action != f"{ns}:{op}":
            raise NavFault.broker(f"SOAPAction '{action}' does not match operation {op}.")
        schema = _schema(kind, name)
        if not schema.validate(request):
            err = schema.error_log.last_error
            raise NavFault.broker(f"Deserialization failed: {err.message if err else 'invalid request'}")
        if busy:
            self.stats.count(f"{name}:{op}", "injected")
            raise NavFault(LOCK_TIMEOUT, LOCKED)
        with self.state.lock:
            if kind == "Codeunit":
                return self.service.codeunit(name, op, request)
            return self.service.page(PAGES[name], op, request)

    def _nav_fault(self, start_response: StartResponse, fault: NavFault, stat: str) -> Iterable[bytes]:
        self.stats.count(stat, "faults")
        return _reply(
            start_response, "500 Internal Server Error", fault_envelope(fault), "text/xml; charset=utf-8"
        )


def make_app(
    config: SimConfig | None = None,
    instance: str = "DynamicsNAV90",
    company: str = "CRONUS International Ltd.",
    auth: str = "basic",
) -> NavSimulator:
    """The NAV dialect as a WSGI app (demo data)."""
    return NavSimulator(config, nav=NavOptions(instance, company, auth))

"""The X3 dialect's WSGI app: CAdxWebServiceXmlCC at the V6 or V7 path, control API and health as usual."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from erpsim.app import Simulator, StartResponse, _reply
from erpsim.config import SimConfig
from erpsim.model import Catalog
from erpsim.soap import basic_credentials
from erpsim.x3 import dictionary as d
from erpsim.x3 import masterdata, orders, pricing
from erpsim.x3.codec import list_size
from erpsim.x3.envelope import Call, decode, fault_envelope, result_envelope
from erpsim.x3.errors import X3Error, X3Fault
from erpsim.x3.objxml import parse
from erpsim.x3.wsdl import wsdl_bytes

log = logging.getLogger(__name__)
PATHS = {
    "v7": "/soap-generic/syracuse/collaboration/syracuse/CAdxWebServiceXmlCC",
    "v6": "/adxwsvc/services/CAdxWebServiceXmlCC",
}
XML = "text/xml; charset=utf-8"
Handler = Callable[["X3Simulator", Call], str]


def _run(sim: X3Simulator, call: Call) -> str:
    if call.parts["publicName"] != d.PRICE_SUBPROGRAM:
        raise X3Error(f"Web service {call.parts['publicName']} : not published", "publicName")
    return pricing.run(sim.state, sim.config, parse(call.parts["inputXml"], "inputXml"))


def _save(sim: X3Simulator, call: Call) -> str:
    if call.parts["publicName"] != d.SOH:
        raise X3Error(f"Web service {call.parts['publicName']} : creation not allowed", "publicName")
    return orders.save(sim.state, parse(call.parts["objectXml"], "objectXml"))


READERS = {d.SOH: orders.read, d.BPC: masterdata.read_customer, d.ITM: masterdata.read_item}
QUERIES = {d.SOH: orders.query, d.BPC: masterdata.query_customers, d.ITM: masterdata.query_items}


def _object(table: dict[str, Any], call: Call) -> Any:
    handler = table.get(call.parts["publicName"])
    if handler is None:
        raise X3Error(f"Web service {call.parts['publicName']} : not published", "publicName")
    return handler


def _query(sim: X3Simulator, call: Call) -> str:
    size = list_size(call.parts.get("listSize"), sim.config.default_page_size, sim.config.max_page_size)
    return str(_object(QUERIES, call)(sim.state, call.keys, size))


def _describe(sim: X3Simulator, call: Call) -> str:
    """getDescription: the publication's name and kind (enough for a connection check)."""
    name = call.parts["publicName"]
    kind = "subprogram" if name == d.PRICE_SUBPROGRAM else "object"
    if name != d.PRICE_SUBPROGRAM:
        _object(READERS, call)
    root = etree.Element("ADXDESC")
    etree.SubElement(root, "PUBLICNAME", NAME=name, TYPE=kind)
    return etree.tostring(root, encoding="unicode")


OPERATIONS: dict[str, Handler] = {
    "run": _run,
    "save": _save,
    "read": lambda sim, call: _object(READERS, call)(sim.state, call.keys),
    "query": _query,
    "delete": lambda sim, call: _object({d.SOH: orders.delete}, call)(sim.state, call.keys),
    "getDescription": _describe,
}


class X3Simulator(Simulator):
    """The shared simulator state behind X3's generic web service (V6: credentials in the call context)."""

    def __init__(
        self,
        config: SimConfig | None = None,
        catalog: Catalog | None = None,
        version: str = "v7",
        pool_alias: str = "SHOP",
    ) -> None:
        """A V6 or V7 endpoint for one pool alias."""
        if version not in PATHS:
            raise ValueError(f"X3 version must be one of {sorted(PATHS)}")
        super().__init__(config, catalog)
        self.version, self.pool_alias, self.soap_path = version, pool_alias, PATHS[version]
        self.faults.commit_operations = frozenset({"save"})

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The X3 path serves the WSDL (GET ?wsdl) and SOAP; everything else as the reference simulator."""
        path, method = environ.get("PATH_INFO") or "/", environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_control") or path == "/healthz":
            return super().__call__(environ, start_response)
        if path != self.soap_path:
            return _reply(start_response, "404 Not Found", b"not found", "text/plain")
        if method == "GET" and environ.get("QUERY_STRING", "").lower().startswith("wsdl"):
            host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
            return _reply(start_response, "200 OK", wsdl_bytes(self.version, f"http://{host}{path}"), XML)
        if method != "POST":
            return _reply(start_response, "405 Method Not Allowed", b"POST a SOAP envelope", "text/plain")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.config.max_body_bytes:
            return _reply(start_response, "413 Payload Too Large", b"request too large", "text/plain")
        if self.version == "v7" and basic_credentials(environ.get("HTTP_AUTHORIZATION")) is None:
            headers = [("WWW-Authenticate", 'Basic realm="Syracuse"')]
            return _reply(
                start_response, "401 Unauthorized", b"authentication required", "text/plain", headers
            )
        return self._soap_x3(environ, start_response, environ["wsgi.input"].read(length))

    def _soap_x3(
        self, environ: dict[str, Any], start_response: StartResponse, body: bytes
    ) -> Iterable[bytes]:
        try:
            call = decode(body)
        except X3Fault as exc:
            self.stats.count("(invalid)")
            return self._x3_fault(start_response, exc, "(invalid)")
        op = call.operation
        self.stats.count(op)
        latency, injected = self.faults.before(op)
        if latency:
            time.sleep(latency)
        if injected == "outage":
            self.stats.count(op, "injected")
            return _reply(
                start_response,
                "503 Service Unavailable",
                b"X3 web services are stopped",
                "text/plain",
                [("Retry-After", "1")],
            )
        try:
            self._authenticate(environ, call)
        except X3Fault as exc:
            return self._x3_fault(start_response, exc, op)
        if injected == "busy":
            self.stats.count(op, "injected")
            message = (
                f"Pool {self.pool_alias} : no X3 session available (timeout waiting for a free pool entry)"
            )
            return _reply(
                start_response, "200 OK", result_envelope(op, 0, None, [("3", message)], busy=True), XML
            )
        return self._execute(start_response, call)

    def _execute(self, start_response: StartResponse, call: Call) -> Iterable[bytes]:
        op = call.operation
        handler = OPERATIONS.get(op)
        try:
            if handler is None:
                raise X3Error(f"Method {op} : not available for this publication", "publicName")
            answer = handler(self, call)
        except X3Error as exc:
            self.stats.count(op, "faults")
            return _reply(start_response, "200 OK", result_envelope(op, 0, None, [("3", exc.text)]), XML)
        except Exception:
            log.exception("X3 operation %s failed", op)
            return self._x3_fault(start_response, X3Fault("Internal error in the X3 web service"), op)
        hang = self.faults.hang_after_commit(op) if call.parts.get("publicName") == d.SOH else 0.0
        if hang:
            self.stats.count(op, "injected")
            self.stopping.wait(hang)
        return _reply(start_response, "200 OK", result_envelope(op, 1, answer, []), XML)

    def _authenticate(self, environ: dict[str, Any], call: Call) -> None:
        if self.version == "v7":
            user, password = basic_credentials(environ.get("HTTP_AUTHORIZATION")) or ("", "")
        else:
            user, password = call.context.get("codeUser", ""), call.context.get("password", "")
        ok_user = hmac.compare_digest(user.encode(), self.config.username.encode())
        if not (ok_user and hmac.compare_digest(password.encode(), self.config.password.encode())):
            raise X3Fault("Authentication failed: invalid user or password", "soapenv:Server.userException")
        alias = call.context.get("poolAlias", "")
        if alias != self.pool_alias:
            raise X3Fault(f"Pool alias '{alias}' does not exist or is not started")

    def _x3_fault(self, start_response: StartResponse, fault: X3Fault, op: str) -> Iterable[bytes]:
        self.stats.count(op, "faults")
        return _reply(start_response, "500 Internal Server Error", fault_envelope(fault), XML)


def make_app(
    config: SimConfig | None = None,
    catalog: Catalog | None = None,
    version: str = "v7",
    pool_alias: str = "SHOP",
) -> X3Simulator:
    """Build the X3 dialect (demo data unless a catalog is given)."""
    return X3Simulator(config, catalog, version, pool_alias)

"""A WSGI guard in front of spyne: size limit, hostile-XML screening and authentication.

spyne parses whatever it gets, answers some malformed bodies with a bare 500 and logs whole
request bodies at ERROR. Every POST therefore passes through `SoapGuard` first: the body is read
up to a limit, parsed once with a parser that loads no DTD, resolves no entity and touches no
network, and refused (SOAP 1.1 `Client` fault, never a bare 500) when it carries a DOCTYPE, nests
too deep, has too many elements or uses SOAP-encoding `href` references. Then the caller must
authenticate (HTTP Basic, else a WS-Security UsernameToken) before spyne sees a byte.
"""

from __future__ import annotations

import codecs
import email.message
import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from .wssecurity import WSSE, WSU, AuthFailure, UsernameTokenVerifier, check_basic

log = logging.getLogger(__name__)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
MAX_DEPTH = 40
MAX_ELEMENTS = 250_000
REFERENCE_ATTRIBUTES = ("href", "{http://www.w3.org/2003/05/soap-encoding}ref")
# set once the caller authenticated: the audit stores only such calls in full (observability.wsgi)
AUTHENTICATED_KEY = "middleware.authenticated"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# spyne's loggers that write request bodies or values (and full tracebacks for client errors) at ERROR
NOISY_SPYNE_LOGGERS = (
    "spyne.protocol.soap.soap11.invalid",
    "spyne.protocol.soap.soap12.invalid",
    "spyne.protocol.xml.invalid",
    "spyne.protocol.xml",
    "spyne.protocol._inbase",
    "spyne.application.client",
    "spyne.server.wsgi",
)


def quiet_spyne_logging() -> None:
    """Stop spyne from logging request bodies; the guard and the service log one safe line instead."""
    for name in NOISY_SPYNE_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


class Rejected(Exception):
    """A request refused before spyne sees it."""

    def __init__(
        self, status: str, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def fault_envelope(code: str, message: str) -> bytes:
    """A SOAP 1.1 Fault envelope; `code` like 'Client' or 'Client.Authentication'."""
    nsmap = {"soap11env": SOAP11_ENV}
    envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap=nsmap)
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body"), f"{{{SOAP11_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap11env:{code}"
    etree.SubElement(fault, "faultstring").text = message
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def check_charset(environ: dict[str, Any]) -> None:
    """Refuse a Content-Type charset Python does not know (spyne would crash decoding with it)."""
    message = email.message.Message()
    message["Content-Type"] = environ.get("CONTENT_TYPE") or "text/xml"
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return
    try:
        codecs.lookup(charset)
    except LookupError:
        reason = f"unsupported charset {charset[:40]!r}"
        raise Rejected("400 Bad Request", "Client.BadRequest", reason) from None


def read_body(environ: dict[str, Any], max_bytes: int) -> bytes:
    """The request body, refusing anything above `max_bytes` without reading it all."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise Rejected("400 Bad Request", "Client.BadRequest", "Content-Length is not a number") from None
        if length > max_bytes:
            raise _too_large(max_bytes)
    body = environ["wsgi.input"].read(max_bytes + 1)
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    return body


def _too_large(max_bytes: int) -> Rejected:
    message = f"request body exceeds {max_bytes} bytes"
    return Rejected("413 Request Entity Too Large", "Client.RequestTooLarge", message)


def screen(body: bytes) -> etree._Element:
    """Parse the body safely and refuse DTDs, deep nesting, huge trees and href references."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise _malformed("DTDs are not allowed in SOAP messages")
    try:
        root = etree.fromstring(body, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _malformed(f"request is not well-formed XML ({exc.msg})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _malformed("DTDs are not allowed in SOAP messages")
    _walk(root)
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise _malformed("SOAP 1.2 is not supported; send a SOAP 1.1 envelope")
    if root.tag != f"{{{SOAP11_ENV}}}Envelope":
        raise _malformed("the document is not a SOAP 1.1 Envelope")
    _check_parts(root)
    return root


SECURITY = f"{{{WSSE}}}Security"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
# what we process of a wsse:Security header; anything else in one marked mustUnderstand is not understood
UNDERSTOOD_SECURITY = {f"{{{WSSE}}}UsernameToken", f"{{{WSU}}}Timestamp"}


def must_understand(entry: etree._Element) -> bool:
    """Whether a header entry carries soap:mustUnderstand="1" (or "true")."""
    return (entry.get(f"{{{SOAP11_ENV}}}mustUnderstand") or "").strip() in ("1", "true")


def _check_parts(envelope: etree._Element) -> None:
    bodies = envelope.findall(f"{{{SOAP11_ENV}}}Body")
    if len(bodies) != 1:
        raise _malformed("the Envelope must have exactly one Body" if bodies else "the Envelope has no Body")
    operations = [child for child in bodies[0] if isinstance(child.tag, str)]
    if len(operations) != 1 or (bodies[0].text or "").strip():
        raise _malformed("the Body must hold exactly one operation element")
    headers = envelope.findall(f"{{{SOAP11_ENV}}}Header")
    if len(headers) > 1:
        raise _malformed("the Envelope must have at most one Header")
    for entry in headers[0] if headers else ():
        if not isinstance(entry.tag, str) or not must_understand(entry):
            continue
        parts = {child.tag for child in entry if isinstance(child.tag, str)}
        if entry.tag != SECURITY or not parts <= UNDERSTOOD_SECURITY:
            name = etree.QName(entry).localname
            message = f"header {name!r} is not understood"
            raise Rejected("500 Internal Server Error", "MustUnderstand", message)


def _walk(root: etree._Element) -> None:
    stack = [(root, 1)]
    count = 0
    while stack:
        element, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise _malformed(f"XML nesting deeper than {MAX_DEPTH} levels")
        if count > MAX_ELEMENTS:
            raise _malformed(f"more than {MAX_ELEMENTS} XML elements")
        if any(element.get(name) is not None for name in REFERENCE_ATTRIBUTES):
            raise _malformed("SOAP-encoding references (href) are not supported; use document/literal")
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))


def _malformed(message: str) -> Rejected:
    return Rejected("400 Bad Request", "Client.MalformedRequest", message)


class SoapGuard:
    """WSGI middleware: screen and authenticate every SOAP POST before spyne handles it."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        username: str,
        password: str,
        verifier: UsernameTokenVerifier,
        max_bytes: int,
        nil_wrappers: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.username = username
        self.password = password
        self.verifier = verifier
        self.max_bytes = max_bytes
        self.nil_wrappers = nil_wrappers  # operations whose arguments are all optional

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "GET" and environ.get("QUERY_STRING", "").split("=")[0].lower() == "wsdl":
            return self.app(environ, start_response)  # the WSDL is public: it holds no data
        try:
            if method != "POST":
                raise Rejected("405 Method Not Allowed", "Client.BadRequest",
                               "POST a SOAP 1.1 envelope; GET ?wsdl for the service description",
                               (("Allow", "GET, POST"),))
            check_charset(environ)
            body = read_body(environ, self.max_bytes)
            envelope = screen(body)
            self._authenticate(environ, envelope)
            environ[AUTHENTICATED_KEY] = True
            body = self._without_nil_wrapper(envelope, body)
        except Rejected as exc:
            log.warning("SOAP request refused from %s: %s", environ.get("REMOTE_ADDR", "?"), exc.message)
            return self._refuse(start_response, exc)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        if not environ.get("CONTENT_TYPE"):
            # spyne refuses a POST without one; the XML is already checked
            environ["CONTENT_TYPE"] = "text/xml"
        return self._call_spyne(environ, start_response)

    def _without_nil_wrapper(self, envelope: etree._Element, body: bytes) -> bytes:
        """Old toolkits send an operation without arguments as `<Op xsi:nil="true"/>`: take it as `<Op/>`."""
        body_element = envelope.find(f"{{{SOAP11_ENV}}}Body")
        operation = next(child for child in body_element if isinstance(child.tag, str))
        nil = (operation.get(XSI_NIL) or "").strip() in ("true", "1")
        empty = not len(operation) and not (operation.text or "").strip()
        if not (nil and empty and etree.QName(operation).localname in self.nil_wrappers):
            return body
        del operation.attrib[XSI_NIL]
        return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))

    def _call_spyne(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = False

        def tracking_start_response(*args: Any) -> Any:
            nonlocal started
            started = True
            return start_response(*args)

        try:
            return self.app(environ, tracking_start_response)
        except Exception:
            # spyne lets some failures escape as a bare 500; answer with a fault instead
            log.exception("SOAP request failed inside spyne")
            if started:
                raise
            return self._refuse(start_response, Rejected(
                "500 Internal Server Error", "Server", "the request could not be processed"))

    def _authenticate(self, environ: dict[str, Any], envelope: etree._Element) -> None:
        header = environ.get("HTTP_AUTHORIZATION")
        security = envelope.find(f"{{{SOAP11_ENV}}}Header/{SECURITY}")
        try:
            if header:
                check_basic(header, self.username, self.password)
                if security is not None and must_understand(security):
                    self.verifier.verify(security)  # mustUnderstand: processed even beside Basic
                return
            if security is None:
                raise Rejected("401 Unauthorized", "Client.Authentication",
                               "authentication required: HTTP Basic or a WS-Security UsernameToken",
                               (("WWW-Authenticate", 'Basic realm="ERP SOAP"'),))
            self.verifier.verify(security)
        except AuthFailure as exc:
            if header:
                raise Rejected("401 Unauthorized", "Client.Authentication", str(exc),
                               (("WWW-Authenticate", 'Basic realm="ERP SOAP"'),)) from None
            raise Rejected("500 Internal Server Error", "Client.Authentication", str(exc)) from None

    @staticmethod
    def _refuse(start_response: StartResponse, exc: Rejected) -> list[bytes]:
        body = fault_envelope(exc.code, exc.message)
        headers = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(body)))]
        headers.extend(exc.headers)
        start_response(exc.status, headers)
        return [body]

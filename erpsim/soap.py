"""SOAP 1.1 plumbing: hardened parsing, schema validation, authentication, envelopes and faults."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path

from lxml import etree

from erpsim.errors import ErpError
from erpsim.xmlcodec import NS, q, sub

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DIGEST_TYPE = "#PasswordDigest"


def _find_wsdl() -> Path:
    """ERPSIM_WSDL, else wsdl/erp.wsdl of the source tree, else the copy installed under share/."""
    candidates = [
        Path(__file__).resolve().parent.parent / "wsdl" / "erp.wsdl",
        Path(sys.prefix) / "share" / "erp-middleware" / "wsdl" / "erp.wsdl",
    ]
    if os.environ.get("ERPSIM_WSDL"):
        return Path(os.environ["ERPSIM_WSDL"])
    return next((p for p in candidates if p.exists()), candidates[0])


WSDL_PATH = _find_wsdl()
_local = threading.local()


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never loads DTDs, resolves entities or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class SoapRequestError(Exception):
    """The HTTP body is not an acceptable SOAP 1.1 envelope."""


def parse_envelope(body: bytes) -> tuple[etree._Element | None, etree._Element]:
    """Return (Header or None, the single Body child) of a safe-parsed SOAP 1.1 envelope."""
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SoapRequestError(f"Malformed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise SoapRequestError("DTDs are not allowed")
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapRequestError("Not a SOAP 1.1 Envelope")
    body_el = root.find(f"{{{SOAP_ENV}}}Body")
    if body_el is None or len(body_el) != 1:
        raise SoapRequestError("The SOAP Body must contain exactly one element")
    return root.find(f"{{{SOAP_ENV}}}Header"), body_el[0]


@lru_cache(maxsize=1)
def _schema_source() -> bytes:
    wsdl = etree.parse(str(WSDL_PATH), safe_parser())
    return etree.tostring(wsdl.find(".//{http://www.w3.org/2001/XMLSchema}schema"))


def load_schema() -> etree.XMLSchema:
    """The xs:schema embedded in the WSDL, compiled once per thread (validators are not shared)."""
    schema = getattr(_local, "schema", None)
    if schema is None:
        schema = _local.schema = etree.XMLSchema(etree.fromstring(_schema_source(), safe_parser()))
    return schema


def validate(element: etree._Element) -> None:
    """Validate a request wrapper against the WSDL schema or fault VALIDATION."""
    schema = load_schema()
    if not schema.validate(element):
        err = schema.error_log.last_error
        field = None
        if err is not None and err.path:
            field = "/".join(step.split(":")[-1] for step in err.path.split("/")[2:]) or None
        message = err.message if err is not None else "Request does not match the schema"
        raise ErpError("VALIDATION", message.replace(f"{{{NS}}}", ""), field)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(username, password) from an HTTP Basic Authorization header."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def wsse_ok(header: etree._Element | None, username: str, password: str) -> bool | None:
    """Check a WS-Security UsernameToken; None when the header carries none."""
    if header is None:
        return None
    token = header.find(f"{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    if token is None:
        return None
    user = token.findtext(f"{{{WSSE}}}Username") or ""
    pw_el = token.find(f"{{{WSSE}}}Password")
    if pw_el is None or not hmac.compare_digest(user.encode(), username.encode()):
        return False
    given = pw_el.text or ""
    if (pw_el.get("Type") or "").endswith(DIGEST_TYPE):
        nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce") or "")
        created = (token.findtext(f"{{{WSU}}}Created") or "").encode()
        digest = hashlib.sha1(nonce + created + password.encode()).digest()  # noqa: S324 - fixed by WS-Security
        expected = base64.b64encode(digest).decode()
        return hmac.compare_digest(given, expected)
    return hmac.compare_digest(given.encode(), password.encode())


def authenticate(
    auth_header: str | None, soap_header: etree._Element | None, username: str, password: str
) -> None:
    """Accept HTTP Basic or a UsernameToken with the configured credentials, else fault AUTH_FAILED."""
    basic = basic_credentials(auth_header)
    if (
        basic is not None
        and hmac.compare_digest(basic[0].encode(), username.encode())
        and hmac.compare_digest(basic[1].encode(), password.encode())
    ):
        return
    if wsse_ok(soap_header, username, password):
        return
    raise ErpError("AUTH_FAILED", "Authentication failed: send HTTP Basic or a WS-Security UsernameToken")


def envelope(payload: etree._Element) -> bytes:
    """Wrap a response element into a SOAP 1.1 envelope."""
    # splice bytes: moving a large tree into another document costs more than serializing it
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="'
        + SOAP_ENV.encode()
        + b'"><soap:Body>'
        + etree.tostring(payload, encoding="utf-8", xml_declaration=False)
        + b"</soap:Body></soap:Envelope>"
    )


def fault_envelope(err: ErpError) -> bytes:
    """A SOAP 1.1 Fault whose detail is an ErpFault element."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "erp": NS})
    fault = etree.SubElement(etree.SubElement(env, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = err.fault_code
    etree.SubElement(fault, "faultstring").text = err.message
    detail = etree.SubElement(etree.SubElement(fault, "detail"), q("ErpFault"))
    sub(detail, "Code", err.code)
    sub(detail, "Field", err.field, True)
    sub(detail, "Retryable", err.retryable)
    sub(detail, "Message", err.message)
    sub(detail, "ExistingOrderNo", err.existing_order_no, True)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def wsdl_bytes(address: str) -> bytes:
    """The hand-written WSDL with soap:address pointing at the serving endpoint."""
    doc = etree.parse(str(WSDL_PATH), safe_parser())
    for addr in doc.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address"):
        addr.set("location", address)
    return etree.tostring(doc, xml_declaration=True, encoding="utf-8")

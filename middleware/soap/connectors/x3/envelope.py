"""SOAP 1.1 rpc/encoded envelopes for CAdxWebServiceXmlCC, built and read with lxml (no zeep)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from .contract import OPERATIONS, SOAPENC, WSS, XSD, call_context_fields

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"soapenv": SOAP_ENV, "xsi": XSI, "xsd": XSD, "soapenc": SOAPENC, "wss": WSS}
PREFIXES = {WSS: "wss", XSD: "xsd"}
MAX_RESPONSE = 50 * 1024 * 1024


class EnvelopeError(Exception):
    """The answer is not a SOAP envelope with a CAdxResultXml or a fault."""


@dataclass(frozen=True, slots=True)
class Fault:
    """A SOAP fault answered instead of a result."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Result:
    """CAdxResultXml: status 1 success / 0 error, messages (type 1 info, 2 warning, 3 error), resultXml."""

    status: int
    messages: tuple[tuple[str, str], ...]
    result_xml: str | None
    busy: bool = False

    def errors(self) -> list[str]:
        """The texts of the error messages (type 3)."""
        return [text for kind, text in self.messages if kind == "3"]


def safe_parser() -> etree.XMLParser:
    """No DTDs, no entities, no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _typed(parent: etree._Element, name: str, qtype: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, name)
    ns, _, local = qtype[1:].partition("}")
    el.set(f"{{{XSI}}}type", f"{PREFIXES[ns]}:{local}")
    if text is not None:
        el.text = text
    return el


def _keys(parent: etree._Element, qtype: str, keys: Sequence[tuple[str, str]]) -> None:
    box = _typed(parent, "objectKeys", qtype)  # the declared restriction of soapenc:Array
    box.set(f"{{{SOAPENC}}}arrayType", f"wss:CAdxParamKeyValue[{len(keys)}]")
    for key, value in keys:
        item = _typed(box, "item", f"{{{WSS}}}CAdxParamKeyValue")
        _typed(item, "key", f"{{{XSD}}}string", key)
        _typed(item, "value", f"{{{XSD}}}string", value)


def request(
    operation: str,
    context: Mapping[str, str],
    version: str,
    public_name: str,
    *,
    xml: str | None = None,
    keys: Sequence[tuple[str, str]] = (),
    list_size: int | None = None,
) -> bytes:
    """The request envelope: every part of the operation in parameterOrder, each with its xsi:type."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=NSMAP)
    call = etree.SubElement(etree.SubElement(env, f"{{{SOAP_ENV}}}Body"), f"{{{WSS}}}{operation}")
    call.set(f"{{{SOAP_ENV}}}encodingStyle", SOAPENC)
    for name, qtype in OPERATIONS[operation]:
        if name == "callContext":
            ctx = _typed(call, name, qtype)
            for field in call_context_fields(version):
                _typed(ctx, field, f"{{{XSD}}}string", context.get(field, ""))
        elif name == "publicName":
            _typed(call, name, qtype, public_name)
        elif name == "objectKeys":
            _keys(call, qtype, keys)
        elif name == "listSize":
            _typed(call, name, qtype, str(list_size or 1))
        else:
            _typed(call, name, qtype, xml or "")
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in parent if etree.QName(c).localname == name), None)


def _text(parent: etree._Element | None, name: str) -> str | None:
    el = None if parent is None else _child(parent, name)
    if el is None or el.get(f"{{{XSI}}}nil") == "true":
        return None
    return el.text or ""


def read_envelope(body: bytes) -> etree._Element:
    """The answer's SOAP 1.1 envelope, parsed safely."""
    if len(body) > MAX_RESPONSE:
        raise EnvelopeError("answer too large")
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise EnvelopeError(f"answer is not XML: {exc}") from None
    if root.getroottree().docinfo.doctype or root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise EnvelopeError("answer is not a SOAP 1.1 envelope")
    return root


def parse_response(root: etree._Element) -> Result | Fault:
    """Read the <opReturn> CAdxResultXml, or the SOAP fault."""
    body_el = root.find(f"{{{SOAP_ENV}}}Body")
    wrapper = None if body_el is None or len(body_el) == 0 else body_el[0]
    if wrapper is None:
        raise EnvelopeError("answer has an empty SOAP body")
    if wrapper.tag == f"{{{SOAP_ENV}}}Fault":
        return Fault(_text(wrapper, "faultcode") or "", _text(wrapper, "faultstring") or "")
    ret = wrapper[0] if len(wrapper) else None
    status = _text(ret, "status")
    if ret is None or status is None or not status.strip().lstrip("-").isdigit():
        raise EnvelopeError("answer carries no CAdxResultXml status")
    box = _child(ret, "messages")
    messages = tuple(
        ((_text(m, "type") or "").strip(), _text(m, "message") or "") for m in ([] if box is None else box)
    )
    infos = _child(ret, "technicalInfos")
    busy = (_text(infos, "busy") or "").strip() == "true"
    return Result(int(status), messages, _text(ret, "resultXml"), busy)

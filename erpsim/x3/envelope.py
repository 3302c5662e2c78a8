"""SOAP 1.1 rpc/encoded envelopes of CAdxWebServiceXmlCC: request parts in, CAdxResultXml out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from erpsim.soap import SOAP_ENV, SoapRequestError, parse_envelope
from erpsim.x3.errors import X3Fault
from erpsim.x3.wsdl import OPERATIONS, SOAPENC, WSS, XSD

XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"soapenv": SOAP_ENV, "xsd": XSD, "xsi": XSI, "soapenc": SOAPENC, "wss": WSS}
TECHNICAL_DEFAULTS = (
    ("busy", "boolean", "false"),
    ("changeLanguage", "boolean", "false"),
    ("changeUserId", "boolean", "false"),
    ("flushAdx", "boolean", "false"),
    ("loadWebsDuration", "double", "0.0"),
    ("nbDistributionCycle", "int", "-1"),
    ("poolDistribDuration", "double", "-1.0"),
    ("poolEntryIdx", "int", "1"),
    ("poolExecDuration", "double", "1.0"),
    ("poolRequestDuration", "double", "-1.0"),
    ("poolWaitDuration", "double", "-1.0"),
    ("processReport", "string", ""),
    ("processReportSize", "int", "-1"),
    ("reloadWebs", "boolean", "false"),
    ("resumitAfterDBOpen", "boolean", "false"),
    ("rowInDistribStack", "int", "-1"),
    ("totalDuration", "double", "1.0"),
    ("traceRequest", "string", ""),
    ("traceRequestSize", "int", "-1"),
)


@dataclass
class Call:
    """One decoded request: operation, call context, and the other parts by name."""

    operation: str
    context: dict[str, str]
    parts: dict[str, str] = field(default_factory=dict)
    keys: list[tuple[str, str]] = field(default_factory=list)


def _text(el: etree._Element | None) -> str:
    if el is None or el.get(f"{{{XSI}}}nil") == "true":
        return ""
    return el.text or ""


def _keys(el: etree._Element) -> list[tuple[str, str]]:
    return [(_text(item.find("key")), _text(item.find("value"))) for item in el]


def decode(body: bytes) -> Call:
    """Decode an rpc/encoded request; the operation element is in the WSS namespace, parts unqualified."""
    try:
        _, request = parse_envelope(body)
    except SoapRequestError as exc:
        raise X3Fault(str(exc), "soapenv:Client") from None
    op = etree.QName(request).localname
    if etree.QName(request).namespace != WSS or op not in OPERATIONS:
        raise X3Fault(f"No such operation '{op}'", "soapenv:Client")
    parts = {etree.QName(child).localname: child for child in request}
    expected = [name for name, _ in OPERATIONS[op][1]]
    missing = [name for name in expected if name not in parts]
    if missing:
        raise X3Fault(f"{op}: missing part(s) {', '.join(missing)}", "soapenv:Client")
    ctx = parts["callContext"]
    call = Call(op, {etree.QName(c).localname: _text(c) for c in ctx})
    for name in expected[1:]:
        if name == "objectKeys":
            call.keys = _keys(parts[name])
        else:
            call.parts[name] = _text(parts[name])
    return call


def _typed(parent: etree._Element, tag: str, typ: str, text: str | None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.set(f"{{{XSI}}}type", typ)
    if text is None:
        el.set(f"{{{XSI}}}nil", "true")
    else:
        el.text = text
    return el


def _envelope() -> tuple[etree._Element, etree._Element]:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=NSMAP)
    return env, etree.SubElement(env, f"{{{SOAP_ENV}}}Body")


def result_envelope(
    op: str, status: int, result_xml: str | None, messages: Sequence[tuple[str, str]], busy: bool = False
) -> bytes:
    """<opResponse><opReturn xsi:type="wss:CAdxResultXml">messages, resultXml, status, technicalInfos."""
    env, body = _envelope()
    wrapper = etree.SubElement(body, f"{{{WSS}}}{op}Response")
    wrapper.set(f"{{{SOAP_ENV}}}encodingStyle", SOAPENC)
    ret = _typed(wrapper, f"{op}Return", "wss:CAdxResultXml", "")
    box = _typed(ret, "messages", "soapenc:Array", "")
    box.set(f"{{{SOAPENC}}}arrayType", f"wss:CAdxMessage[{len(messages)}]")
    for kind, text in messages:
        msg = _typed(box, "messages", "wss:CAdxMessage", "")
        _typed(msg, "message", "xsd:string", text)
        _typed(msg, "type", "xsd:string", kind)
    _typed(ret, "resultXml", "xsd:string", result_xml)
    _typed(ret, "status", "xsd:int", str(status))
    infos = _typed(ret, "technicalInfos", "wss:CAdxTechnicalInfos", "")
    for name, typ, default in TECHNICAL_DEFAULTS:
        _typed(infos, name, f"xsd:{typ}", "true" if name == "busy" and busy else default)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def fault_envelope(fault: X3Fault) -> bytes:
    """A SOAP 1.1 fault as the Axis stack behind X3 answers it."""
    env, body = _envelope()
    el = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(el, "faultcode").text = fault.faultcode
    etree.SubElement(el, "faultstring").text = fault.faultstring
    etree.SubElement(el, "detail")
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")

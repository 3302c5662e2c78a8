"""What the connector sends to CAdxWebServiceXmlCC, and the check of that against a WSDL (the reference)."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

WSS = "http://www.adonix.com/WSS"
XSD = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAPENC = "http://schemas.xmlsoap.org/soap/encoding/"
Part = tuple[str, str]  # (part name, "{namespace}type")

_CTX: Part = ("callContext", f"{{{WSS}}}CAdxCallContext")
_NAME: Part = ("publicName", f"{{{XSD}}}string")
_KEYS: Part = ("objectKeys", f"{{{WSS}}}ArrayOfCAdxParamKeyValue")
# the operations the connector calls, parts in parameterOrder, types as qualified names
OPERATIONS: dict[str, tuple[Part, ...]] = {
    "run": (_CTX, _NAME, ("inputXml", f"{{{XSD}}}string")),
    "save": (_CTX, _NAME, ("objectXml", f"{{{XSD}}}string")),
    "read": (_CTX, _NAME, _KEYS),
    "query": (_CTX, _NAME, _KEYS, ("listSize", f"{{{XSD}}}int")),
    "delete": (_CTX, _NAME, _KEYS),
    "getDescription": (_CTX, _NAME),
}
RESULT_TYPE = f"{{{WSS}}}CAdxResultXml"


def call_context_fields(version: str) -> tuple[str, ...]:
    """CAdxCallContext in schema order; V6 (adxwsvc) also carries codeUser and password."""
    extra = ("codeUser", "password") if version == "v6" else ()
    return ("codeLang", *extra, "poolAlias", "poolId", "requestConfig")


def _qname(el: etree._Element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    return f"{{{el.nsmap.get(prefix or None, '')}}}{local}"


def wsdl_operations(root: etree._Element) -> dict[str, tuple[Part, ...]]:
    """Every portType operation of a WSDL 1.1 document with its input parts (parameterOrder)."""
    messages = {
        m.get("name"): tuple(
            (p.get("name", ""), _qname(p, p.get("type", ""))) for p in m.findall(f"{{{WSDL}}}part")
        )
        for m in root.iter(f"{{{WSDL}}}message")
    }
    out = {}
    for op in root.iter(f"{{{WSDL}}}operation"):
        inp = op.find(f"{{{WSDL}}}input")
        if inp is None or inp.get("message") is None:
            continue  # a binding operation
        out[op.get("name", "")] = messages.get(inp.get("message", "").rpartition(":")[2], ())
    return out


def wsdl_call_context(root: etree._Element) -> tuple[str, ...]:
    """The element names of CAdxCallContext in a WSDL's schema."""
    for ctype in root.iter(f"{{{XSD}}}complexType"):
        if ctype.get("name") == "CAdxCallContext":
            return tuple(el.get("name", "") for el in ctype.iter(f"{{{XSD}}}element"))
    return ()


def differences(
    root: etree._Element, version: str, sent: Mapping[str, tuple[Part, ...]] = OPERATIONS
) -> list[str]:
    """How the requests the connector sends differ from a WSDL; empty when they match."""
    found = wsdl_operations(root)
    problems = [
        f"{op}: parts {found.get(op)} != {parts}" for op, parts in sent.items() if found.get(op) != parts
    ]
    context = wsdl_call_context(root)
    if context != call_context_fields(version):
        problems.append(f"CAdxCallContext {context} does not match version {version}")
    return problems

"""SimulateSalesPrices without zeep's per-call cost: a prebuilt lxml request and a schema-driven reader.

Profiling the price path (docs/performance.md) showed zeep's generic (de)serialisation taking most of
the CPU of a cache miss, and ~75 % of a 48-line request. This module replaces only those two steps
for this one operation; everything around them stays zeep's: the transport (session, timeouts,
keep-alive), plugins (the ERP audit), WS-Security, the hardened XML parser (`forbid_dtd`,
`forbid_entities`) and the SOAP fault handling. The request is the element zeep would build (tests/perf
compares both), and the answer is validated against the `xs:schema` of the same WSDL before it is read,
so an answer zeep in strict mode would refuse is refused here too. Other operations keep using zeep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import zeep
from lxml import etree
from zeep import plugins
from zeep.exceptions import ValidationError, XMLParseError, XMLSyntaxError
from zeep.loader import parse_xml

NS = "urn:legacy-erp:sales:v1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XS = "http://www.w3.org/2001/XMLSchema"
OPERATION = "SimulateSalesPrices"
_Q = f"{{{NS}}}"
_XSQ = f"{{{XS}}}"


def _boolean(text: str) -> bool:
    return text.strip() in ("true", "1")


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())  # Python 3.11 reads "Z" and fractions


BUILTIN: dict[str, Callable[[str], Any]] = {
    "decimal": lambda t: Decimal(t.strip()),
    "int": int, "integer": int, "long": int, "short": int,
    "boolean": _boolean,
    "dateTime": _datetime,
    "date": lambda t: date.fromisoformat(t.strip()),
}


class _Decl:
    """A compiled element declaration: a converter for leaves, children for complex content."""

    __slots__ = ("children", "convert", "empty", "lists", "name", "repeated")

    def __init__(self, name: str, repeated: bool) -> None:
        self.name = name
        self.repeated = repeated
        self.convert: Callable[[str], Any] | None = None
        self.children: dict[str, _Decl] = {}
        self.empty: dict[str, None] = {}  # every child absent
        self.lists: tuple[str, ...] = ()  # repeated children (absent = [])


class _Schema:
    """The WSDL's xs:schema compiled for reading values, plus an lxml validator of the same schema."""

    def __init__(self, wsdl_path: str) -> None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        schema = etree.parse(str(Path(wsdl_path)), parser).find(f".//{_XSQ}schema")
        if schema is None or schema.get("targetNamespace") != NS:
            raise ValueError(f"{wsdl_path}: no xs:schema for {NS}")
        self._schema = schema
        self._local = threading.local()
        self._complex = {e.get("name"): e for e in schema.findall(f"{_XSQ}complexType")}
        self._simple = {e.get("name"): e for e in schema.findall(f"{_XSQ}simpleType")}
        self._elements = {e.get("name"): e for e in schema.findall(f"{_XSQ}element")}

    @property
    def validator(self) -> etree.XMLSchema:
        """This thread's lxml validator of the schema (a validator keeps one error log per object)."""
        validator = getattr(self._local, "validator", None)
        if validator is None:
            validator = self._local.validator = etree.XMLSchema(self._schema)
        return validator

    def element(self, name: str) -> _Decl:
        """The compiled top-level element `name`."""
        return self._compile(self._elements[name], repeated=False)

    def _compile(self, node: Any, repeated: bool) -> _Decl:
        decl = _Decl(node.get("name"), repeated)
        type_name = (node.get("type") or "").rpartition(":")[2]
        complex_type = node.find(f"{_XSQ}complexType") if not type_name else self._complex.get(type_name)
        if complex_type is None:
            decl.convert = self._converter(type_name)
            return decl
        for child in complex_type.iterfind(f"{_XSQ}sequence/{_XSQ}element"):
            many = child.get("maxOccurs", "1") not in ("0", "1")
            decl.children[child.get("name")] = self._compile(child, many)
        decl.empty = dict.fromkeys(decl.children)
        decl.lists = tuple(n for n, d in decl.children.items() if d.repeated)
        return decl

    def _converter(self, type_name: str) -> Callable[[str], Any]:
        while type_name in self._simple:  # a restriction of a built-in type (enumerations, ranges)
            restriction = self._simple[type_name].find(f"{_XSQ}restriction")
            type_name = (restriction.get("base") if restriction is not None else "string").rpartition(":")[2]
        return BUILTIN.get(type_name, str)


def _read(element: Any, decl: _Decl) -> Any:
    """The value of a validated element: a converted leaf, or a namespace of its declared children."""
    if decl.convert is not None:
        return decl.convert(element.text or "")
    children = decl.children
    values: dict[str, Any] = {n: ([] if d.repeated else None) for n, d in children.items()}
    for child in element.iterchildren("{*}*"):  # elements only: no comments or processing instructions
        name = child.tag.rpartition("}")[2]
        sub = children[name]  # validation guarantees a declared child
        convert = sub.convert
        value = convert(child.text or "") if convert is not None else _read(child, sub)
        if sub.repeated:
            values[name].append(value)
        else:
            values[name] = value
    return SimpleNamespace(**values)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def build_request(customer_no: str, currency: str | None, lines: dict[str, Any]) -> Any:
    """The SimulateSalesPrices body element for zeep-style arguments (see erp_mapping.price_lines_to_erp)."""
    sub = etree.SubElement
    root = etree.Element(f"{_Q}{OPERATION}", nsmap={"ns0": NS})
    sub(root, f"{_Q}CustomerNo").text = customer_no
    if currency is not None:
        sub(root, f"{_Q}CurrencyCode").text = currency
    container = sub(root, f"{_Q}Lines")
    for line in lines["Line"]:
        node = sub(container, f"{_Q}Line")
        sub(node, f"{_Q}LineNo").text = _text(line["LineNo"])
        sub(node, f"{_Q}ItemNo").text = line["ItemNo"]
        sub(node, f"{_Q}Quantity").text = _text(line["Quantity"])
        options = line.get("Options")
        if options is not None:
            holder = sub(node, f"{_Q}Options")
            for option in options.get("Option") or ():
                entry = sub(holder, f"{_Q}Option")
                sub(entry, f"{_Q}Code").text = option["Code"]
                sub(entry, f"{_Q}Value").text = option["Value"]
    return root


def envelope_for(body: Any) -> Any:
    """A SOAP 1.1 envelope around `body`, as zeep writes it (soap-env prefix, empty header omitted)."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(body)
    return envelope


class SimulatePricesCall:
    """`service.SimulateSalesPrices(**kwargs)` with the zeep client's plumbing but not its (de)serialiser."""

    def __init__(self, client: zeep.Client, binding: str, address: str, wsdl_path: str) -> None:
        self.client = client
        self.options = {"address": address}
        # public zeep API only (tested range pinned in setup.cfg)
        self.binding: Any = client.wsdl.bindings[binding]
        self.operation = self.binding.get(OPERATION)
        self.soap_action = f'"{self.operation.soapaction}"'
        schema = _Schema(wsdl_path)
        self.schema = schema
        self.response = schema.element(f"{OPERATION}Response")

    def __call__(self, CustomerNo: str, Lines: dict[str, Any], CurrencyCode: str | None = None) -> Any:
        """Send one request; returns the response as attribute objects (None/[] for absent elements)."""
        client = self.client
        body = build_request(CustomerNo, CurrencyCode, Lines)
        validator = self.schema.validator
        if not validator.validate(body):  # zeep checks the arguments before sending too
            raise ValidationError(f"{OPERATION}: {validator.error_log.last_error}")
        envelope = envelope_for(body)
        headers = {"SOAPAction": self.soap_action, "Content-Type": "text/xml; charset=utf-8"}
        envelope, headers = plugins.apply_egress(client, envelope, headers, self.operation, self.options)
        if client.wsse:
            envelope, headers = client.wsse.apply(envelope, headers)
        response = client.transport.post_xml(self.options["address"], envelope, headers)
        return self.read(response)

    def read(self, response: Any) -> Any:
        """The parsed answer, or zeep's own TransportError / Fault / XMLParseError."""
        client = self.client
        if response.status_code != 200 and not response.content:
            raise zeep.exceptions.TransportError(
                f"Server returned HTTP status {response.status_code} (no content available)",
                status_code=response.status_code,
            )
        try:
            doc = parse_xml(response.content, client.transport, settings=client.settings)
        except XMLSyntaxError as exc:
            raise zeep.exceptions.TransportError(
                f"Server returned response ({response.status_code}) with invalid XML: {exc}",
                status_code=response.status_code, content=response.content,
            ) from None
        if client.wsse:
            client.wsse.verify(doc)
        doc, _ = plugins.apply_ingress(client, doc, response.headers, self.operation)
        fault = doc.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
        if response.status_code != 200 or fault is not None:
            return self.binding.process_error(doc, self.operation)
        return self.parse_body(doc)

    def parse_body(self, doc: Any) -> Any:
        """Validate the response element against the WSDL's schema and read it."""
        node = doc.find(f"{{{SOAP_ENV}}}Body/{_Q}{OPERATION}Response")
        if node is None:
            raise XMLParseError(f"no {OPERATION}Response in the answer")
        validator = self.schema.validator
        if not validator.validate(node):  # what zeep in strict mode refuses as well
            error = validator.error_log.last_error
            raise XMLParseError(f"{OPERATION}Response does not fit the WSDL: {error}")
        return _read(node, self.response)

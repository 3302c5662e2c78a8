"""The served WSDL, generated with the structure of X3's CAdxWebServiceXmlCC (V6 adxwsvc, V7 Syracuse)."""

from __future__ import annotations

from lxml import etree

WSS = "http://www.adonix.com/WSS"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDLSOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAPENC = "http://schemas.xmlsoap.org/soap/encoding/"
KEYS = ("objectKeys", "wss:ArrayOfCAdxParamKeyValue")
CTX = ("callContext", "wss:CAdxCallContext")
NAME = ("publicName", "xsd:string")

# operation -> (documentation, request parts); every answer is one CAdxResultXml part "<op>Return"
OPERATIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "run": ("Run X3 sub program", (CTX, NAME, ("inputXml", "xsd:string"))),
    "save": ("Create X3 object", (CTX, NAME, ("objectXml", "xsd:string"))),
    "delete": ("Delete X3 object", (CTX, NAME, KEYS)),
    "read": ("Read X3 object", (CTX, NAME, KEYS)),
    "query": ("Get X3 objects list", (CTX, NAME, KEYS, ("listSize", "xsd:int"))),
    "getDescription": ("Get X3 web service description", (CTX, NAME)),
    "modify": ("Update X3 object", (CTX, NAME, KEYS, ("objectXml", "xsd:string"))),
    "actionObject": (
        "Execute specific action on X3 object providing XML flow",
        (CTX, NAME, ("actionCode", "xsd:string"), ("objectXml", "xsd:string")),
    ),
}
_STRING_FIELDS = {
    "CAdxMessage": ("message", "type"),
    "CAdxParamKeyValue": ("key", "value"),
}
_TECHNICAL = (
    ("busy", "boolean"),
    ("changeLanguage", "boolean"),
    ("changeUserId", "boolean"),
    ("flushAdx", "boolean"),
    ("loadWebsDuration", "double"),
    ("nbDistributionCycle", "int"),
    ("poolDistribDuration", "double"),
    ("poolEntryIdx", "int"),
    ("poolExecDuration", "double"),
    ("poolRequestDuration", "double"),
    ("poolWaitDuration", "double"),
    ("processReport", "string"),
    ("processReportSize", "int"),
    ("reloadWebs", "boolean"),
    ("resumitAfterDBOpen", "boolean"),
    ("rowInDistribStack", "int"),
    ("totalDuration", "double"),
    ("traceRequest", "string"),
    ("traceRequestSize", "int"),
)


def call_context_fields(version: str) -> tuple[str, ...]:
    """Fields of CAdxCallContext: V6 also carries codeUser and password."""
    extra = ("codeUser", "password") if version == "v6" else ()
    return ("codeLang", *extra, "poolAlias", "poolId", "requestConfig")


def _el(parent: etree._Element, ns: str, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)


def _sequence(schema: etree._Element, name: str, fields: tuple[tuple[str, str, bool], ...]) -> None:
    seq = _el(_el(schema, XSD, "complexType", name=name), XSD, "sequence")
    for field, typ, nillable in fields:
        attrs = {"name": field, "type": typ, **({"nillable": "true"} if nillable else {})}
        _el(seq, XSD, "element", **attrs)


def _array(schema: etree._Element, name: str, item: str) -> None:
    content = _el(_el(schema, XSD, "complexType", name=name), XSD, "complexContent", mixed="false")
    restriction = _el(content, XSD, "restriction", base="soapenc:Array")
    attr = _el(restriction, XSD, "attribute", ref="soapenc:arrayType")
    attr.set(f"{{{WSDL}}}arrayType", f"{item}[]")


def _types(root: etree._Element, version: str) -> None:
    schema = _el(_el(root, WSDL, "types"), XSD, "schema", targetNamespace=WSS)
    _el(schema, XSD, "import", namespace=SOAPENC)
    _sequence(schema, "CAdxCallContext", tuple((f, "xsd:string", True) for f in call_context_fields(version)))
    for name, fields in _STRING_FIELDS.items():
        _sequence(schema, name, tuple((f, "xsd:string", True) for f in fields))
    _array(schema, "ArrayOfCAdxMessage", "wss:CAdxMessage")
    technical = tuple((f, f"xsd:{t}", t == "string") for f, t in _TECHNICAL)
    _sequence(schema, "CAdxTechnicalInfos", technical)
    _sequence(
        schema,
        "CAdxResultXml",
        (
            ("messages", "wss:ArrayOfCAdxMessage", True),
            ("resultXml", "xsd:string", True),
            ("status", "xsd:int", False),
            ("technicalInfos", "wss:CAdxTechnicalInfos", True),
        ),
    )
    _array(schema, "ArrayOfCAdxParamKeyValue", "wss:CAdxParamKeyValue")


def _body(parent: etree._Element) -> None:
    _el(parent, WSDLSOAP, "body", use="encoded", namespace=WSS, encodingStyle=SOAPENC)


def wsdl_bytes(version: str, address: str) -> bytes:
    """The WSDL 1.1 document (rpc/encoded, namespace http://www.adonix.com/WSS) served at ?wsdl."""
    nsmap = {"wsdl": WSDL, "wsdlsoap": WSDLSOAP, "xsd": XSD, "soapenc": SOAPENC, "wss": WSS}
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=WSS)
    _types(root, version)
    for op, (_, parts) in OPERATIONS.items():
        request = _el(root, WSDL, "message", name=f"{op}Request")
        for part, typ in parts:
            _el(request, WSDL, "part", name=part, type=typ)
        _el(
            _el(root, WSDL, "message", name=f"{op}Response"),
            WSDL,
            "part",
            name=f"{op}Return",
            type="wss:CAdxResultXml",
        )
    port_type = _el(root, WSDL, "portType", name="CAdxWebServiceXmlCC")
    for op, (doc, parts) in OPERATIONS.items():
        el = _el(port_type, WSDL, "operation", name=op, parameterOrder=" ".join(p for p, _ in parts))
        _el(el, WSDL, "documentation").text = doc
        _el(el, WSDL, "input", name=f"{op}Request", message=f"wss:{op}Request")
        _el(el, WSDL, "output", name=f"{op}Response", message=f"wss:{op}Response")
    binding = _el(
        root, WSDL, "binding", name="CAdxWebServiceXmlCCSoapBinding", type="wss:CAdxWebServiceXmlCC"
    )
    _el(binding, WSDLSOAP, "binding", transport="http://schemas.xmlsoap.org/soap/http", style="rpc")
    for op in OPERATIONS:
        el = _el(binding, WSDL, "operation", name=op)
        _el(el, WSDLSOAP, "operation", soapAction="")
        _body(_el(el, WSDL, "input", name=f"{op}Request"))
        _body(_el(el, WSDL, "output", name=f"{op}Response"))
    service = _el(root, WSDL, "service", name="CAdxWebServiceXmlCCService")
    port = _el(
        service, WSDL, "port", name="CAdxWebServiceXmlCC", binding="wss:CAdxWebServiceXmlCCSoapBinding"
    )
    _el(port, WSDLSOAP, "address", location=address)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)

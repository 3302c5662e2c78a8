"""WSDL documents generated the way NAV generates them for page and codeunit services."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from erpsim.nav.pages import CODEUNIT_NS, FUNCTIONS, Field, Function, Page

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
OPTIONAL_PARAMS = frozenset({"variantCode"})  # erpsim accepts the real six-parameter shape too


Child = tuple[str, str, str, str]  # (minOccurs, maxOccurs, name, type)
Operation = tuple[str, list[Child], list[Child]]


def _one(name: str, kind: str, low: str = "1") -> list[Child]:
    return [(low, "1", name, kind)]


def _reads(page: Page) -> list[Operation]:
    e, lst = f"tns:{page.entity}", f"tns:{page.entity}_List"
    read_multiple = [
        ("1", "unbounded", "filter", f"tns:{page.entity}_Filter"),
        ("0", "1", "bookmarkKey", "xsd:string"),
        ("1", "1", "setSize", "xsd:int"),
    ]
    return [
        ("Read", _one("No", "xsd:string"), _one(page.entity, e, "0")),
        ("ReadByRecId", _one("recId", "xsd:string"), _one(page.entity, e, "0")),
        ("ReadMultiple", read_multiple, _one("ReadMultiple_Result", lst, "0")),
        ("IsUpdated", _one("Key", "xsd:string"), _one("IsUpdated_Result", "xsd:boolean")),
        ("GetRecIdFromKey", _one("Key", "xsd:string"), _one("GetRecIdFromKey_Result", "xsd:string")),
    ]


def _writes(page: Page) -> list[Operation]:
    e, lst, many = f"tns:{page.entity}", f"tns:{page.entity}_List", f"{page.entity}_List"
    ops: list[Operation] = [
        ("Create", _one(page.entity, e), _one(page.entity, e)),
        ("CreateMultiple", _one(many, lst), _one(many, lst)),
        ("Update", _one(page.entity, e), _one(page.entity, e)),
        ("UpdateMultiple", _one(many, lst), _one(many, lst)),
        ("Delete", _one("Key", "xsd:string"), _one("Delete_Result", "xsd:boolean")),
    ]
    if page.lines is not None:
        part = page.lines_part
        ops.append(
            (
                f"Delete_{part}",
                _one(f"{part}_Key", "xsd:string"),
                _one(f"Delete_{part}_Result", "xsd:boolean"),
            )
        )
    return ops


def page_operations(page: Page) -> list[Operation]:
    """(operation, request children, result children): reads on every page, writes on editable ones."""
    return _reads(page) + (_writes(page) if page.editable else [])


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})


def _enum_names(pages: list[Page]) -> dict[tuple[str, str], str]:
    """Simple type name per (entity, field); a second enum with the same field name gets a suffix."""
    names: dict[tuple[str, str], str] = {}
    used: dict[str, tuple[str, ...]] = {}
    for p in pages:
        for f in p.fields:
            if not f.options:
                continue
            name = f.name
            if name in used and used[name] != f.options:
                name = f"{f.name}_{abs(hash((p.entity, f.name))) % 100000:05d}"
            used[name] = f.options
            names[(p.entity, f.name)] = name
    return names


def _complex(schema: etree._Element, p: Page, enums: dict[tuple[str, str], str], x: str) -> None:
    seq = _el(_el(schema, f"{x}complexType", name=p.entity), f"{x}sequence")
    for f in p.fields:
        kind = f"tns:{enums[(p.entity, f.name)]}" if f.options else f"xsd:{f.xsd}"
        _el(seq, f"{x}element", minOccurs="0", maxOccurs="1", name=f.name, type=kind)
    return None


def _list(schema: etree._Element, entity: str, x: str) -> None:
    seq = _el(_el(schema, f"{x}complexType", name=f"{entity}_List"), f"{x}sequence")
    _el(seq, f"{x}element", minOccurs="1", maxOccurs="unbounded", name=entity, type=f"tns:{entity}")


def _enums(schema: etree._Element, parts: list[Page], x: str) -> dict[tuple[str, str], str]:
    """One simple type per option enum (header's first, then the lines'), as NAV orders them."""
    enums = _enum_names(parts)
    emitted: set[str] = set()
    for p in parts:
        for f in p.fields:
            name = enums.get((p.entity, f.name))
            if name is None or name in emitted:
                continue
            emitted.add(name)
            restriction = _el(_el(schema, f"{x}simpleType", name=name), f"{x}restriction", base="xsd:string")
            for value in f.options:
                _el(restriction, f"{x}enumeration", value=value)
    return enums


def _page_schema(schema: etree._Element, page: Page, x: str) -> None:
    enums = _enums(schema, [page, page.lines] if page.lines is not None else [page], x)
    if page.lines is not None:
        _complex(schema, page.lines, enums, x)
        _list(schema, page.lines.entity, x)
    _complex(schema, page, enums, x)
    if page.lines is not None:
        seq = schema[-1][0]
        _el(
            seq,
            f"{x}element",
            minOccurs="0",
            maxOccurs="1",
            name=page.lines_part,
            type=f"tns:{page.lines.entity}_List",
        )
    _list(schema, page.entity, x)
    fields = _el(
        _el(schema, f"{x}simpleType", name=f"{page.entity}_Fields"), f"{x}restriction", base="xsd:string"
    )
    for f in page.fields[1:]:
        _el(fields, f"{x}enumeration", value=f.name)
    seq = _el(_el(schema, f"{x}complexType", name=f"{page.entity}_Filter"), f"{x}sequence")
    _el(seq, f"{x}element", minOccurs="1", maxOccurs="1", name="Field", type=f"tns:{page.entity}_Fields")
    _el(seq, f"{x}element", minOccurs="1", maxOccurs="1", name="Criteria", type="xsd:string")
    for op, request, result in page_operations(page):
        for name, children in ((op, request), (f"{op}_Result", result)):
            seq = _el(_el(_el(schema, f"{x}element", name=name), f"{x}complexType"), f"{x}sequence")
            for lo, hi, child, kind in children:
                _el(seq, f"{x}element", minOccurs=lo, maxOccurs=hi, name=child, type=kind)


def _codeunit_schema(schema: etree._Element, x: str) -> None:
    for fn in FUNCTIONS.values():
        for name, params in (
            (fn.name, fn.params),
            (f"{fn.name}_Result", (Field("return_value", fn.returns),)),
        ):
            seq = _el(_el(_el(schema, f"{x}element", name=name), f"{x}complexType"), f"{x}sequence")
            for p in params:
                low = "0" if p.name in OPTIONAL_PARAMS else "1"
                _el(seq, f"{x}element", minOccurs=low, maxOccurs="1", name=p.name, type=p.xsd)


def _messages_and_binding(root: etree._Element, ns: str, name: str, ops: list[str], address: str) -> None:
    w = f"{{{WSDL}}}"
    for op in ops:
        for msg in (op, f"{op}_Result"):
            _el(_el(root, f"{w}message", name=msg), f"{w}part", name="parameters", element=f"tns:{msg}")
    port_type = _el(root, f"{w}portType", name=f"{name}_Port")
    for op in ops:
        el = _el(port_type, f"{w}operation", name=op)
        _el(el, f"{w}input", name=op, message=f"tns:{op}")
        _el(el, f"{w}output", name=f"{op}_Result", message=f"tns:{op}_Result")
    binding = _el(root, f"{w}binding", name=f"{name}_Binding", type=f"tns:{name}_Port")
    _el(binding, f"{{{SOAP}}}binding", transport="http://schemas.xmlsoap.org/soap/http")
    for op in ops:
        el = _el(binding, f"{w}operation", name=op)
        _el(el, f"{{{SOAP}}}operation", soapAction=f"{ns}:{op}", style="document")
        for tag, msg in (("input", op), ("output", f"{op}_Result")):
            _el(_el(el, f"{w}{tag}", name=msg), f"{{{SOAP}}}body", use="literal")
    port = _el(
        _el(root, f"{w}service", name=name), f"{w}port", name=f"{name}_Port", binding=f"tns:{name}_Binding"
    )
    _el(port, f"{{{SOAP}}}address", location=address)


def _definitions(ns: str, xsd_prefixed: bool) -> tuple[etree._Element, etree._Element, str]:
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap={None: WSDL, "tns": ns}, targetNamespace=ns)
    types = _el(root, f"{{{WSDL}}}types")
    nsmap = {"xsd": XSD} if xsd_prefixed else {None: XSD}
    schema = etree.SubElement(
        types, f"{{{XSD}}}schema", nsmap=nsmap, elementFormDefault="qualified", targetNamespace=ns
    )
    return root, schema, f"{{{XSD}}}"


@lru_cache(maxsize=32)
def page_wsdl(page: Page, address: str) -> bytes:
    """The page service's WSDL (Key first, <Entity>_List, _Filter with _Fields, NAV's operations)."""
    root, schema, x = _definitions(page.namespace, True)
    _page_schema(schema, page, x)
    _messages_and_binding(
        root, page.namespace, page.service, [op for op, _, _ in page_operations(page)], address
    )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


@lru_cache(maxsize=8)
def codeunit_wsdl(name: str, address: str) -> bytes:
    """The codeunit service's WSDL (XSD built-ins unprefixed, every parameter required)."""
    ns = CODEUNIT_NS + name
    root, schema, x = _definitions(ns, False)
    _codeunit_schema(schema, x)
    _messages_and_binding(root, ns, name, list(FUNCTIONS), address)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def function_of(name: str) -> Function | None:
    """A published codeunit function by name."""
    return FUNCTIONS.get(name)


def schema_of(wsdl: bytes, parser: etree.XMLParser) -> etree.XMLSchema:
    """Compile the xs:schema embedded in a WSDL (namespace prefixes of the definitions kept in scope)."""
    root = etree.fromstring(wsdl, parser)
    embedded = root.find(f"{{{WSDL}}}types/{{{XSD}}}schema")
    if embedded is None:
        raise ValueError("the WSDL has no embedded schema")
    nsmap = {**root.nsmap, **embedded.nsmap}
    copy = etree.Element(embedded.tag, attrib=dict(embedded.attrib), nsmap=nsmap)
    copy.extend(embedded.iterchildren())
    return etree.XMLSchema(copy)

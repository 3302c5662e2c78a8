"""NAV records <-> XML elements of a page's namespace, typed by the page's fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

from erpsim.nav.faults import NavFault
from erpsim.nav.pages import Field, Page
from erpsim.nav.records import Record


def fmt(value: Any) -> str:
    """NAV's wire text: decimals plain, booleans lower-case, dates ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_value(f: Field, raw: str) -> Any:
    """A typed value of a field's text, or a deserialization fault."""
    try:
        if f.xsd == "decimal":
            return Decimal(raw)
        if f.xsd == "int":
            return int(raw)
        if f.xsd == "date":
            return date.fromisoformat(raw[:10])
        if f.xsd == "boolean":
            return raw.strip() in ("true", "1")
    except (ValueError, InvalidOperation):
        raise NavFault.broker(f"The value '{raw}' of {f.name} cannot be deserialized.") from None
    if f.options and raw not in f.options:
        raise NavFault.broker(f"The value '{raw}' is not valid for {f.name}.")
    return raw


def write_record(parent: Element, page: Page, rec: Record, ns: str | None = None) -> Element:
    """Append <Entity> with the record's non-empty fields in the page's order (subpage lines nested)."""
    ns = ns or page.namespace
    el = etree.SubElement(parent, f"{{{ns}}}{page.entity}")
    for f in page.fields:
        value = rec.get(f.name)
        if value is not None:
            etree.SubElement(el, f"{{{ns}}}{f.name}").text = fmt(value)
    if page.lines is not None and rec.get(page.lines_part):
        box = etree.SubElement(el, f"{{{ns}}}{page.lines_part}")
        for line in rec[page.lines_part]:
            write_record(box, page.lines, line, ns)
    return el


def read_record(el: Element, page: Page, ns: str | None = None) -> Record:
    """Typed record of an <Entity> element (unknown children fault like NAV's deserializer)."""
    ns = ns or page.namespace
    rec: Record = {}
    for child in el:
        name = etree.QName(child).localname
        if page.lines is not None and name == page.lines_part:
            rec[name] = [read_record(line, page.lines, ns) for line in child]
            continue
        f = page.field(name)
        if f is None or etree.QName(child).namespace != ns:
            raise NavFault.broker(f"Element '{name}' was not expected in {page.entity}.")
        if child.text is not None and child.text.strip() != "":
            rec[name] = parse_value(f, child.text.strip())
    return rec


def child_text(el: Element, name: str) -> str | None:
    """Text of a direct child in the element's namespace."""
    ns = etree.QName(el).namespace
    found = el.find(f"{{{ns}}}{name}")
    return None if found is None else (found.text or "")

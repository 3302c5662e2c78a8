"""X3 object XML: <PARAM><GRP ID><FLD NAME>...</GRP><TAB ID><LIN NUM><FLD NAME>...</LIN></TAB></PARAM>."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from erpsim.soap import safe_parser
from erpsim.x3.errors import X3Error

Fields = dict[str, str]
MAX_XML = 2 * 1024 * 1024


@dataclass
class X3Object:
    """Groups (ID -> fields) and tables (ID -> lines of fields) of one object or subprogram flow."""

    groups: dict[str, Fields] = field(default_factory=dict)
    tables: dict[str, list[Fields]] = field(default_factory=dict)

    def value(self, group: str, name: str) -> str | None:
        """A group field, None when absent or blank."""
        raw = self.groups.get(group, {}).get(name, "").strip()
        return raw or None


def _fields(parent: etree._Element) -> Fields:
    return {f.get("NAME", ""): (f.text or "") for f in parent.findall("FLD")}


def parse(text: str | None, what: str) -> X3Object:
    """Parse a <PARAM> flow (no DTD, no entities); malformed XML is an X3 error naming the part."""
    if not text or len(text) > MAX_XML:
        raise X3Error(f"{what} : XML flow is empty or too large")
    try:
        root = etree.fromstring(text.encode("utf-8"), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise X3Error(f"{what} : XML flow is not well formed ({exc})") from None
    if root.getroottree().docinfo.doctype or root.tag != "PARAM":
        raise X3Error(f"{what} : <PARAM> expected")
    obj = X3Object()
    for grp in root.findall("GRP"):
        obj.groups.setdefault(grp.get("ID", ""), {}).update(_fields(grp))
    for tab in root.findall("TAB"):
        lines = sorted(tab.findall("LIN"), key=lambda lin: int(lin.get("NUM", "0") or 0))
        obj.tables[tab.get("ID", "")] = [_fields(lin) for lin in lines]
    return obj


def _add_fields(parent: etree._Element, values: Mapping[str, object]) -> None:
    for name, value in values.items():
        fld = etree.SubElement(parent, "FLD", NAME=name, TYPE="Decimal" if _numeric(value) else "Char")
        fld.text = "" if value is None else str(value)


def _numeric(value: object) -> bool:
    return not isinstance(value, str) and value is not None


def result(
    groups: Sequence[tuple[str, Mapping[str, object]]] = (),
    tables: Sequence[tuple[str, Sequence[Mapping[str, object]]]] = (),
) -> str:
    """The <RESULT> flow X3 answers in resultXml."""
    root = etree.Element("RESULT")
    for gid, values in groups:
        _add_fields(etree.SubElement(root, "GRP", ID=gid), values)
    for tid, lines in tables:
        tab = etree.SubElement(root, "TAB", DIM=str(max(len(lines), 1)), ID=tid, SIZE=str(len(lines)))
        for n, values in enumerate(lines, start=1):
            _add_fields(etree.SubElement(tab, "LIN", NUM=str(n)), values)
    return etree.tostring(root, encoding="unicode")

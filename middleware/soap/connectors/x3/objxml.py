"""X3 object XML flows: <PARAM> built for inputXml/objectXml, <RESULT> of resultXml read safely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from .envelope import safe_parser

Fields = dict[str, str]


class ObjectXmlError(Exception):
    """resultXml is not an X3 flow."""


@dataclass
class Flow:
    """Groups (ID -> fields) and tables (ID -> lines) of an X3 flow."""

    groups: dict[str, Fields] = field(default_factory=dict)
    tables: dict[str, list[Fields]] = field(default_factory=dict)

    def get(self, group: str, name: str) -> str | None:
        """A group field's stripped value, None when absent or blank."""
        value = self.groups.get(group, {}).get(name, "").strip()
        return value or None


def _fields(parent: etree._Element, values: Mapping[str, object]) -> None:
    for name, value in values.items():
        if value is not None:
            etree.SubElement(parent, "FLD", NAME=name).text = str(value)


def build(
    groups: Sequence[tuple[str, Mapping[str, object]]] = (),
    tables: Sequence[tuple[str, Sequence[Mapping[str, object]]]] = (),
) -> str:
    """A <PARAM> flow; None values are left out, lines are numbered from 1."""
    root = etree.Element("PARAM")
    for gid, values in groups:
        _fields(etree.SubElement(root, "GRP", ID=gid), values)
    for tid, lines in tables:
        tab = etree.SubElement(root, "TAB", ID=tid, SIZE=str(len(lines)))
        for n, values in enumerate(lines, start=1):
            _fields(etree.SubElement(tab, "LIN", NUM=str(n)), values)
    return etree.tostring(root, encoding="unicode")


def _read(parent: etree._Element) -> Fields:
    return {f.get("NAME", ""): f.text or "" for f in parent.findall("FLD")}


def parse(text: str | None) -> Flow:
    """Read a <RESULT> (or <PARAM>) flow; no DTD, no entities."""
    if not text:
        return Flow()
    try:
        root = etree.fromstring(text.encode("utf-8"), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ObjectXmlError(f"resultXml is not XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise ObjectXmlError("resultXml carries a DTD")
    flow = Flow()
    for grp in root.iter("GRP"):
        flow.groups.setdefault(grp.get("ID", ""), {}).update(_read(grp))
    for tab in root.iter("TAB"):
        lines = sorted(tab.findall("LIN"), key=lambda lin: int(lin.get("NUM", "0") or 0))
        flow.tables[tab.get("ID", "")] = [_read(lin) for lin in lines]
    return flow

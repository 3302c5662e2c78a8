"""ListSalesOrders for bulk reads (reconciliation): raw XML parsed with lxml instead of zeep's object model.

zeep builds a value object per element (~2.5 ms per order); a 100,000-order window would take minutes.
The request still goes through zeep (envelope, session, auth, timeouts); only the answer is parsed
here (ReferenceErp.list_sales_orders), into the same duck-typed shape mapping.order_from_erp reads, so the
mapping stays in one place.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from lxml import etree

from ....domain.erp import ErpOrder, Page
from ....errors import ErpUnavailable
from . import mapping as m

_REPEATED = {"SalesOrder", "Line", "Option"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=True)


class _Node(SimpleNamespace):
    """An element with children; an absent optional child reads as None (as in zeep's objects)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _leaf(name: str, text: str | None) -> Any:
    if text is None:
        return None
    if name == "LastModified":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if name == "PricesIncludingVAT":
        return text.strip() in {"true", "1"}
    return text


def _convert(element: Any) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]  # skips comments and processing instructions
    name = _local(element.tag)
    if not children:
        nil = element.get("{http://www.w3.org/2001/XMLSchema-instance}nil") in {"true", "1"}
        return None if nil else _leaf(name, element.text)
    node = _Node()
    for child in children:
        key = _local(child.tag)
        value = _convert(child)
        if key in _REPEATED:
            node.__dict__.setdefault(key, []).append(value)
        else:
            setattr(node, key, value)
    return node


def _first(root: Any, name: str) -> Any:
    return next(root.iter(f"{{*}}{name}", name), None)


def parse_order_page(content: bytes) -> Page[ErpOrder]:
    """A ListSalesOrdersResponse body as a Page; no DTDs, no entities, no network."""
    tree = etree.fromstring(content, parser=_PARSER).getroottree()
    if tree.docinfo.doctype:
        raise ErpUnavailable("ListSalesOrders: the ERP answer carries a DTD; refused")
    response = _first(tree.getroot(), "ListSalesOrdersResponse")
    if response is None:
        raise ErpUnavailable("ListSalesOrders: unusable ERP answer (no ListSalesOrdersResponse)")
    box = _first(response, "SalesOrders")
    orders = [m.order_from_erp(_convert(so)) for so in (box.iterchildren() if box is not None else ())
              if _local(so.tag) == "SalesOrder"]
    bookmark = _first(response, "NextBookmark")
    return Page(tuple(orders), (bookmark.text or None) if bookmark is not None else None)


def read_order_page(content: bytes) -> Page[ErpOrder]:
    """parse_order_page with unusable answers mapped to ErpUnavailable."""
    try:
        return parse_order_page(content)
    except (etree.XMLSyntaxError, KeyError, ValueError, AttributeError, TypeError) as exc:
        raise ErpUnavailable(f"ListSalesOrders: unusable ERP answer ({type(exc).__name__})") from None

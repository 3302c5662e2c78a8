"""Page and codeunit operations of the NAV dialect: request element in, result element out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from lxml import etree
from lxml.etree import _Element as Element

from erpsim.nav.documents import QuoteBook, create_order, delete_order, update_order
from erpsim.nav.faults import NavFault
from erpsim.nav.filters import compile_criteria
from erpsim.nav.lines import check_customer, price_no
from erpsim.nav.pages import CODEUNIT_NS, FUNCTIONS, Page
from erpsim.nav.records import (
    Record,
    charge_record,
    customer_record,
    invoice_record,
    item_record,
    order_record,
    parse_key,
)
from erpsim.nav.setup import charge_items
from erpsim.nav.soapio import child_text, fmt, parse_value, read_record, write_record
from erpsim.store import ErpState

HIDDEN = ("INVOICED", "CANCELLED")
WRITES = frozenset({"Create", "CreateMultiple", "Update", "UpdateMultiple", "Delete"})


class NavService:
    """Answers the published pages and the codeunit from the shared ERP state plus the quote book."""

    def __init__(self, state: ErpState, quotes: QuoteBook) -> None:
        """Bind to the simulator's state."""
        self.state, self.quotes = state, quotes

    def records(self, page: Page) -> Iterable[Record]:
        """Every record the page shows, by its key field `No`."""
        s, cat = self.state, self.state.catalog
        if page.service == "SalesOrder":
            return [order_record(o, cat) for o in list(s.orders.values()) if o.status not in HIDDEN]
        if page.service == "PostedSalesInvoice":
            return [invoice_record(o, cat) for o in list(s.orders.values()) if o.status == "INVOICED"]
        if page.service == "SalesQuote":
            return [q.record() for q in list(self.quotes.quotes.values())]
        if page.service == "Customer":
            return [customer_record(c, cat) for c in cat.customers.values()]
        items = [
            item_record(i, i.last_modified.date() if i.last_modified else None) for i in cat.items.values()
        ]
        return items + [charge_record(c) for c in charge_items(cat).values()]

    def find(self, page: Page, no: str) -> Record | None:
        """One record by `No`."""
        if page.service == "SalesOrder":
            order = self.state.orders.get(no)
            ok = order is not None and order.status not in HIDDEN
            return order_record(order, self.state.catalog) if ok and order else None
        if page.service == "SalesQuote":
            quote = self.quotes.get(no)
            return quote.record() if quote else None
        return next((r for r in self.records(page) if r["No"] == no), None)

    def page(self, page: Page, op: str, req: Element) -> Element:
        """Run one page operation."""
        handler: Callable[[Page, Element], Any] | None = getattr(self, f"_{op}", None)
        if handler is None or (op in WRITES and not page.editable):
            raise NavFault.broker(f"Operation {op} is not supported by page {page.service}.")
        return handler(page, req)

    def _result(self, page: Page, op: str) -> Element:
        return etree.Element(f"{{{page.namespace}}}{op}_Result", nsmap={None: page.namespace})

    def _Read(self, page: Page, req: Element) -> Element:
        out = self._result(page, "Read")
        rec = self.find(page, child_text(req, "No") or "")
        if rec is not None:
            write_record(out, page, rec)
        return out

    def _ReadMultiple(self, page: Page, req: Element) -> Element:
        tests = []
        for flt in req.findall(f"{{{page.namespace}}}filter"):
            name = child_text(flt, "Field") or ""
            f = page.field(name)
            if f is None:
                raise NavFault.broker(f"The field '{name}' cannot be used as a filter.")
            tests.append((name, compile_criteria(child_text(flt, "Criteria") or "", f.xsd or "string")))
        rows = sorted(
            (r for r in self.records(page) if all(t(r.get(n)) for n, t in tests)), key=lambda r: r["No"]
        )
        bookmark = child_text(req, "bookmarkKey")
        if bookmark:
            after = parse_key(bookmark)[1]
            rows = [r for r in rows if r["No"] > after]
        size = int(child_text(req, "setSize") or 0)
        out = self._result(page, "ReadMultiple")
        if rows:
            box = etree.SubElement(out, f"{{{page.namespace}}}ReadMultiple_Result")
            for rec in rows[:size] if size > 0 else rows:
                write_record(box, page, rec)
        return out

    def _IsUpdated(self, page: Page, req: Element) -> Element:
        key = child_text(req, "Key")
        _, no, _ = parse_key(key)
        rec = self.find(page, no)
        out = self._result(page, "IsUpdated")
        etree.SubElement(out, f"{{{page.namespace}}}IsUpdated_Result").text = fmt(
            rec is None or rec["Key"] != key
        )
        return out

    def _GetRecIdFromKey(self, page: Page, req: Element) -> Element:
        _, no, _ = parse_key(child_text(req, "Key"))
        out = self._result(page, "GetRecIdFromKey")
        etree.SubElement(out, f"{{{page.namespace}}}GetRecIdFromKey_Result").text = f"{page.entity}: {no}"
        return out

    def _ReadByRecId(self, page: Page, req: Element) -> Element:
        rec_id = child_text(req, "recId") or ""
        out = self._result(page, "ReadByRecId")
        rec = self.find(page, rec_id.split(": ", 1)[-1])
        if rec is not None:
            write_record(out, page, rec)
        return out

    def _write(self, page: Page, rec: Record, create: bool) -> Record:
        if page.service == "SalesQuote":
            if not create:
                raise NavFault.broker("erpsim: quotes cannot be updated, create a new one.")
            return self.quotes.create(self.state, rec).record()
        order = create_order(self.state, rec) if create else update_order(self.state, rec)
        return order_record(order, self.state.catalog)

    def _single(self, page: Page, req: Element, op: str, create: bool) -> Element:
        el = req.find(f"{{{page.namespace}}}{page.entity}")
        if el is None:
            raise NavFault.broker(f"{op} needs a {page.entity} element.")
        out = self._result(page, op)
        write_record(out, page, self._write(page, read_record(el, page), create))
        return out

    def _multiple(self, page: Page, req: Element, op: str, create: bool) -> Element:
        box = req.find(f"{{{page.namespace}}}{page.entity}_List")
        out = self._result(page, op)
        result = etree.SubElement(out, f"{{{page.namespace}}}{page.entity}_List")
        for el in [] if box is None else list(box):
            write_record(result, page, self._write(page, read_record(el, page), create))
        return out

    def _Create(self, page: Page, req: Element) -> Element:
        return self._single(page, req, "Create", True)

    def _Update(self, page: Page, req: Element) -> Element:
        return self._single(page, req, "Update", False)

    def _CreateMultiple(self, page: Page, req: Element) -> Element:
        return self._multiple(page, req, "CreateMultiple", True)

    def _UpdateMultiple(self, page: Page, req: Element) -> Element:
        return self._multiple(page, req, "UpdateMultiple", False)

    def _Delete(self, page: Page, req: Element) -> Element:
        key = child_text(req, "Key")
        if page.service == "SalesQuote":
            self.quotes.delete(key)
        else:
            delete_order(self.state, key)
        out = self._result(page, "Delete")
        etree.SubElement(out, f"{{{page.namespace}}}Delete_Result").text = "true"
        return out

    def codeunit(self, name: str, fn: str, req: Element) -> Element:
        """GetSalesPrice / GetSalesDiscount (unit price, line discount %) and GetItemInventory."""
        spec = FUNCTIONS.get(fn)
        if spec is None:
            raise NavFault.broker(f"Function {fn} is not published in codeunit {name}.")
        args = {
            p.name: parse_value(p, child_text(req, p.name) or "")
            for p in spec.params
            if child_text(req, p.name) not in (None, "")
        }
        value = self._call(fn, args)
        ns = CODEUNIT_NS + name
        out = etree.Element(f"{{{ns}}}{fn}_Result", nsmap={None: ns})
        etree.SubElement(out, f"{{{ns}}}return_value").text = fmt(value)
        return out

    def _call(self, fn: str, args: dict[str, Any]) -> Decimal:
        catalog = self.state.catalog
        if fn == "GetItemInventory":
            if args.get("itemNo") not in catalog.items:
                raise NavFault.not_found(
                    f"The Item does not exist. Identification fields and values: No.='{args.get('itemNo')}'"
                )
            return Decimal("1000")
        customer = check_customer(catalog, str(args.get("custNo") or ""))
        day = args.get("postingDate") or datetime.now(UTC).date()
        priced = price_no(
            catalog,
            customer,
            str(args.get("itemNo") or ""),
            str(args.get("variantCode") or ""),
            args.get("quantity") or Decimal("1"),
            customer.currency,
            day,
        )
        return priced.unit_price if fn == "GetSalesPrice" else priced.discount_percent

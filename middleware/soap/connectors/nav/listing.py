"""ReadMultiple with filters and bookmarkKey paging; the order listing (open orders, then posted invoices)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from ....domain.erp import ErpOrder, Page
from . import mapping as m
from .profile import NavProfile

Filter = list[dict[str, str]]


def quoted(value: str) -> str:
    """A literal filter value: NAV reads '...' verbatim (special characters like | * .. lose meaning)."""
    return "'" + value.replace("'", "''") + "'"


def filters(**criteria: str) -> Filter:
    """ReadMultiple filters; NAV's schema wants at least one, so 'everything' is No with empty criteria."""
    return [{"Field": k, "Criteria": v} for k, v in criteria.items()] or [{"Field": "No", "Criteria": ""}]


class OrderListing:
    """Paged reads of the profile's pages."""

    def __init__(self, profile: NavProfile, call: Callable[..., Any]) -> None:
        self.profile, self.call = profile, call

    def entity(self, key: str) -> str:
        """NAV names a page's entity after the published service."""
        return self.profile.services[key]

    def read(self, key: str, flt: Filter, size: int, bookmark: str | None = None) -> list[dict[str, Any]]:
        """One ReadMultiple: at most `size` records after the record whose Key is `bookmark`."""
        result = self.call(key, "ReadMultiple", filter=flt, bookmarkKey=bookmark, setSize=size)
        if isinstance(result, dict):  # zeep unwraps <Entity>_List to its list unless it carries more
            result = result.get(self.entity(key))
        return list(result or [])

    def chunk(
        self, key: str, flt: Filter, size: int, bookmark: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Records and the next bookmark (the last record's Key), None once a short page came back."""
        rows = self.read(key, flt, size, bookmark or None)
        return rows, (str(rows[-1]["Key"]) if len(rows) == size and rows else None)

    def page(self, since: datetime | None, size: int, bookmark: str | None) -> Page[ErpOrder]:
        """Orders dated since `since` (default: listing_window_days ago), then invoices posted since."""
        phase, _, key = (bookmark or "o:").partition(":")
        since = since or datetime.now(UTC) - timedelta(days=self.profile.listing_window_days)
        day = f">={since.date().isoformat()}"
        if phase == "o":
            rows, nxt = self.chunk("sales_order", filters(Order_Date=day), size, key)
            orders = tuple(m.order_from_nav(r, self.profile) for r in rows)
            return Page(orders, f"o:{nxt}" if nxt else "i:")
        rows, nxt = self.chunk("posted_invoice", filters(Posting_Date=day), size, key)
        return Page(tuple(m.invoice_from_nav(r, self.profile) for r in rows), f"i:{nxt}" if nxt else None)

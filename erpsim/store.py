"""Thread-safe in-memory ERP state: catalog, orders, modification index and bookmarks."""

from __future__ import annotations

import base64
import bisect
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

from erpsim.errors import ErpError
from erpsim.model import Catalog, SalesOrder

Key = tuple[int, int]  # (modified microseconds since epoch, order sequence)


def now_us() -> int:
    """Current UTC time in microseconds since the epoch."""
    return time.time_ns() // 1000


def us_to_dt(us: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(us // 1_000_000, UTC).replace(microsecond=us % 1_000_000)


def dt_to_us(dt: datetime) -> int:
    """Aware (or naive = UTC) datetime as microseconds since the epoch."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode_bookmark(*parts: object) -> str:
    """Opaque bookmark for the last returned row."""
    raw = "|".join(str(p) for p in parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_bookmark(bookmark: str, arity: int) -> list[str]:
    """Decode a bookmark or fault VALIDATION on Field Bookmark."""
    try:
        raw = base64.urlsafe_b64decode(bookmark + "=" * (-len(bookmark) % 4)).decode()
        parts = raw.split("|")
        if len(parts) == arity:
            return parts
    except (ValueError, UnicodeDecodeError):
        pass
    raise ErpError("VALIDATION", "Bookmark is not valid", "Bookmark")


class ErpState:
    """Catalog plus orders; every mutation holds the lock, orders are replaced copy-on-write."""

    def __init__(self, catalog: Catalog, first_seq: int = 100001) -> None:
        """Start with a catalog and no orders."""
        self.lock = threading.RLock()
        self.first_seq = first_seq
        self.on_status_change: Callable[[SalesOrder], None] | None = None
        self.reset(catalog)

    def reset(self, catalog: Catalog) -> None:
        """Replace the catalog and drop every order."""
        with self.lock:
            self.catalog = catalog
            self.orders: dict[str, SalesOrder] = {}
            self.by_ext: dict[str, list[str]] = {}
            self.index: list[Key] = []
            self.next_seq = self.first_seq
            self.last_us = 0
            self.counters = {"tracking": 1, "invoice": 1}

    def stamp(self) -> int:
        """A strictly increasing modification time (microseconds), so bookmarks never miss changes."""
        self.last_us = max(now_us(), self.last_us + 1)
        return self.last_us

    def new_no(self) -> tuple[int, str]:
        """Allocate the next order sequence and number (SO-100001, ...)."""
        seq = self.next_seq
        self.next_seq += 1
        return seq, f"SO-{seq}"

    def next_counter(self, name: str, prefix: str) -> str:
        """Next tracking/invoice number."""
        with self.lock:
            value = self.counters[name]
            self.counters[name] = value + 1
        return f"{prefix}{value:08d}"

    def insert(self, order: SalesOrder) -> SalesOrder:
        """Store a new order (caller holds the lock and has set seq/no/modified_us)."""
        self.orders[order.no] = order
        self.by_ext.setdefault(order.ext_no, []).append(order.no)
        key = (order.modified_us, order.seq)
        if not self.index or self.index[-1] < key:
            self.index.append(key)
        else:
            bisect.insort(self.index, key)
        return order

    def replace_order(self, old: SalesOrder, touch: bool = True, **changes: object) -> SalesOrder:
        """Store a modified copy (fresh LastModified unless touch=False); push on status changes."""
        with self.lock:
            old = self.get(old.no)
            new = old.copy()
            for k, v in changes.items():
                setattr(new, k, v)
            status_changed = (new.status, new.tracking_no, new.invoice_no) != (
                old.status,
                old.tracking_no,
                old.invoice_no,
            )
            if touch:
                new.modified_us = self.stamp()
            if status_changed:
                new.status_changed_us = self.stamp() if not touch else new.modified_us
            self._unindex(old)
            self.orders[new.no] = new
            bisect.insort(self.index, (new.modified_us, new.seq))
            if new.ext_no != old.ext_no:
                self.by_ext[old.ext_no].remove(old.no)
                self.by_ext.setdefault(new.ext_no, []).append(new.no)
            if status_changed and self.on_status_change is not None:
                self.on_status_change(new)
        return new

    def _unindex(self, order: SalesOrder) -> None:
        i = bisect.bisect_left(self.index, (order.modified_us, order.seq))
        if i < len(self.index) and self.index[i] == (order.modified_us, order.seq):
            del self.index[i]

    def delete(self, no: str) -> SalesOrder:
        """Remove an order (control API)."""
        with self.lock:
            order = self.get(no)
            self._unindex(order)
            del self.orders[no]
            self.by_ext[order.ext_no].remove(no)
            if not self.by_ext[order.ext_no]:
                del self.by_ext[order.ext_no]
            return order

    def get(self, no: str) -> SalesOrder:
        """Order by number or fault ORDER_NOT_FOUND."""
        order = self.orders.get(no)
        if order is None:
            raise ErpError("ORDER_NOT_FOUND", f"Sales order {no} does not exist", "No")
        return order

    def find_ext(self, ext_no: str) -> SalesOrder | None:
        """The first (oldest) order carrying this external document number."""
        nos = self.by_ext.get(ext_no)
        return self.orders[nos[0]] if nos else None

    def page_orders(
        self, since_us: int | None, bookmark: str | None, size: int
    ) -> tuple[list[SalesOrder], str | None]:
        """Orders ordered by (LastModified, No) from since/bookmark; next bookmark unless last page."""
        start: Key = (since_us, -1) if since_us is not None else (-1, -1)
        if bookmark:
            us, seq = decode_bookmark(bookmark, 2)
            if not (us.isdigit() and seq.isdigit()):
                raise ErpError("VALIDATION", "Bookmark is not valid", "Bookmark")
            start = max(start, (int(us), int(seq)))
        with self.lock:
            i = bisect.bisect_right(self.index, start)
            keys = self.index[i : i + size]
            more = i + size < len(self.index)
            rows = [self.orders[f"SO-{seq}"] for _, seq in keys]
        nxt = encode_bookmark(*keys[-1]) if more and keys else None
        return rows, nxt

    def set_catalog(self, **changes: object) -> None:
        """Replace parts of the (immutable) catalog."""
        with self.lock:
            self.catalog = replace(self.catalog, **changes)  # type: ignore[arg-type]


def page_by_key(
    rows: Iterable[tuple[str, object]], bookmark: str | None, size: int
) -> tuple[list[object], str | None]:
    """Generic key-ordered paging for master data; rows are (key, record)."""
    after = decode_bookmark(bookmark, 1)[0] if bookmark else None
    ordered = sorted(((k, r) for k, r in rows if after is None or k > after), key=lambda kr: kr[0])
    page = ordered[:size]
    nxt = encode_bookmark(page[-1][0]) if len(ordered) > size else None
    return [r for _, r in page], nxt

"""Status push to the middleware (UpdateOrderStatus over SOAP 1.1) and the demo auto-progress timer."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from lxml import etree

from erpsim.model import SalesOrder
from erpsim.store import ErpState, now_us, us_to_dt

log = logging.getLogger(__name__)
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PUSH_NS = "urn:shop-middleware:erp:v1"


@dataclass(frozen=True)
class StatusUpdate:
    """One status change as pushed to the middleware."""

    external_document_no: str
    order_no: str
    status: str
    changed_at: datetime
    tracking_no: str | None = None
    invoice_no: str | None = None

    @classmethod
    def of(cls, order: SalesOrder) -> StatusUpdate:
        """The update describing an order's current status."""
        return cls(
            order.ext_no,
            order.no,
            order.status,
            us_to_dt(order.status_changed_us),
            order.tracking_no,
            order.invoice_no,
        )


def build_status_envelope(updates: list[StatusUpdate]) -> bytes:
    """SOAP 1.1 envelope: UpdateOrderStatus/Updates/StatusUpdate{...} in urn:shop-middleware:erp:v1."""

    def el(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{PUSH_NS}}}{name}")
        child.text = value
        return child

    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "m": PUSH_NS})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    box = el(el(body, "UpdateOrderStatus"), "Updates")
    for u in updates:
        row = el(box, "StatusUpdate")
        el(row, "ExternalDocumentNo", u.external_document_no)
        el(row, "OrderNo", u.order_no)
        el(row, "Status", u.status)
        el(row, "ChangedAt", u.changed_at.isoformat().replace("+00:00", "Z"))
        if u.tracking_no:
            el(row, "TrackingNo", u.tracking_no)
        if u.invoice_no:
            el(row, "InvoiceNo", u.invoice_no)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


class StatusPusher:
    """Queues status changes and POSTs them in batches from one background thread, with retries."""

    def __init__(self, batch_size: int = 50, attempts: int = 3, timeout: float = 5.0) -> None:
        """Create an unconfigured pusher (nothing is sent until configure() sets a URL)."""
        self.url: str | None = None
        self.auth: tuple[str, str] | None = None
        self.batch_size, self.attempts, self.timeout = batch_size, attempts, timeout
        self.stats: dict[str, Any] = {"queued": 0, "sent": 0, "failed": 0, "calls": 0, "last_error": None}
        self._queue: queue.Queue[StatusUpdate | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def configure(self, url: str | None, username: str | None = None, password: str | None = None) -> None:
        """Set (or clear with url None) the callback endpoint and its Basic credentials."""
        self.url = url
        self.auth = (username, password or "") if username else None
        if url and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="erpsim-push", daemon=True)
            self._thread.start()

    def settings(self) -> dict[str, Any]:
        """Current configuration (password hidden) and counters."""
        return {
            "url": self.url,
            "username": self.auth[0] if self.auth else None,
            **self.stats,
            "pending": self._queue.qsize(),
        }

    def notify(self, order: SalesOrder) -> None:
        """Queue the order's current status if a callback is configured."""
        if self.url:
            with self._lock:
                self.stats["queued"] += 1
            self._queue.put(StatusUpdate.of(order))

    def stop(self) -> None:
        """Stop the worker thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=2)
            self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.batch_size and not self._queue.empty():
                nxt = self._queue.get()
                if nxt is None:
                    self._send(batch)
                    return
                batch.append(nxt)
            self._send(batch)

    def _send(self, batch: list[StatusUpdate]) -> None:
        url, body = self.url, build_status_envelope(batch)
        for attempt in range(self.attempts):
            if not url:
                break
            self.stats["calls"] += 1
            try:
                resp = requests.post(
                    url,
                    data=body,
                    auth=self.auth,
                    timeout=self.timeout,
                    headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"UpdateOrderStatus"'},
                )
                if resp.status_code == 200:
                    self.stats["sent"] += len(batch)
                    return
                self.stats["last_error"] = f"HTTP {resp.status_code}: {resp.text[:200]}"
            except requests.RequestException as exc:
                self.stats["last_error"] = str(exc)
            time.sleep(0.2 * 2**attempt)
        self.stats["failed"] += len(batch)
        log.warning("status push of %d updates failed: %s", len(batch), self.stats["last_error"])


class AutoProgress:
    """Demo timer: OPEN/RELEASED orders become SHIPPED, SHIPPED become INVOICED after `seconds`."""

    def __init__(self, state: ErpState, seconds: float) -> None:
        """Start the background thread."""
        self.state, self.seconds = state, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="erpsim-progress", daemon=True)
        self._thread.start()

    def tick(self) -> int:
        """Advance every order that waited long enough; return how many moved."""
        limit = now_us() - int(self.seconds * 1_000_000)
        with self.state.lock:
            due = [
                o
                for o in self.state.orders.values()
                if o.status in ("OPEN", "RELEASED", "SHIPPED") and o.status_changed_us <= limit
            ]
        moved = 0
        for o in due:
            with self.state.lock:
                if self.state.orders.get(o.no) is not o:
                    continue  # changed meanwhile; look again next tick
                if o.status == "SHIPPED":
                    self.state.replace_order(
                        o, status="INVOICED", invoice_no=self.state.next_counter("invoice", "SI-")
                    )
                else:
                    self.state.replace_order(
                        o, status="SHIPPED", tracking_no=self.state.next_counter("tracking", "TRK")
                    )
                moved += 1
        return moved

    def _run(self) -> None:
        while not self._stop.wait(min(1.0, self.seconds / 2)):
            try:
                self.tick()
            except Exception:
                log.exception("auto progress failed")

    def stop(self) -> None:
        """Stop the timer."""
        self._stop.set()
        self._thread.join(timeout=2)

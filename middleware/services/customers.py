"""Customers by the shop's id: held in memory for a short TTL, else the mirror, else found in the ERP."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta

from ..domain.catalog import Customer
from ..errors import NotFound
from ..ports.catalog import CatalogRepository
from ..ports.clock import Clock
from ..ports.erp import Erp

CUSTOMER_TTL_SECONDS = 30  # every price request needs its customer: keep the database off the hot path
CUSTOMER_CACHE_MAX = 10_000
ERP_SCAN_INTERVAL = timedelta(seconds=60)  # unknown ids must not make every request page the ERP's customers
SCAN_PAGE_SIZE = 200
MAX_SCAN_PAGES = 1_000


class CustomerDirectory:
    """Finds a customer by the shop's id; one the mirror lacks is looked up in the ERP and mirrored."""

    def __init__(
        self,
        repo: CatalogRepository,
        erp: Erp,
        clock: Clock,
        ttl_seconds: float = CUSTOMER_TTL_SECONDS,
        max_entries: int = CUSTOMER_CACHE_MAX,
    ) -> None:
        self.repo = repo
        self.erp = erp
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_entries = max_entries
        self._held: OrderedDict[str, tuple[Customer, datetime]] = OrderedDict()
        self._lock = threading.Lock()
        self._scan_lock = threading.Lock()
        self._last_scan: datetime | None = None

    def customer(self, customer_id: str) -> Customer:
        """The customer; NotFound when neither the mirror nor the ERP knows the shop's id."""
        now = self.clock.now()
        with self._lock:
            held = self._held.get(customer_id)
        if held is not None and now < held[1]:
            return held[0]
        customer = self.repo.get_customer(customer_id) or self._from_erp(customer_id)
        if self.ttl:
            with self._lock:
                self._held[customer_id] = (customer, now + self.ttl)
                self._held.move_to_end(customer_id)
                while len(self._held) > self.max_entries:
                    self._held.popitem(last=False)
        return customer

    def _from_erp(self, customer_id: str) -> Customer:
        # The shop's id is often the ERP's number; when not (a B2C account mapped to a customer card),
        # the ERP's customer list maps it, and the mirror keeps every card read on the way.
        try:
            customer = self.erp.get_customer(customer_id)
        except NotFound:
            customer = None
        if customer is not None and customer.customer_id == customer_id:
            self.repo.upsert_customers([customer])
            return customer
        return self._scan(customer_id)

    def _scan(self, customer_id: str) -> Customer:
        with self._scan_lock:
            found = self.repo.get_customer(customer_id)  # another thread's scan may have mirrored it
            if found is not None:
                return found
            now = self.clock.now()
            if self._last_scan is not None and now - self._last_scan < ERP_SCAN_INTERVAL:
                raise NotFound("customer", customer_id)
            self._last_scan = now
            bookmark: str | None = None
            for _ in range(MAX_SCAN_PAGES):
                page = self.erp.list_customers(SCAN_PAGE_SIZE, bookmark)
                if page.items:
                    self.repo.upsert_customers(list(page.items))
                match = next((c for c in page.items if c.customer_id == customer_id), None)
                if match is not None:
                    return match
                bookmark = page.bookmark
                if bookmark is None:
                    break
        raise NotFound("customer", customer_id)

    def forget(self, customer_ids: Iterable[str] | None = None) -> None:
        """Drop customers (all of them when None) from memory."""
        with self._lock:
            if customer_ids is None:
                self._held.clear()
                return
            for customer_id in customer_ids:
                self._held.pop(customer_id, None)

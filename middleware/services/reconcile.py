"""Order reconciliation: stream the ERP's orders of a window, compare with ours, repair what is safe."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from ..domain.erp import ErpOrder, Page
from ..domain.money import CENT
from ..domain.orders import OrderStatus
from ..domain.reconcile import (
    EXPECTED_IN_ERP,
    ORDER_KINDS,
    Finding,
    FindingKind,
    Repair,
    Severity,
    compare,
    duplicate_finding,
    missing_finding,
    orphan_finding,
    stuck_finding,
    window_start,
)
from ..ports.clock import Clock
from ..ports.erp import Erp
from ..ports.reconcile import FindingStore, LocalOrders, OrderRepairs

log = logging.getLogger(__name__)

JOB = "reconcile_orders"
S = OrderStatus
DEFAULT_STUCK = {
    S.SUBMIT_UNKNOWN: timedelta(minutes=30),
    S.RECEIVED: timedelta(hours=1),
    S.NEEDS_ATTENTION: timedelta(hours=24),
}
# Kinds whose drift is judged per checked order; stuck orders are judged over all orders.
_PER_ORDER = sorted(k.value for k in ORDER_KINDS - {FindingKind.STUCK})


@dataclass(frozen=True)
class ReconcilePolicy:
    """How far back to look, how to page, what counts as drift."""

    window: timedelta = timedelta(hours=48)
    overlap: timedelta = timedelta(hours=1)
    page_size: int = 200
    chunk: int = 500
    tolerance: Decimal = CENT
    stuck: Mapping[OrderStatus, timedelta] = field(default_factory=lambda: dict(DEFAULT_STUCK))
    max_pages: int = 100_000  # a guard against an ERP that never stops handing out bookmarks
    sample: int = 200  # findings kept in the report for display


@dataclass
class ReconcileReport:
    """What one reconciliation run saw and did."""

    since: datetime
    dry_run: bool
    erp_orders: int = 0
    pages: int = 0
    rechecked: int = 0
    repaired: int = 0
    repair_failures: int = 0
    new: int = 0
    updated: int = 0
    resolved: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    by_kind_severity: Counter[tuple[str, str]] = field(default_factory=Counter)
    sample: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Flat counts for the job-run record."""
        names = "erp_orders pages rechecked repaired repair_failures new updated resolved".split()
        flat = {name: getattr(self, name) for name in names}
        flat.update({f"kind.{k}": v for k, v in self.by_kind.items()})
        flat.update({f"severity.{k}": v for k, v in self.by_severity.items()})
        return flat


class OrderReconciler:
    """Compares the ERP's orders with ours; one instance per process, runs never overlap (see jobs)."""

    def __init__(
        self,
        erp: Erp,
        local: LocalOrders,
        findings: FindingStore,
        repairs: OrderRepairs | None,
        clock: Clock,
        policy: ReconcilePolicy | None = None,
    ) -> None:
        self.erp = erp
        self.local = local
        self.findings = findings
        self.repairs = repairs
        self.clock = clock
        self.policy = policy or ReconcilePolicy()

    def run(
        self,
        run_id: int,
        *,
        since: datetime | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ReconcileReport:
        """Reconcile once; `run_id` keys the scratch list and the findings of this run."""
        now = self.clock.now()
        since = since or window_start(now, self.policy.window, self.policy.overlap)
        report = ReconcileReport(since=since, dry_run=dry_run)
        try:
            self._read_erp(run_id, since, report, progress or (lambda n: None))
            self._emit(run_id, report, [duplicate_finding(n, e) for n, e in self.local.duplicates(run_id)])
            self._recheck_unseen(run_id, since, report)
            self._find_stuck(run_id, now, report)
            if not dry_run:
                at = self.clock.now()
                resolve = self.findings.resolve_absent
                report.resolved += resolve(JOB, run_id, _PER_ORDER, at, checked_only=True)
                report.resolved += resolve(JOB, run_id, [FindingKind.STUCK.value], at, checked_only=False)
        finally:
            self.local.clear_checked(run_id)
        return report

    def _read_erp(
        self, run_id: int, since: datetime, report: ReconcileReport, progress: Callable[[int], None]
    ) -> None:
        # one page is fetched ahead while the current one is compared: the ERP's time and ours overlap,
        # and at most two pages are held in memory
        fetch = partial(self.erp.list_sales_orders, since, self.policy.page_size)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconcile-fetch") as pool:
            pending: Future[Page[ErpOrder]] | None = pool.submit(fetch, None)
            while pending is not None:
                page = pending.result()
                report.pages += 1
                more = page.bookmark and report.pages < self.policy.max_pages
                pending = pool.submit(fetch, page.bookmark) if more else None
                report.erp_orders += len(page.items)
                self._compare_page(run_id, page.items, report)
                progress(len(page.items))
            if page.bookmark:
                log.warning("reconciliation stopped after %d pages", report.pages)

    def _compare_page(self, run_id: int, items: tuple[ErpOrder, ...], report: ReconcileReport) -> None:
        ours = [o for o in items if o.order_number]
        self.local.mark_checked(run_id, [(o.order_number or "", o.erp_order_number) for o in ours])
        known = self.local.snapshots([o.order_number or "" for o in ours])
        found: list[Finding] = []
        for erp_order in ours:
            local = known.get(erp_order.order_number or "")
            if local is None:
                found.append(orphan_finding(erp_order))
                continue
            drift = compare(local, erp_order, self.policy.tolerance)
            self._repair(drift, report, erp_order)
            found.extend(drift)
        self._emit(run_id, report, found)

    def _recheck_unseen(self, run_id: int, since: datetime, report: ReconcileReport) -> None:
        """Our orders the listing did not show: ask GetSalesOrder before calling them missing."""
        chunks = self.local.unchecked_in_window(run_id, since, sorted(EXPECTED_IN_ERP), self.policy.chunk)
        for chunk in chunks:
            found: list[Finding] = []
            for local in chunk:
                report.rechecked += 1
                erp_order = self.erp.get_sales_order(order_number=local.order_number)
                if erp_order is None:
                    found.append(missing_finding(local))
                    self.local.mark_checked(run_id, [(local.order_number, "")])
                    continue
                self.local.mark_checked(run_id, [(local.order_number, erp_order.erp_order_number)])
                drift = compare(local, erp_order, self.policy.tolerance)
                self._repair(drift, report, erp_order)
                found.extend(drift)
            self._emit(run_id, report, found)

    def _find_stuck(self, run_id: int, now: datetime, report: ReconcileReport) -> None:
        if not self.policy.stuck:
            return
        shortest = min(self.policy.stuck.values())
        for chunk in self.local.in_statuses(sorted(self.policy.stuck), now - shortest, self.policy.chunk):
            found = [f for f in (stuck_finding(o, now, self.policy.stuck) for o in chunk) if f]
            self._emit(run_id, report, found)

    def _repair(self, drift: list[Finding], report: ReconcileReport, erp_order: ErpOrder) -> None:
        if report.dry_run or self.repairs is None:
            return
        for finding in drift:
            try:
                if finding.repair is not Repair.APPLY_STATUS:
                    continue
                self.repairs.apply_erp_status(finding.subject, erp_order)
                report.repaired += 1
            except Exception:  # one failed repair must not stop the run; the finding stays open
                report.repair_failures += 1
                log.exception("repair of %s %s failed", finding.kind.value, finding.subject)

    def _emit(self, run_id: int, report: ReconcileReport, found: list[Finding]) -> None:
        for finding in found:
            report.by_kind[finding.kind.value] += 1
            report.by_severity[finding.severity.value] += 1
            report.by_kind_severity[(finding.kind.value, finding.severity.value)] += 1
            if len(report.sample) < self.policy.sample:
                report.sample.append(finding)
        if found and not report.dry_run:
            new, updated = self.findings.record(JOB, run_id, found, self.clock.now())
            report.new += new
            report.updated += updated


def critical_open(findings: FindingStore) -> int:
    """How many critical findings are open (the CLI exits non-zero when any are)."""
    return findings.count_open(severity=Severity.CRITICAL.value)

"""Running scheduled jobs: one at a time per job (a lock), every run recorded, failures never raised."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from ..domain.reconcile import FindingKind, Severity
from ..errors import InputError, NotFound
from ..ports.admin import OpenFinding, ReconRun
from ..ports.clock import Clock
from ..ports.reconcile import FindingStore, JobRun, RunLock, RunLog, StoredFinding

log = logging.getLogger(__name__)

JobFn = Callable[[int], Mapping[str, int]]
"""A job: given its run id, does its work and returns counts for the record."""


class PartialFailure(Exception):
    """A job did part of its work; the run is recorded as failed with these counts."""

    def __init__(self, message: str, counts: Mapping[str, int]) -> None:
        super().__init__(message)
        self.counts = counts


def _describe(exc: BaseException) -> str:
    # the type and message only: no traceback, no locals (no secrets) in the stored record
    return f"{type(exc).__name__}: {exc}"[:2000]


class JobBook:
    """The registered jobs and their run records."""

    def __init__(self, runs: RunLog, clock: Clock, lock: RunLock | None = None) -> None:
        self.runs = runs
        self.clock = clock
        self.lock = lock
        self.jobs: dict[str, JobFn] = {}

    def register(self, name: str, fn: JobFn) -> None:
        """Add a job under `name`."""
        self.jobs[name] = fn

    def run(self, name: str, fn: JobFn | None = None, *, min_gap: timedelta | None = None) -> JobRun:
        """Run a job now (unless it runs elsewhere) and record the run; never raises for job errors.

        `fn` replaces the registered function for this run (the CLI passes one with a progress bar).
        `min_gap` (scheduled runs): skip when a run started less than this ago, on any node, so that
        several schedulers firing for one tick run it once."""
        job = fn or self.jobs.get(name)
        if job is None:
            raise NotFound("job", name)

        def locked() -> JobRun:
            if min_gap is not None and self._ran_within(name, min_gap):
                return self._skip(name, "already ran this tick (another node)")
            return self._record(name, job)

        outcome = self.run_locked(name, locked)
        return outcome if outcome is not None else self._skip(name, "already running")

    def _ran_within(self, name: str, gap: timedelta) -> bool:
        last = next((r for r in self.runs.list_runs(name, limit=20) if r.outcome != "skipped"), None)
        return last is not None and self.clock.now() - last.started_at < gap

    def _skip(self, name: str, reason: str) -> JobRun:
        at = self.clock.now()
        run_id = self.runs.start_run(name, at)
        self.runs.finish_run(run_id, at, "skipped", {}, reason)
        return JobRun(run_id, name, at, at, "skipped", {}, reason)

    def run_locked(self, name: str, fn: Callable[[], JobRun]) -> JobRun | None:
        """Call `fn` holding the job's lock; None (without calling) when another holder has it."""
        if self.lock is None:
            return fn()
        with self.lock.held(name, self.clock.now()) as acquired:
            return fn() if acquired else None

    def _record(self, name: str, fn: JobFn) -> JobRun:
        started = self.clock.now()
        run_id = self.runs.start_run(name, started)
        counts: Mapping[str, int] = {}
        outcome, error = "ok", None
        try:
            counts = fn(run_id)
        except PartialFailure as exc:
            outcome, error, counts = "failed", _describe(exc), exc.counts
        except Exception as exc:  # a job's failure is recorded and must never reach the scheduler
            outcome, error = "failed", _describe(exc)
            log.exception("job %s failed", name)
        finished = self.clock.now()
        self.runs.finish_run(run_id, finished, outcome, counts, error)
        return JobRun(run_id, name, started, finished, outcome, dict(counts), error)


class JobsAdmin:
    """What the admin page calls: runs, open findings, resolving a finding, running a job now."""

    def __init__(self, book: JobBook, findings: FindingStore, clock: Clock) -> None:
        self.book = book
        self.findings = findings
        self.clock = clock

    def list_runs(self, job: str | None = None, limit: int = 50) -> list[JobRun]:
        """Recent runs, newest first."""
        return self.book.runs.list_runs(job, max(1, min(limit, 500)))

    def list_findings(
        self,
        *,
        kind: str | None = None,
        severity: str | None = None,
        open_only: bool = True,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredFinding]:
        """Findings by kind and severity, most recently seen first; InputError for an unknown filter."""
        if kind and kind not in {k.value for k in FindingKind}:
            raise InputError(f"unknown finding kind {kind!r}", field="kind")
        if severity and severity not in {s.value for s in Severity}:
            raise InputError(f"unknown severity {severity!r}", field="severity")
        return self.findings.list_findings(
            kind=kind,
            severity=severity,
            open_only=open_only,
            limit=max(1, min(limit, 1000)),
            offset=max(0, offset),
        )

    def resolve_finding(self, finding_id: int, actor: str, note: str = "") -> StoredFinding:
        """Mark a finding resolved by hand; NotFound if there is none."""
        resolution = f"resolved by {actor}" + (f": {note}" if note else "")
        found = self.findings.resolve(finding_id, self.clock.now(), resolution)
        if found is None:
            raise NotFound("finding", str(finding_id))
        return found

    def run_now(self, job: str) -> JobRun:
        """Run a job at once in this thread and return its record."""
        return self.book.run(job)


class ReconciliationPanel:
    """The admin page's view of reconciliation (fits ports.admin.ReconciliationAdmin)."""

    def __init__(self, admin: JobsAdmin, job: str) -> None:
        self.admin = admin
        self.job = job

    def recent_runs(self, limit: int = 10) -> list[ReconRun]:
        """The latest order reconciliation runs, newest first."""
        return [
            ReconRun(str(r.id), r.started_at, r.finished_at, r.outcome,
                     sum(v for k, v in r.counts.items() if k.startswith("kind.")))
            for r in self.admin.list_runs(self.job, limit)
        ]

    def open_findings(self, limit: int = 200) -> list[OpenFinding]:
        """Findings not yet resolved, most recently seen first."""
        return [
            OpenFinding(str(f.id), f.kind, f.severity, f.subject, f.message, f.first_seen)
            for f in self.admin.list_findings(limit=limit)
        ]

    def resolve(self, finding_id: str, actor: str, note: str) -> None:
        """Mark a finding resolved; InputError for a malformed id."""
        if not finding_id.isdigit():
            raise InputError(f"finding id must be a number, not {finding_id!r}", field="finding_id")
        self.admin.resolve_finding(int(finding_id), actor, note)

    def run_now(self) -> str:
        """Run the order reconciliation now; a one-line result."""
        run = self.admin.run_now(self.job)
        kinds = ", ".join(f"{k[5:]}={v}" for k, v in sorted(run.counts.items()) if k.startswith("kind."))
        return f"{run.outcome}: {run.counts.get('erp_orders', 0)} ERP orders read" + (
            f", findings {kinds}" if kinds else ", no drift") + (f" ({run.error})" if run.error else "")

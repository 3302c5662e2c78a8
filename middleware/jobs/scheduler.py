"""The job scheduler (APScheduler 3.x BackgroundScheduler): one instance per job, missed runs coalesced."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..ports.admin import JobInfo
from ..services.job_runs import JobBook

log = logging.getLogger(__name__)
T = TypeVar("T")

_INTERVAL = re.compile(r"^(\d+)\s*([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
OFF = {"off", "never", "disabled"}


_TICK_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)


def parse_schedule(text: str) -> BaseTrigger | None:
    """`off`, an interval (`900`, `30s`, `15m`, `1h`, `1d`) or a 5-field cron expression (UTC)."""
    cleaned = text.strip().lower()
    if cleaned in OFF:
        return None
    match = _INTERVAL.match(cleaned)
    if match:
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if seconds <= 0:
            raise ValueError("an interval must be longer than zero")
        # a fixed start puts every node's ticks on the same instants, so the JobBook's lock and min_gap
        # can tell that a tick already ran elsewhere
        return IntervalTrigger(seconds=seconds, timezone=UTC, start_date=_TICK_ORIGIN)
    if len(cleaned.split()) != 5:
        raise ValueError("must be off, an interval (15m, 1h) or a cron expression like '*/15 * * * *'")
    return CronTrigger.from_crontab(cleaned, timezone=UTC)


def min_gap(trigger: BaseTrigger) -> timedelta:
    """Half the time between two fire times: a run that recent means this tick already ran elsewhere."""
    now = datetime.now(UTC)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1)) if first else None
    if first is None or second is None:
        return timedelta(0)
    return (second - first) / 2


@dataclass(frozen=True)
class JobSpec:
    """A job the scheduler runs: its name in the JobBook, a label and its schedule text."""

    name: str
    label: str
    schedule: str


class JobScheduler:
    """Runs the JobBook's jobs on their schedules; a failing job is recorded and never stops the scheduler."""

    def __init__(self, book: JobBook, specs: Sequence[JobSpec], *, misfire_grace_seconds: int = 300) -> None:
        self.book = book
        self.specs = list(specs)
        self.misfire_grace_seconds = misfire_grace_seconds
        self._scheduler: BackgroundScheduler | None = None
        self._min_gaps: dict[str, timedelta] = {}

    def start(self) -> None:
        """Start the scheduler thread with every job that has a schedule."""
        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "max_instances": 1,  # a job never overlaps itself in this process (run_locked: across processes)
            "coalesce": True,  # several missed runs become one
            "misfire_grace_time": self.misfire_grace_seconds,
        })
        for spec in self.specs:
            trigger = parse_schedule(spec.schedule)
            if trigger is not None:
                self._min_gaps[spec.name] = min_gap(trigger)
                scheduler.add_job(self._run, trigger, args=[spec.name], id=spec.name, name=spec.label,
                                  replace_existing=True)
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started: %s", ", ".join(f"{s.name}={s.schedule}" for s in self.specs))

    def stop(self) -> None:
        """Stop the scheduler, waiting for running jobs."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    @property
    def running(self) -> bool:
        """Whether the scheduler thread runs."""
        return self._scheduler is not None and self._scheduler.running

    def _run(self, name: str) -> None:
        try:
            run = self.book.run(name, min_gap=self._min_gaps.get(name))
            log.info("job %s finished: %s %s", name, run.outcome, dict(run.counts))
        except Exception:  # the book records failures; this guards the scheduler against anything else
            log.exception("job %s could not be run", name)

    def _run_once(self, name: str) -> None:
        try:
            self.book.run(name)
        except Exception:
            log.exception("job %s could not be run", name)

    def run_locked(self, job_name: str, fn: Callable[[], T]) -> T | None:
        """Call `fn` holding the job's cross-process lock; None when another process holds it."""
        return self.book.run_locked(job_name, fn)  # type: ignore[arg-type,return-value]

    def jobs(self) -> list[JobInfo]:
        """Every job with its next and last run (admin page)."""
        infos = []
        for spec in self.specs:
            aps_job = self._scheduler.get_job(spec.name) if self._scheduler else None
            last = self.book.runs.list_runs(spec.name, limit=1)
            infos.append(JobInfo(
                job_id=spec.name, name=f"{spec.label} ({spec.schedule})",
                next_run=getattr(aps_job, "next_run_time", None),
                last_run=last[0].started_at if last else None,
                last_outcome=last[0].outcome if last else None,
            ))
        return infos

    def run_now(self, job_id: str) -> str:
        """Run a job now: queued on the scheduler thread when it runs, else in this thread."""
        if job_id not in self.book.jobs:
            raise KeyError(job_id)
        if self._scheduler is not None and self._scheduler.running:
            # a one-off job: an explicit request is not a tick, so no min_gap; the book's lock still
            # keeps it from overlapping a scheduled run
            self._scheduler.add_job(self._run_once, args=[job_id], name=f"{job_id} (run now)")
            return f"{job_id} started"
        run = self.book.run(job_id)
        return describe_run(run.outcome, run.counts, run.error)


def describe_run(outcome: str, counts: Any, error: str | None) -> str:
    """A one-line summary of a run."""
    parts = ", ".join(f"{k}={v}" for k, v in sorted(dict(counts).items()) if v)
    return f"{outcome}" + (f": {parts}" if parts else "") + (f" ({error})" if error else "")

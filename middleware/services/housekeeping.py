"""Housekeeping: drop expired cache entries, delivered outbox entries and logs past their retention."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from ..ports.clock import Clock
from .job_runs import PartialFailure

log = logging.getLogger(__name__)

Purge = Callable[[datetime], int]
"""A purge task: given now, deletes what is past its retention and returns how many."""


class Housekeeping:
    """Runs every purge task; one failing task does not stop the others."""

    def __init__(self, tasks: Mapping[str, Purge], clock: Clock) -> None:
        self.tasks = dict(tasks)
        self.clock = clock

    def run(self, run_id: int = 0) -> dict[str, int]:
        """Run all tasks; returns how many entries each removed (PartialFailure if any task failed)."""
        counts: dict[str, int] = {}
        failed: list[str] = []
        for name, purge in self.tasks.items():
            try:
                counts[name] = purge(self.clock.now())
            except Exception as exc:  # recorded on the run; the other tasks still run
                log.exception("housekeeping task %s failed", name)
                failed.append(f"{name}: {type(exc).__name__}: {exc}")
        if failed:
            raise PartialFailure("; ".join(failed), counts)
        return counts

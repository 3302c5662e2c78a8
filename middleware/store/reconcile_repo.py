"""Findings, job runs and job locks in SQL (one transaction per call; jobs never overlap themselves)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, insert, select, update

from ..domain.reconcile import Finding
from ..ports.reconcile import JobRun, StoredFinding
from .db import Database
from .order_tables import outbox
from .reconcile_tables import checked, findings, job_locks, job_runs


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def _finding(row: Any) -> StoredFinding:
    return StoredFinding(
        id=row.id, job=row.job, kind=row.kind, severity=row.severity, subject=row.subject,
        message=row.message, detail=json.loads(row.detail), repair=row.repair, first_seen=row.first_seen,
        last_seen=row.last_seen, resolved_at=row.resolved_at, resolution=row.resolution,
    )


class SqlRunLog:
    """Job runs in the `job_runs` table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start_run(self, job: str, at: datetime) -> int:
        """Record a run as started; returns its id."""
        with self.db.write() as conn:
            result = conn.execute(
                insert(job_runs).values(job=job, started_at=at, outcome="running", counts="{}"))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(
        self, run_id: int, at: datetime, outcome: str, counts: Mapping[str, int], error: str | None = None
    ) -> None:
        """Record the end of a run."""
        with self.db.write() as conn:
            conn.execute(update(job_runs).where(job_runs.c.id == run_id).values(
                finished_at=at, outcome=outcome, counts=_json(dict(counts)),
                error=None if error is None else error[:2000],
            ))

    def list_runs(self, job: str | None = None, limit: int = 50) -> list[JobRun]:
        """Most recent runs first."""
        query = select(job_runs).order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc()).limit(limit)
        if job:
            query = query.where(job_runs.c.job == job)
        with self.db.read() as conn:
            return [
                JobRun(r.id, r.job, r.started_at, r.finished_at, r.outcome,
                       json.loads(r.counts or "{}"), r.error)
                for r in conn.execute(query)
            ]


class SqlFindingStore:
    """Findings in `reconcile_findings`: one open row per (kind, subject)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, job: str, run_id: int, items: Sequence[Finding], at: datetime) -> tuple[int, int]:
        """Insert new findings, refresh open ones; returns (new, updated)."""
        if not items:
            return (0, 0)
        created = updated = 0
        unique = {f.key: f for f in items}
        with self.db.write() as conn:
            for chunk in _chunks(sorted(unique), 500):
                open_ids = self._open_ids(conn, chunk)
                for key in chunk:
                    f = unique[key]
                    values = dict(severity=f.severity.value, message=f.message, detail=_json(dict(f.detail)),
                                  repair=f.repair.value, last_seen=at, last_run_id=run_id, job=job)
                    if key in open_ids:
                        conn.execute(update(findings).where(findings.c.id == open_ids[key]).values(**values))
                        updated += 1
                    else:
                        conn.execute(insert(findings).values(kind=f.kind.value, subject=f.subject,
                                                             first_seen=at, **values))
                        created += 1
        return created, updated

    @staticmethod
    def _open_ids(conn: Any, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        subjects = {s for _, s in keys}
        rows = conn.execute(select(findings.c.id, findings.c.kind, findings.c.subject).where(
            findings.c.resolved_at.is_(None), findings.c.subject.in_(subjects)))
        wanted = set(keys)
        return {(r.kind, r.subject): r.id for r in rows if (r.kind, r.subject) in wanted}

    def resolve_absent(
        self, job: str, run_id: int, kinds: Iterable[str], at: datetime, *, checked_only: bool
    ) -> int:
        """Resolve open findings of these kinds this run did not report (only checked subjects if asked)."""
        condition = and_(findings.c.resolved_at.is_(None), findings.c.kind.in_(list(kinds)),
                         findings.c.last_run_id != run_id)
        if checked_only:
            # a correlated EXISTS walks the index; IN (subquery) would materialize every checked number
            seen = exists().where(checked.c.run_id == run_id, checked.c.order_number == findings.c.subject)
            condition = and_(condition, seen)
        with self.db.write() as conn:
            result = conn.execute(update(findings).where(condition).values(
                resolved_at=at, resolution="drift disappeared"))
            return int(result.rowcount or 0)

    def resolve_subjects(
        self, job: str, run_id: int, kind: str, subjects: Iterable[str], at: datetime
    ) -> int:
        """Resolve open findings of `kind` for these checked subjects that the run did not report."""
        resolved = 0
        with self.db.write() as conn:
            for chunk in _chunks(sorted(set(subjects)), 500):
                result = conn.execute(update(findings).where(
                    findings.c.resolved_at.is_(None), findings.c.kind == kind,
                    findings.c.last_run_id != run_id, findings.c.subject.in_(chunk),
                ).values(resolved_at=at, resolution="drift disappeared"))
                resolved += int(result.rowcount or 0)
        return resolved

    def list_findings(
        self, *, kind: str | None = None, severity: str | None = None, open_only: bool = True,
        limit: int = 100, offset: int = 0,
    ) -> list[StoredFinding]:
        """Findings, most recently seen first."""
        query = select(findings).order_by(findings.c.last_seen.desc(), findings.c.id.desc())
        if open_only:
            query = query.where(findings.c.resolved_at.is_(None))
        if kind:
            query = query.where(findings.c.kind == kind)
        if severity:
            query = query.where(findings.c.severity == severity)
        with self.db.read() as conn:
            return [_finding(r) for r in conn.execute(query.limit(limit).offset(offset))]

    def count_open(self, *, severity: str | None = None) -> int:
        """How many open findings (of a severity)."""
        query = select(func.count()).select_from(findings).where(findings.c.resolved_at.is_(None))
        if severity:
            query = query.where(findings.c.severity == severity)
        with self.db.read() as conn:
            return int(conn.execute(query).scalar_one())

    def resolve(self, finding_id: int, at: datetime, resolution: str) -> StoredFinding | None:
        """Resolve one finding by hand."""
        with self.db.write() as conn:
            conn.execute(update(findings).where(findings.c.id == finding_id, findings.c.resolved_at.is_(None))
                         .values(resolved_at=at, resolution=resolution[:255]))
            row = conn.execute(select(findings).where(findings.c.id == finding_id)).first()
        return None if row is None else _finding(row)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class SqlHousekeeping:
    """Purge tasks on our tables and on delivered outbox entries (read through the orders tables)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def delivered_outbox(self, before: datetime) -> int:
        """Delete outbox entries delivered before `before` (dead ones stay for an administrator)."""
        with self.db.write() as conn:
            done = outbox.c.state == "done"
            result = conn.execute(outbox.delete().where(done, outbox.c.updated_at < before))
            return int(result.rowcount or 0)

    def job_runs(self, before: datetime) -> int:
        """Delete finished job runs that started before `before`."""
        with self.db.write() as conn:
            result = conn.execute(job_runs.delete().where(job_runs.c.started_at < before,
                                                          job_runs.c.finished_at.is_not(None)))
            return int(result.rowcount or 0)

    def resolved_findings(self, before: datetime) -> int:
        """Delete findings resolved before `before`."""
        with self.db.write() as conn:
            result = conn.execute(findings.delete().where(findings.c.resolved_at < before))
            return int(result.rowcount or 0)

    def stale_scratch(self, before_run_id: int) -> int:
        """Delete scratch rows left by runs that crashed (their ids are below the oldest running run)."""
        with self.db.write() as conn:
            return int(conn.execute(checked.delete().where(checked.c.run_id < before_run_id)).rowcount or 0)

    def oldest_running_run(self) -> int:
        """The lowest id of a run still marked running (or the next id when none is)."""
        with self.db.read() as conn:
            running = conn.execute(
                select(func.min(job_runs.c.id)).where(job_runs.c.outcome == "running")).scalar()
            top = conn.execute(select(func.max(job_runs.c.id))).scalar()
        return int(running if running is not None else (top or 0) + 1)


def _advisory_key(name: str) -> int:
    # a stable signed 64-bit key per job name (Python's hash() differs between processes)
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class SqlRunLock:
    """Keeps a job single across processes: pg_try_advisory_lock on PostgreSQL, a lease row on SQLite."""

    def __init__(self, db: Database, owner: str, lease: timedelta = timedelta(hours=1)) -> None:
        self.db = db
        self.owner = owner
        self.lease = lease

    @contextmanager
    def held(self, name: str, now: datetime) -> Iterator[bool]:
        """Yield whether the lock was taken; it is released when the block ends."""
        if self.db.is_postgres:
            with self._advisory(name) as acquired:
                yield acquired
            return
        acquired = self._take_lease(name, now)
        try:
            yield acquired
        finally:
            if acquired:
                with self.db.write() as conn:
                    conn.execute(job_locks.delete().where(job_locks.c.name == name,
                                                          job_locks.c.owner == self.owner))

    @contextmanager
    def _advisory(self, name: str) -> Iterator[bool]:
        key = _advisory_key(name)
        # session-level lock: it lives as long as this connection, so we hold the connection
        with self.db.engine.connect() as conn:
            acquired = bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar())
            conn.commit()
            try:
                yield acquired
            finally:
                if acquired:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
                    conn.commit()

    def _take_lease(self, name: str, now: datetime) -> bool:
        until = now + self.lease
        with self.db.write() as conn:
            row = conn.execute(select(job_locks).where(job_locks.c.name == name)).first()
            if row is None:
                conn.execute(insert(job_locks).values(name=name, owner=self.owner, lease_until=until))
                return True
            if row.lease_until > now:  # held, by another process or another thread of ours
                return False
            conn.execute(update(job_locks).where(job_locks.c.name == name)
                         .values(owner=self.owner, lease_until=until))
            return True

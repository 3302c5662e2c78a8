"""Scheduled jobs: runs recorded, failures survived, no overlap, housekeeping, admin use cases."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from middleware.errors import InputError, NotFound
from middleware.jobs.scheduler import JobScheduler, JobSpec, min_gap, parse_schedule
from middleware.ports.clock import SystemClock
from middleware.services.job_runs import JobBook
from middleware.store.order_tables import outbox
from middleware.store.reconcile_repo import SqlRunLock, SqlRunLog
from tests.reconcile.conftest import START, FakeErp, erp_order


def test_a_successful_run_is_recorded_with_its_counts(container) -> None:
    container.jobs.register("demo", lambda run_id: {"things": 3})
    run = container.jobs.run("demo")
    [stored] = container.jobs_admin.list_runs("demo")
    assert (run.outcome, stored.outcome, stored.counts) == ("ok", "ok", {"things": 3})
    assert stored.finished_at is not None


def test_a_failing_job_is_recorded_without_raising(container) -> None:
    def boom(run_id: int) -> dict[str, int]:
        raise RuntimeError("database on fire")

    container.jobs.register("boom", boom)
    run = container.jobs.run("boom")
    assert run.outcome == "failed" and run.error == "RuntimeError: database on fire"
    assert container.jobs_admin.list_runs("boom")[0].outcome == "failed"


def test_a_job_held_by_another_process_is_skipped_and_recorded(container) -> None:
    other = SqlRunLock(container.db, "other-host:1")
    container.jobs.register("demo", lambda run_id: {"ran": 1})
    with other.held("demo", container.clock.now()) as acquired:
        assert acquired
        run = container.jobs.run("demo")
    assert run.outcome == "skipped"
    assert container.jobs.run("demo").outcome == "ok"  # released afterwards


def test_an_expired_lease_of_a_crashed_process_is_taken_over(container, clock) -> None:
    if container.db.is_postgres:
        pytest.skip("PostgreSQL uses session advisory locks: a crashed process's lock ends with its session")
    crashed = SqlRunLock(container.db, "crashed:1", lease=timedelta(minutes=5))
    crashed._take_lease("demo", clock.now())
    mine = SqlRunLock(container.db, "me:2")
    with mine.held("demo", clock.now()) as acquired:
        assert not acquired
    with mine.held("demo", clock.now() + timedelta(minutes=6)) as acquired:
        assert acquired


def test_a_scheduled_tick_already_run_by_another_node_is_skipped(container, clock) -> None:
    container.jobs.register("demo", lambda run_id: {"ran": 1})
    assert container.jobs.run("demo", min_gap=timedelta(minutes=7)).outcome == "ok"
    clock.advance(minutes=1)
    skipped = container.jobs.run("demo", min_gap=timedelta(minutes=7))
    assert skipped.outcome == "skipped" and "another node" in (skipped.error or "")
    assert container.jobs.run("demo").outcome == "ok"  # an explicit run is not a tick
    clock.advance(minutes=8)
    assert container.jobs.run("demo", min_gap=timedelta(minutes=7)).outcome == "ok"


def test_half_the_schedule_is_the_gap_that_marks_a_tick_as_done() -> None:
    assert min_gap(parse_schedule("15m")) == timedelta(minutes=7, seconds=30)
    assert min_gap(parse_schedule("0 * * * *")) == timedelta(minutes=30)


@pytest.mark.parametrize(("text", "kind"), [("15m", "interval"), ("900", "interval"), ("1h", "interval"),
                                            ("*/15 * * * *", "cron"), ("off", None)])
def test_schedules_are_intervals_cron_expressions_or_off(text: str, kind: str | None) -> None:
    trigger = parse_schedule(text)
    assert (type(trigger).__module__.rsplit(".", 1)[-1] if trigger else None) == kind


@pytest.mark.parametrize("text", ["soon", "0m", "* * *", "61 * * * *"])
def test_bad_schedules_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_the_scheduler_keeps_running_after_a_job_fails_and_never_overlaps_a_job(container) -> None:
    book = JobBook(SqlRunLog(container.db), SystemClock())  # real time: ticks are real
    calls: list[str] = []
    running = threading.Event()
    overlap: list[bool] = []

    def slow(run_id: int) -> dict[str, int]:
        overlap.append(running.is_set())
        running.set()
        time.sleep(0.25)
        running.clear()
        calls.append("slow")
        return {}

    def failing(run_id: int) -> dict[str, int]:
        calls.append("fail")
        raise ValueError("nope")

    book.register("slow", slow)
    book.register("fail", failing)
    scheduler = JobScheduler(book, [JobSpec("slow", "Slow", "1s"), JobSpec("fail", "Fail", "1s")])
    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (calls.count("fail") < 2 or calls.count("slow") < 2):
            time.sleep(0.05)
        job = scheduler._scheduler.get_job("slow")  # type: ignore[union-attr]
        assert (job.max_instances, job.coalesce) == (1, True)
    finally:
        scheduler.stop()
    assert calls.count("fail") >= 2 and calls.count("slow") >= 2 and not any(overlap)
    outcomes = {r.outcome for r in book.runs.list_runs("fail")}
    assert outcomes == {"failed"}


def test_the_scheduler_lists_jobs_and_runs_one_now(container) -> None:
    container.scheduler.start()
    try:
        names = [j.job_id for j in container.scheduler.jobs()]
        assert names == ["reconcile_orders", "catalog_sync", "price_check", "housekeeping"]
        assert all(j.next_run is not None for j in container.scheduler.jobs())
        assert container.scheduler.run_now("housekeeping") == "housekeeping started"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not container.jobs_admin.list_runs("housekeeping"):
            time.sleep(0.05)
    finally:
        container.scheduler.stop()
    assert container.jobs_admin.list_runs("housekeeping")[0].outcome in {"ok", "running"}


def test_housekeeping_purges_delivered_outbox_entries_past_retention(container, clock) -> None:
    old, recent = clock.now() - timedelta(days=30), clock.now()
    with container.db.write() as conn:
        for subject, state, at in (("A", "done", old), ("B", "done", recent), ("C", "dead", old)):
            conn.execute(outbox.insert().values(kind="erp_order", subject=subject, state=state, attempts=1,
                                                next_attempt_at=at, created_at=at, updated_at=at))
    run = container.jobs.run("housekeeping")
    assert run.outcome == "ok" and run.counts["outbox_delivered"] == 1
    with container.db.read() as conn:
        assert sorted(r.subject for r in conn.execute(outbox.select())) == ["B", "C"]


def test_housekeeping_runs_every_task_even_when_one_fails(container) -> None:
    container.housekeeping.tasks = {"bad": lambda now: 1 // 0, "good": lambda now: 2}
    run = container.jobs.run("housekeeping")
    assert run.outcome == "failed" and run.counts == {"good": 2} and "bad" in (run.error or "")


def test_admin_lists_filters_and_resolves_findings(container, fake_erp: FakeErp) -> None:
    fake_erp.add(erp_order("WEB-404", "SO-1", START))
    container.jobs_admin.run_now("reconcile_orders")
    [finding] = container.jobs_admin.list_findings(kind="orphan_in_erp", severity="warning")
    assert container.jobs_admin.list_findings(severity="critical") == []
    with pytest.raises(InputError):
        container.jobs_admin.list_findings(kind="nonsense")
    resolved = container.jobs_admin.resolve_finding(finding.id, "alice", "known test order")
    assert resolved.resolution == "resolved by alice: known test order"
    assert container.jobs_admin.list_findings() == []
    with pytest.raises(NotFound):
        container.jobs_admin.resolve_finding(9999, "alice")


def test_the_admin_panel_adapter_reports_runs_and_findings(container, fake_erp: FakeErp) -> None:
    fake_erp.add(erp_order("WEB-404", "SO-1", START))
    text = container.reconciliation_admin.run_now()
    assert text.startswith("ok: 1 ERP orders read") and "orphan_in_erp=1" in text
    [run] = container.reconciliation_admin.recent_runs()
    assert run.findings == 1
    [finding] = container.reconciliation_admin.open_findings()
    container.reconciliation_admin.resolve(finding.finding_id, "bob", "")
    assert container.reconciliation_admin.open_findings() == []


def test_housekeeping_asks_the_connector_to_clean_up_and_counts_what_is_left(container, fake_erp: FakeErp,
                                                                             monkeypatch) -> None:
    asked: list[int] = []

    def leftovers() -> int:  # a NAV connector with two sales quotes it could not delete yet
        asked.append(1)
        return 2

    monkeypatch.setattr(fake_erp, "housekeeping", leftovers)
    run = container.jobs.run("housekeeping")
    assert asked == [1] and run.counts["erp_leftovers"] == 2

"""Order reconciliation on a fake ERP: drift found once, repaired where promised, resolved when gone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from middleware.domain.orders import OrderStatus as S
from middleware.errors import ErpUnavailable
from middleware.store.order_tables import outbox
from tests.reconcile.conftest import START, FakeErp, add_local_order, erp_order, local_status


def reconcile(c, **kwargs):  # type: ignore[no-untyped-def]
    run_id = c.jobs.runs.start_run("reconcile_orders", c.clock.now())
    report = c.reconciler.run(run_id, **kwargs)
    c.jobs.runs.finish_run(run_id, c.clock.now(), "ok", report.counts())
    return report


def open_findings(c, kind=None):  # type: ignore[no-untyped-def]
    return c.findings.list_findings(kind=kind)


def test_matching_orders_give_no_findings_across_many_pages(container, fake_erp: FakeErp) -> None:
    for i in range(10):
        add_local_order(container, f"WEB-{i}", S.ACCEPTED, START, erp_no=f"SO-{i}")
        fake_erp.add(erp_order(f"WEB-{i}", f"SO-{i}", START))
    report = reconcile(container)
    assert report.erp_orders == 10 and report.pages == 4
    assert open_findings(container) == []


def test_a_missing_order_is_a_critical_finding_and_never_requeued(container, fake_erp: FakeErp, clock):  # type: ignore[no-untyped-def]
    add_local_order(container, "WEB-1", S.INVOICED, START, erp_no="SO-1")
    report = reconcile(container)
    assert fake_erp.lookups("WEB-1")  # GetSalesOrder confirmed it before calling it missing
    assert report.by_kind["missing_in_erp"] == 1 and report.repaired == 0
    assert local_status(container, "WEB-1") is S.INVOICED
    with container.db.read() as conn:
        assert conn.execute(outbox.select().where(outbox.c.subject == "WEB-1")).all() == []
    clock.advance(minutes=15)
    reconcile(container)
    [finding] = open_findings(container, "missing_in_erp")
    assert finding.first_seen == START and finding.severity == "critical"
    assert "SO-1" in finding.message and "invoiced" in finding.message and "not re-sent" in finding.message


def test_a_missing_finding_is_resolved_once_the_erp_has_the_order(container, fake_erp: FakeErp, clock):  # type: ignore[no-untyped-def]
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    reconcile(container)
    fake_erp.add(erp_order("WEB-1", "SO-2", clock.now()))
    clock.advance(minutes=15)
    report = reconcile(container)
    assert report.resolved == 1
    assert open_findings(container, "missing_in_erp") == []
    [resolved] = container.findings.list_findings(open_only=False, kind="missing_in_erp")
    assert resolved.resolved_at == START + timedelta(minutes=15)


def test_a_duplicate_in_the_erp_is_critical(container, fake_erp: FakeErp) -> None:
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    fake_erp.add(erp_order("WEB-1", "SO-1", START))
    for i in range(4):  # the copy lands on another page
        fake_erp.add(erp_order(f"X-{i}", f"SO-X{i}", START + timedelta(seconds=1), order_number=None))
    fake_erp.add(erp_order("WEB-1", "SO-9", START + timedelta(seconds=2)))
    reconcile(container)
    [finding] = open_findings(container, "duplicate_in_erp")
    assert finding.severity == "critical" and finding.detail["erp_order_numbers"] == ["SO-1", "SO-9"]
    assert container.findings.count_open(severity="critical") == 1


def test_an_orphan_is_reported_and_erp_only_orders_are_ignored(container, fake_erp: FakeErp) -> None:
    fake_erp.add(erp_order("WEB-404", "SO-1", START))
    fake_erp.add(erp_order("", "SO-2", START, order_number=None))
    reconcile(container)
    [finding] = open_findings(container)
    assert finding.kind == "orphan_in_erp" and finding.subject == "WEB-404"


def test_totals_beyond_tolerance_are_reported_with_the_likely_cause(container, fake_erp: FakeErp) -> None:
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    fake_erp.add(erp_order("WEB-1", "SO-1", START, invoice_discount=Decimal("5.00"), net=Decimal("95.00"),
                           tax=Decimal("18.05"), gross=Decimal("113.05")))
    reconcile(container)
    [finding] = open_findings(container, "totals_differ")
    assert finding.detail["likely_cause"] == "invoice_discount"


def test_altered_lines_are_reported(container, fake_erp: FakeErp) -> None:
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    order = erp_order("WEB-1", "SO-1", START)
    lines = (order.lines[0].__class__(**{**{f: getattr(order.lines[0], f) for f in order.lines[0].__slots__},
                                         "quantity": Decimal(70)}), order.lines[1])
    fake_erp.add(erp_order("WEB-1", "SO-1", START, lines=lines))
    reconcile(container)
    [finding] = open_findings(container, "lines_differ")
    assert finding.detail["problems"][0]["problem"] == "quantity"


def test_shipped_in_the_erp_is_applied_and_the_reverse_is_reported(container, fake_erp: FakeErp) -> None:
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    add_local_order(container, "WEB-2", S.SHIPPED, START, erp_no="SO-2")
    fake_erp.add(erp_order("WEB-1", "SO-1", START, status=S.SHIPPED, tracking_no="TRK1"))
    fake_erp.add(erp_order("WEB-2", "SO-2", START, status=S.RELEASED))
    report = reconcile(container)
    assert local_status(container, "WEB-1") is S.SHIPPED and report.repaired == 1
    assert local_status(container, "WEB-2") is S.SHIPPED
    drift = {f.subject: f for f in open_findings(container, "status_drift")}
    assert drift["WEB-1"].repair == "apply_status" and drift["WEB-2"].detail["direction"] == "local_ahead"
    reconcile(container)  # the applied drift is gone; the reported one stays, once
    assert [f.subject for f in open_findings(container, "status_drift")] == ["WEB-2"]


def test_orders_stuck_past_their_threshold_are_reported(container, fake_erp: FakeErp, clock) -> None:
    add_local_order(container, "WEB-1", S.SUBMIT_UNKNOWN, START - timedelta(hours=2))
    add_local_order(container, "WEB-2", S.SUBMIT_UNKNOWN, START - timedelta(minutes=5))
    reconcile(container)
    assert [f.subject for f in open_findings(container, "stuck")] == ["WEB-1"]


def test_a_stuck_finding_resolves_when_the_order_moves_on(container, fake_erp: FakeErp, clock) -> None:
    add_local_order(container, "WEB-1", S.SUBMIT_UNKNOWN, START - timedelta(hours=2))
    reconcile(container)
    fake_erp.add(erp_order("WEB-1", "SO-1", clock.now()))
    clock.advance(minutes=1)
    reconcile(container)  # the ERP has it: status applied, no longer stuck
    assert local_status(container, "WEB-1") is S.ACCEPTED
    assert open_findings(container, "stuck") == []


def test_a_dry_run_records_and_repairs_nothing(container, fake_erp: FakeErp) -> None:
    add_local_order(container, "WEB-1", S.ACCEPTED, START, erp_no="SO-1")
    fake_erp.add(erp_order("WEB-404", "SO-9", START))
    report = reconcile(container, dry_run=True)
    assert report.by_kind == {"missing_in_erp": 1, "orphan_in_erp": 1}
    assert open_findings(container) == [] and local_status(container, "WEB-1") is S.ACCEPTED
    assert [f.kind.value for f in report.sample] == ["orphan_in_erp", "missing_in_erp"]


def test_orders_outside_the_window_are_not_rechecked(container, fake_erp: FakeErp, clock) -> None:
    add_local_order(container, "WEB-OLD", S.ACCEPTED, START - timedelta(days=5), erp_no="SO-1")
    reconcile(container)
    assert not fake_erp.lookups("WEB-OLD")
    reconcile(container, since=START - timedelta(days=6))
    assert fake_erp.lookups("WEB-OLD")


def test_the_scratch_list_is_emptied_after_a_failed_run(container, fake_erp: FakeErp) -> None:
    from middleware.store.reconcile_tables import checked

    fake_erp.add(erp_order("WEB-404", "SO-9", START))
    fake_erp.fail_with = ErpUnavailable("connection refused")
    run = container.jobs.run("reconcile_orders")
    assert run.outcome == "failed" and "connection refused" in (run.error or "")
    with container.db.read() as conn:
        assert conn.execute(checked.select()).all() == []

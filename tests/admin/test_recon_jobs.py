"""Reconciliation and scheduler panels with their buttons."""

from __future__ import annotations

from typing import Any

from middleware.domain.reconcile import Finding, FindingKind, Severity

from .conftest import ADMIN_USER, page_token


def _finding(container: Any, subject: str = "WEB-900001") -> str:
    run_id = container.jobs.runs.start_run("reconcile_orders", container.clock.now())
    container.findings.record(
        "reconcile_orders",
        run_id,
        [
            Finding(
                FindingKind.MISSING_IN_ERP, Severity.CRITICAL, subject, "accepted here, unknown to the ERP"
            )
        ],
        container.clock.now(),
    )
    container.jobs.runs.finish_run(run_id, container.clock.now(), "ok", {"kind.missing_in_erp": 1})
    return container.reconciliation_admin.open_findings()[0].finding_id


def test_open_findings_show_by_kind_and_severity(admin_client: Any, container: Any) -> None:
    _finding(container)
    html = admin_client.get("/admin/panel/recon").get_data(as_text=True)
    assert "missing in erp · critical: 1" in html and "WEB-900001" in html
    assert "unknown to the ERP" in html


def test_resolving_a_finding_removes_it_and_records_who(admin_client: Any, container: Any) -> None:
    finding_id = _finding(container)
    response = admin_client.post(
        f"/admin/findings/{finding_id}/resolve",
        data={"csrf_token": page_token(admin_client), "note": "created by hand"},
    )
    assert response.status_code == 302
    assert container.reconciliation_admin.open_findings() == []
    action = container.audit.recent("admin")[0]
    assert (action.action, action.actor, action.outcome) == ("resolve_finding", ADMIN_USER, "done")


def test_resolving_a_malformed_finding_id_is_explained(admin_client: Any) -> None:
    form = {"csrf_token": page_token(admin_client), "note": "x"}
    admin_client.post("/admin/findings/abc/resolve", data=form)
    assert "finding id must be a number" in admin_client.get("/admin/").get_data(as_text=True)


def test_the_scheduler_panel_lists_jobs_and_runs_one_now(admin_client: Any, container: Any) -> None:
    html = admin_client.get("/admin/panel/jobs").get_data(as_text=True)
    assert "Order reconciliation" in html and "Housekeeping" in html
    admin_client.post("/admin/jobs/housekeeping/run", data={"csrf_token": page_token(admin_client)})
    assert container.audit.recent("admin")[0].action == "run_job"
    html = admin_client.get("/admin/panel/jobs").get_data(as_text=True)
    assert "never" in html  # the other jobs
    assert "ago" in html  # housekeeping ran


def test_running_an_unknown_job_is_not_possible(admin_client: Any) -> None:
    admin_client.post("/admin/jobs/nope/run", data={"csrf_token": page_token(admin_client)})
    assert "Not possible: job" in admin_client.get("/admin/").get_data(as_text=True)

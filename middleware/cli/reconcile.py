"""`reconcile [--since ISO-DATE] [--dry-run]` and `sync`: run a job once with a progress bar and a summary."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..config import Settings
from ..services import reconcile as reconcile_service
from ..services.reconcile import ReconcileReport
from ..wiring import Container, build_container
from ..wiring.reconcile import CATALOG_SYNC, sync_counts

SHOWN_FINDINGS = 25
LOCKED = "another run holds the lock"


def _since(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `reconcile` and `sync` commands."""
    parser = subparsers.add_parser("reconcile", help="compare ERP and our orders once")
    parser.add_argument("--since", type=_since, metavar="ISO-DATE",
                        help="start of the window (default: now - reconcile_window_hours - overlap)")
    parser.add_argument("--dry-run", action="store_true", help="repair nothing and store no findings")
    parser.set_defaults(func=run_reconcile)
    sync = subparsers.add_parser("sync", help="mirror the ERP's items and customers once")
    sync.set_defaults(func=run_sync)


@contextmanager
def _progress(console: Console, what: str) -> Iterator[Any]:
    # the ERP does not say how many orders a window holds: an open-ended bar with a running count
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed} read"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(what, total=None)
        yield lambda n: progress.advance(task, n)


def run_reconcile(args: argparse.Namespace, container: Container | None = None) -> int:
    """Run the order reconciliation once; exit 1 when a critical finding is open, 3 when the run failed."""
    c = container or build_container(Settings.from_env())
    console = Console()
    reports: list[ReconcileReport] = []
    try:
        with _progress(console, "reading ERP orders") as advance:
            def job(run_id: int) -> dict[str, int]:
                report = c.reconciler.run(run_id, since=args.since, dry_run=args.dry_run, progress=advance)
                reports.append(report)
                return report.counts()

            run = c.jobs.run(reconcile_service.JOB, job)
        if run.outcome != "ok" or not reports:
            console.print(f"[red]reconciliation {run.outcome}[/red]: {run.error or LOCKED}")
            return 3
        report = reports[0]
        _print_report(console, report)
        critical = (report.by_severity["critical"] if args.dry_run
                    else reconcile_service.critical_open(c.findings))
        if critical:
            console.print(f"[bold red]{critical} critical finding(s) open[/bold red]")
            return 1
        return 0
    finally:
        if container is None:
            c.close()


def _print_report(console: Console, report: ReconcileReport) -> None:
    mode = " (dry run: nothing stored or repaired)" if report.dry_run else ""
    console.print(f"window since {report.since.isoformat()}: {report.erp_orders} ERP orders in "
                  f"{report.pages} page(s), {report.rechecked} rechecked with GetSalesOrder{mode}")
    summary = Table(title="Findings by kind")
    for column in ("kind", "found", "critical", "warning", "info"):
        summary.add_column(column, justify="left" if column == "kind" else "right")
    for kind, count in sorted(report.by_kind.items()):
        sev = [report.by_kind_severity[(kind, s)] for s in ("critical", "warning", "info")]
        summary.add_row(kind, str(count), *map(str, sev))
    if not report.by_kind:
        summary.add_row("(no drift)", "0", "0", "0", "0")
    console.print(summary)
    if report.sample:
        detail = Table(title=f"Findings (first {min(len(report.sample), SHOWN_FINDINGS)})")
        for column in ("severity", "kind", "subject", "message"):
            detail.add_column(column)
        for f in report.sample[:SHOWN_FINDINGS]:
            detail.add_row(f.severity.value, f.kind.value, f.subject, f.message)
        console.print(detail)
    if not report.dry_run:
        console.print(f"stored: {report.new} new, {report.updated} updated, {report.resolved} resolved; "
                      f"repaired {report.repaired}, repair failures {report.repair_failures}")


def run_sync(args: argparse.Namespace, container: Container | None = None) -> int:
    """Mirror the ERP's catalog once; exit 1 when records were rejected, 3 when the run failed."""
    c = container or build_container(Settings.from_env())
    console = Console()
    try:
        with _progress(console, "reading ERP items and customers") as advance:
            seen = {"products": 0, "customers": 0}

            def progress(what: str, count: int) -> None:
                advance(count - seen.get(what, 0))
                seen[what] = count

            def job(run_id: int) -> dict[str, int]:
                return sync_counts(c.catalog.sync_from_erp(progress=progress))

            run = c.jobs.run(CATALOG_SYNC, job)
        if run.outcome != "ok":
            console.print(f"[red]catalog sync {run.outcome}[/red]: {run.error or LOCKED}")
            return 3
        table = Table(title="Catalog sync")
        table.add_column("count")
        table.add_column("value", justify="right")
        for name, value in run.counts.items():
            table.add_row(name, str(value))
        console.print(table)
        rejected = run.counts.get("products_rejected", 0) + run.counts.get("customers_rejected", 0)
        return 1 if rejected else 0
    finally:
        if container is None:
            c.close()

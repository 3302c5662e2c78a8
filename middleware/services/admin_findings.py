"""The findings page: filter and page open findings, resolve many with one note, ignore other channels."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.reconcile import FindingKind, Severity
from ..errors import InputError
from ..ports.clock import Clock
from ..ports.findings import FindingPage, FindingQueries, IgnoreRule
from .admin_audit import AdminAudit
from .admin_orders import need

PAGE_SIZE = 50
KINDS = tuple(k.value for k in FindingKind)
SEVERITIES = tuple(s.value for s in Severity)


def _filters(kind: str | None, severity: str | None) -> tuple[str | None, str | None]:
    if kind and kind not in KINDS:
        raise InputError(f"unknown finding kind {kind!r}", "kind")
    if severity and severity not in SEVERITIES:
        raise InputError(f"unknown severity {severity!r}", "severity")
    return kind or None, severity or None


class FindingDesk:
    """Reads and acts on open findings; every action is audited with its note."""

    def __init__(self, audit: AdminAudit, clock: Clock, queries: FindingQueries | None = None) -> None:
        self.audit = audit
        self.clock = clock
        self.queries = queries

    def page(self, kind: str | None, severity: str | None, page: int = 1) -> FindingPage:
        """One page of open findings (PAGE_SIZE each) matching the filters."""
        queries = need(self.queries, "findings")
        kind, severity = _filters(kind, severity)
        return queries.page(kind, severity, (max(page, 1) - 1) * PAGE_SIZE, PAGE_SIZE)

    def counts(self) -> dict[tuple[str, str], int]:
        """True open counts by (kind, severity)."""
        return need(self.queries, "findings").open_counts()

    def resolve(self, ids: Sequence[str], actor: str, note: str) -> str:
        """Resolve the chosen findings with one note."""
        queries = need(self.queries, "resolve findings")
        numbers = [int(i) for i in ids if i.isdigit()][:500]
        if not numbers:
            raise InputError("choose at least one finding", "ids")
        resolution = f"resolved by {actor}: {note}"
        run = lambda: f"{queries.resolve(numbers, self.clock.now(), resolution)} finding(s) resolved"  # noqa: E731
        return self.audit.act(actor, "resolve_findings", None, run, note=note, ids=numbers[:50])

    def resolve_matching(self, kind: str | None, severity: str | None, actor: str, note: str) -> str:
        """Resolve every open finding that matches the filters, with one note."""
        queries = need(self.queries, "resolve findings")
        kind, severity = _filters(kind, severity)
        resolution = f"resolved by {actor}: {note}"

        def run() -> str:
            count = queries.resolve_matching(kind, severity, self.clock.now(), resolution)
            return f"{count} finding(s) resolved"

        detail = {"note": note, "kind": kind, "severity": severity}
        return self.audit.act(actor, "resolve_all_findings", None, run, **detail)

    def rules(self) -> list[IgnoreRule]:
        """The ignore rules."""
        return need(self.queries, "ignore rules").rules()

    def add_rule(self, kind: str, subject_prefix: str, actor: str, note: str) -> str:
        """Ignore findings of a kind whose subject starts with a prefix (another channel's orders)."""
        queries = need(self.queries, "ignore rules")
        checked, _ = _filters(kind, None)
        prefix = subject_prefix.strip()
        if not checked or not prefix or len(prefix) > 64:
            raise InputError("a kind and a subject prefix of 1..64 characters are needed", "subject_prefix")

        def run() -> str:
            rule = queries.add_rule(kind, prefix, note, actor, self.clock.now())
            return f"ignoring {rule.kind} for {rule.subject_prefix}*"

        return self.audit.act(actor, "add_ignore_rule", f"rule:{kind}:{prefix}", run, note=note)

    def delete_rule(self, rule_id: str, actor: str, note: str = "") -> str:
        """Stop ignoring."""
        queries = need(self.queries, "ignore rules")

        def run() -> str:
            if not rule_id.isdigit() or not queries.delete_rule(int(rule_id)):
                raise InputError(f"no ignore rule {rule_id!r}", "rule")
            return "rule removed"

        return self.audit.act(actor, "delete_ignore_rule", f"rule:{rule_id}", run, note=note)

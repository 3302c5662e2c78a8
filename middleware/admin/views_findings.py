"""The findings page: filter by kind and severity, page through, resolve many with a note, ignore rules."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from ..services.admin_findings import KINDS, SEVERITIES
from . import admin
from .views import _actor, _int_arg, _run_with_note, service


@admin.get("/findings")
def findings_page() -> Any:
    """Open findings with true counts, filters and paging."""
    kind, severity = request.args.get("kind", "")[:32], request.args.get("severity", "")[:16]
    desk = service().findings
    page = desk.page(kind, severity, _int_arg("page", 1))
    return render_template(
        "admin/findings.html", page=page, counts=desk.counts(), rules=desk.rules(), kind=kind,
        severity=severity, kinds=KINDS, severities=SEVERITIES, page_no=_int_arg("page", 1),
    )


@admin.post("/findings/resolve")
def resolve_findings() -> Any:
    """Resolve the ticked findings, or every one matching the filters, with one note."""
    desk = service().findings
    if request.form.get("scope") == "matching":
        kind, severity = request.form.get("kind", "")[:32], request.form.get("severity", "")[:16]
        return _run_with_note(lambda who, note: desk.resolve_matching(kind, severity, who, note), _actor())
    ids = request.form.getlist("ids")[:500]
    return _run_with_note(lambda actor, note: desk.resolve(ids, actor, note), _actor())


@admin.post("/findings/rules")
def add_ignore_rule() -> Any:
    """Ignore findings of a kind whose subject starts with a prefix."""
    kind, prefix = request.form.get("kind", "")[:32], request.form.get("subject_prefix", "")[:64]
    return _run_with_note(lambda who, note: service().findings.add_rule(kind, prefix, who, note), _actor())


@admin.post("/findings/rules/<rule_id>/delete")
def delete_ignore_rule(rule_id: str) -> Any:
    """Stop ignoring."""
    return _run_with_note(lambda actor, note: service().findings.delete_rule(rule_id, actor, note), _actor())

"""Reconciliation findings as the admin pages them, counts them and ignores other channels' orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .admin import OpenFinding


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    """Findings of `kind` whose subject starts with `subject_prefix` are not ours (e.g. a POS channel)."""

    rule_id: int
    kind: str
    subject_prefix: str
    note: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FindingPage:
    """One page of open findings and how many match in all."""

    items: list[OpenFinding]
    total: int
    offset: int
    limit: int


class FindingQueries(Protocol):
    """Open findings, not capped: counts by kind and severity, pages, bulk resolve, ignore rules."""

    def open_counts(self) -> dict[tuple[str, str], int]:
        """Open findings by (kind, severity), ignored ones left out."""
        ...

    def page(self, kind: str | None, severity: str | None, offset: int, limit: int) -> FindingPage:
        """Open findings matching the filters, most recently seen first."""
        ...

    def resolve(self, ids: list[int], at: datetime, resolution: str) -> int:
        """Resolve the open findings with these ids; returns how many."""
        ...

    def resolve_matching(self, kind: str | None, severity: str | None, at: datetime, resolution: str) -> int:
        """Resolve every open (not ignored) finding matching the filters; returns how many."""
        ...

    def rules(self) -> list[IgnoreRule]:
        """Every ignore rule."""
        ...

    def add_rule(self, kind: str, subject_prefix: str, note: str, actor: str, at: datetime) -> IgnoreRule:
        """Store a rule."""
        ...

    def delete_rule(self, rule_id: int) -> bool:
        """Remove a rule; False if there was none."""
        ...

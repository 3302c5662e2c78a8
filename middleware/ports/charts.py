"""Hourly series over the last day for the admin's charts (store.chart_queries implements it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: a value per hour (None where nothing is known)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A titled chart of hourly series sharing one unit."""

    title: str
    unit: str
    hours: tuple[datetime, ...]
    series: tuple[Series, ...]


class ChartQueries(Protocol):
    """Hourly facts from the database (all nodes)."""

    def order_flow(self, hours: tuple[datetime, ...]) -> dict[str, list[float]]:
        """Orders received / accepted / failed per hour (`hours` are the hours' starts)."""
        ...

    def queue_depth(self, hours: tuple[datetime, ...]) -> list[float]:
        """Orders received but not yet in the ERP at the end of each hour."""
        ...

    def open_findings(self, hours: tuple[datetime, ...]) -> list[float]:
        """Open findings at the end of each hour."""
        ...

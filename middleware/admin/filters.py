"""Jinja filters for times, durations and ratios."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from ..domain.orders import OrderStatus, is_awaiting_delivery
from ..services.orders import RETRYABLE_BY_HAND
from . import admin


@admin.app_template_filter("dt")
def format_datetime(value: datetime | None) -> str:
    """UTC timestamp to the second, or a dash."""
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@admin.app_template_filter("ago")
def ago(value: datetime | None) -> str:
    """'3 min ago' style relative time."""
    if value is None:
        return "never"
    return f"{age((datetime.now(UTC) - value).total_seconds())} ago"


@admin.app_template_filter("age")
def age(seconds: float | None) -> str:
    """A duration in the largest sensible unit."""
    if seconds is None:
        return "-"
    seconds = max(0.0, seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


@admin.app_template_filter("ms")
def milliseconds(value: float | None) -> str:
    """Milliseconds, one decimal below 10."""
    if value is None:
        return "-"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


@admin.app_template_filter("pct")
def percent(value: float | None) -> str:
    """A ratio as a percentage."""
    return "-" if value is None else f"{value * 100:.1f} %"


WARN_STATES = frozenset(
    {"received", "submitting", "on_hold", "half_open", "pending", "running", "partial", "retrying"}
)


@admin.app_template_filter("status_class")
def status_class(value: Any) -> str:
    """CSS class for an order status or outcome."""
    text = str(getattr(value, "value", value) or "")
    if text in {"accepted", "released", "shipped", "invoiced", "ok", "done", "closed", "success"}:
        return "good"
    if text in WARN_STATES:
        return "warn"
    if text:
        return "bad"
    return ""


@admin.app_template_filter("detail")
def detail_value(value: Any) -> str:
    """An event detail value: lists and mappings as readable text rather than Python reprs."""
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {detail_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(detail_value(v) for v in value)
    return str(value)


RETRYABLE = frozenset(s.value for s in OrderStatus if s in RETRYABLE_BY_HAND or is_awaiting_delivery(s))


@admin.app_template_filter("can_retry")
def can_retry(status: Any) -> bool:
    """Whether a retry can work for an order in this status (the pages offer Retry only then)."""
    return str(getattr(status, "value", status)) in RETRYABLE


CHART_W, CHART_H = 600, 160


@admin.app_template_filter("chart_top")
def chart_top(chart: Any) -> float:
    """A round upper bound for the y axis of a chart."""
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(top))) - 1)
    return float(((int(top) // magnitude) + 1) * magnitude)


@admin.app_template_filter("svg_points")
def svg_points(values: Any, top: float) -> str:
    """Polyline points for hourly values on the chart's canvas (gaps for unknown hours are skipped)."""
    step = CHART_W / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{CHART_H - (v / top) * CHART_H:.1f}" for i, v in enumerate(values) if v is not None
    )


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True,
                            huge_tree=False)


def _pretty_one(text: str) -> str:
    try:
        return etree.tostring(etree.fromstring(text.strip().encode(), _SAFE_XML), pretty_print=True,
                              encoding="unicode").rstrip()
    except (etree.XMLSyntaxError, ValueError):  # truncated or not XML: show it as it came
        return text


@admin.app_template_filter("pretty_xml")
def pretty_xml(body: str | None) -> str:
    """SOAP envelopes indented (a request and its answer are separated by a blank line); others as is."""
    if not body:
        return ""
    return "\n\n".join(_pretty_one(part) for part in re.split(r"\n\n(?=<)", body))

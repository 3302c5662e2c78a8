"""Latency histograms: which bucket a duration falls in, and percentiles read back from bucket counts."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence


def bucket_of(bounds_ms: Sequence[float], duration_ms: float) -> int:
    """Index of the first bucket whose upper bound holds the duration (len(bounds) = open-ended)."""
    return bisect_left(bounds_ms, duration_ms)


def percentile_ms(bounds_ms: Sequence[float], counts: Sequence[int], q: float) -> float | None:
    """The upper bound of the bucket holding the q-quantile (the open bucket reports the last bound)."""
    total = sum(counts)
    if not total:
        return None
    wanted, seen = q * total, 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= wanted and count:
            return float(bounds_ms[min(index, len(bounds_ms) - 1)])
    return float(bounds_ms[-1])

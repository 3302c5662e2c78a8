"""Fault injection (latency, busy errors, outage, timeout after commit) and call statistics."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class FaultConfig:
    """What to inject; operations empty means every SOAP operation."""

    latency_ms: int = 0
    error_rate: float = 0.0
    outage: bool = False
    timeout_after_commit_rate: float = 0.0
    hang_seconds: float = 30.0
    seed: int | None = None
    operations: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any], base: FaultConfig | None = None) -> FaultConfig:
        """Merge JSON fields over base (or defaults); unknown fields or bad ranges raise ValueError."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        cfg = cls(**{**asdict(base or cls()), **data})
        cfg.latency_ms, cfg.hang_seconds = int(cfg.latency_ms), float(cfg.hang_seconds)
        cfg.error_rate, cfg.timeout_after_commit_rate = (
            float(cfg.error_rate),
            float(cfg.timeout_after_commit_rate),
        )
        cfg.outage, cfg.operations = bool(cfg.outage), [str(op) for op in cfg.operations]
        cfg.seed = None if cfg.seed is None else int(cfg.seed)
        for rate in (cfg.error_rate, cfg.timeout_after_commit_rate):
            if not 0.0 <= rate <= 1.0:
                raise ValueError("rates must be between 0 and 1")
        if cfg.latency_ms < 0 or cfg.hang_seconds < 0:
            raise ValueError("latency_ms and hang_seconds must not be negative")
        return cfg


class FaultInjector:
    """Decides, thread-safely and reproducibly (seed), which calls fail and how."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._lock = threading.Lock()
        self.commit_operations = frozenset(
            {"CreateSalesOrder"}
        )  # a dialect names its own order-creating call
        self.set(FaultConfig())

    def set(self, cfg: FaultConfig) -> None:
        """Replace the configuration and reseed the random generator."""
        with self._lock:
            self.config = cfg
            self._rng = random.Random(cfg.seed)

    def _applies(self, op: str) -> bool:
        return not self.config.operations or op in self.config.operations

    def before(self, op: str) -> tuple[float, str | None]:
        """(latency seconds, 'outage' | 'busy' | None) for a call about to run."""
        with self._lock:
            cfg = self.config
            if not self._applies(op):
                return 0.0, None
            latency = cfg.latency_ms / 1000.0
            if cfg.outage:
                return latency, "outage"
            if cfg.error_rate and self._rng.random() < cfg.error_rate:
                return latency, "busy"
            return latency, None

    def hang_after_commit(self, op: str) -> float:
        """Seconds to stall a successful order-creating response after its commit (0 = none)."""
        with self._lock:
            cfg = self.config
            if op not in self.commit_operations or not self._applies(op) or not cfg.timeout_after_commit_rate:
                return 0.0
            return cfg.hang_seconds if self._rng.random() < cfg.timeout_after_commit_rate else 0.0


class Stats:
    """Calls, faults and injected failures per operation."""

    def __init__(self) -> None:
        """Start at zero."""
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._ops: dict[str, dict[str, int]] = defaultdict(
                lambda: {"calls": 0, "faults": 0, "injected": 0}
            )

    def count(self, op: str, kind: str = "calls") -> None:
        """Increment one counter of an operation."""
        with self._lock:
            self._ops[op][kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready copy: {"operations": {op: {...}}, "total_calls": n}."""
        with self._lock:
            ops = {k: dict(v) for k, v in sorted(self._ops.items())}
        return {"operations": ops, "total_calls": sum(v["calls"] for v in ops.values())}

"""Wires concrete adapters and services together: the one place that knows them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import Settings
from .ports.clock import Clock, SystemClock
from .ports.erp import Erp
from .store.db import Database


class Background(Protocol):
    """A background component (delivery worker, scheduler) started with the process."""

    def start(self) -> None:
        """Start its threads."""
        ...

    def stop(self) -> None:
        """Stop its threads and wait for them."""
        ...


@dataclass
class Container:
    """The wired objects of one process."""

    settings: Settings
    clock: Clock
    db: Database
    erp: Erp
    extras: dict[str, Any] = field(default_factory=dict)
    # Components that `start_background()` starts (web process in the demo, or `run.py worker`).
    background: list[Background] = field(default_factory=list)

    def start_background(self) -> None:
        """Start every background component."""
        for component in self.background:
            component.start()

    def stop_background(self) -> None:
        """Stop background components in reverse order."""
        for component in reversed(self.background):
            component.stop()

    def close(self) -> None:
        """Release connections and threads."""
        self.stop_background()
        closer = getattr(self.erp, "close", None)
        if closer is not None:
            closer()
        self.db.dispose()


def build_container(
    settings: Settings,
    *,
    erp: Erp | None = None,
    clock: Clock | None = None,
    create_schema: bool = False,
) -> Container:
    """Build every service for `settings`; tests pass a fake ERP or clock."""
    db = Database(settings.database_url)
    if create_schema:
        db.create_all()
    if erp is None:
        from .soap.erp_client import ZeepErp

        erp = ZeepErp.from_settings(settings)
    return Container(settings=settings, clock=clock or SystemClock(), db=db, erp=erp)

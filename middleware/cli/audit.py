"""CLI actions in the admin audit log, beside the admin page's (who: `cli:<name>`)."""

from __future__ import annotations

import getpass
from typing import Any


def cli_actor(name: str | None = None) -> str:
    """`cli:<name>`, or `cli:<operating-system user>` when no name was given."""
    if not name or name == "cli":
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry for the uid (containers)
            name = "unknown"
    return f"cli:{name}"[:64]


def record(container: Any, actor: str, action: str, subject: str | None, outcome: str, **detail: Any) -> None:
    """Write one CLI action to the audit log."""
    container.admin.audit.record(actor, action, subject, outcome, **detail)

"""Admin sessions the server holds, so signing out ends a session everywhere (a cookie alone cannot)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

SESSION_LIFETIME = timedelta(hours=8)  # an admin signs in again after this, also without signing out


class AdminSessions(Protocol):
    """Open, check and revoke admin sessions by their random id."""

    def open(self, sid: str, username: str, now: datetime) -> None:
        """Record a new session for `username`."""
        ...

    def active(self, sid: str, now: datetime) -> bool:
        """Whether the session exists, has not expired and was not revoked."""
        ...

    def revoke(self, sid: str, now: datetime) -> None:
        """End the session."""
        ...

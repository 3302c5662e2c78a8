"""Admin sessions held on the server: signing out ends a session on every node, whatever the cookie says."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Column, String, Table, delete, insert, select, update

from .column_types import UtcDateTime
from .db import Database, metadata

admin_sessions = Table(
    "admin_sessions",
    metadata,
    # the SHA-256 of the session id: the table alone lets nobody forge a session
    Column("sid_hash", String(64), primary_key=True),
    Column("username", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("revoked_at", UtcDateTime),
)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


class SqlAdminSessions:
    """Open, check and revoke admin sessions (ports.admin_sessions.AdminSessions)."""

    def __init__(self, db: Database, lifetime: timedelta) -> None:
        self.db = db
        self.lifetime = lifetime

    def open(self, sid: str, username: str, now: datetime) -> None:
        """Record a new session; expired ones are purged on the way."""
        row = {"sid_hash": _hash(sid), "username": username, "created_at": now,
               "expires_at": now + self.lifetime}
        with self.db.write() as conn:
            conn.execute(delete(admin_sessions).where(admin_sessions.c.expires_at <= now))
            conn.execute(insert(admin_sessions).values(row))

    def active(self, sid: str, now: datetime) -> bool:
        """Whether the session exists, has not expired and was not revoked."""
        query = select(admin_sessions.c.sid_hash).where(
            admin_sessions.c.sid_hash == _hash(sid),
            admin_sessions.c.expires_at > now,
            admin_sessions.c.revoked_at.is_(None),
        )
        with self.db.read() as conn:
            return conn.execute(query).first() is not None

    def revoke(self, sid: str, now: datetime) -> None:
        """End the session (sign-out): its cookie is worthless from now on, on every node."""
        with self.db.write() as conn:
            conn.execute(
                update(admin_sessions).where(admin_sessions.c.sid_hash == _hash(sid)).values(revoked_at=now)
            )

"""The transactional outbox: leased claims (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from ..ports.orders import OutboxEntry
from .order_tables import outbox

PENDING, DONE, DEAD = "pending", "done", "dead"
_INSERT = insert(outbox)


def _free(now: datetime):  # type: ignore[no-untyped-def]
    return or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now)


class SqlOutbox:
    """Outbox entries inside one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def enqueue(self, kind: str, subject: str, at: datetime, payload: str | None = None) -> None:
        """Add a pending entry due now."""
        values = {
            "kind": kind,
            "subject": subject,
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": at,
            "payload": payload,
            "created_at": at,
            "updated_at": at,
        }
        self.conn.execute(_INSERT, values)

    def claim(
        self, kinds: Sequence[str], owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[OutboxEntry]:
        """Lease up to `limit` due entries whose lease is free or expired."""
        query = (
            select(outbox.c.id)
            .where(
                outbox.c.state == PENDING,
                outbox.c.kind.in_(kinds),
                outbox.c.next_attempt_at <= now,
                _free(now),
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            # several worker processes claim concurrently: each skips rows another one has locked
            query = query.with_for_update(skip_locked=True)
        ids = list(self.conn.execute(query).scalars())
        if not ids:
            return []
        # the conditional update is the fence: only rows still free get our lease
        self.conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.state == PENDING, _free(now))
            .values(
                lease_owner=owner, lease_until=lease_until, attempts=outbox.c.attempts + 1, updated_at=now
            )
        )
        rows = self.conn.execute(
            select(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.lease_owner == owner)
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
        )
        return [
            OutboxEntry(r.id, r.kind, r.subject, r.attempts, r.created_at, owner, r.payload, r.last_error)
            for r in rows
        ]

    def _held(self, entry_id: int, owner: str):  # type: ignore[no-untyped-def]
        return and_(outbox.c.id == entry_id, outbox.c.lease_owner == owner, outbox.c.state == PENDING)

    def complete(self, entry_id: int, owner: str, now: datetime) -> bool:
        """Mark done if `owner` still holds the lease."""
        result = self.conn.execute(
            update(outbox)
            .where(self._held(entry_id, owner))
            .values(state=DONE, lease_owner=None, lease_until=None, updated_at=now)
        )
        return result.rowcount == 1

    def complete_subject(self, kind: str, subject: str, now: datetime) -> None:
        """Mark the subject's pending entry done, whoever holds it."""
        self.conn.execute(
            update(outbox)
            .where(outbox.c.kind == kind, outbox.c.subject == subject, outbox.c.state == PENDING)
            .values(state=DONE, lease_owner=None, lease_until=None, updated_at=now)
        )

    def reschedule(self, entry_id: int, owner: str, due: datetime, error: str) -> bool:
        """Release the lease and retry at `due`."""
        result = self.conn.execute(
            update(outbox)
            .where(self._held(entry_id, owner))
            .values(
                next_attempt_at=due,
                lease_owner=None,
                lease_until=None,
                last_error=error[:2000],
                updated_at=due,
            )
        )
        return result.rowcount == 1

    def give_up(self, entry_id: int, owner: str, now: datetime, error: str) -> bool:
        """Stop retrying if `owner` still holds the lease."""
        result = self.conn.execute(
            update(outbox)
            .where(self._held(entry_id, owner))
            .values(state=DEAD, lease_owner=None, lease_until=None, last_error=error[:2000], updated_at=now)
        )
        return result.rowcount == 1

    def requeue(self, kind: str, subject: str, now: datetime) -> None:
        """Make the subject's entry pending and due now, creating it if needed."""
        result = self.conn.execute(
            update(outbox)
            .where(outbox.c.kind == kind, outbox.c.subject == subject)
            .values(state=PENDING, next_attempt_at=now, created_at=now, updated_at=now)
        )
        if result.rowcount == 0:
            self.enqueue(kind, subject, now)

    def _leased_by(self, owner_prefix: str):  # type: ignore[no-untyped-def]
        return and_(outbox.c.state == PENDING, outbox.c.lease_owner.startswith(owner_prefix, autoescape=True))

    def renew(self, owner_prefix: str, until: datetime, now: datetime) -> int:
        """Extend every pending lease held under a token starting with `owner_prefix`."""
        result = self.conn.execute(
            update(outbox).where(self._leased_by(owner_prefix)).values(lease_until=until, updated_at=now)
        )
        return int(result.rowcount)

    def release(self, owner_prefix: str, ids: Sequence[int] | None, now: datetime) -> int:
        """Hand back the leases held under `owner_prefix` (only those of `ids`, if given): due at once."""
        held = self._leased_by(owner_prefix)
        if ids is not None:
            held = and_(held, outbox.c.id.in_(list(ids)))
        result = self.conn.execute(
            update(outbox).where(held).values(lease_owner=None, lease_until=None, updated_at=now)
        )
        return int(result.rowcount)

    def wake(self, kinds: Sequence[str], now: datetime, limit: int | None = None) -> int:
        """Make deferred (backed-off, unleased) entries due now, the earliest `limit` of them or all."""
        deferred = and_(
            outbox.c.state == PENDING, outbox.c.kind.in_(kinds), outbox.c.next_attempt_at > now,
            outbox.c.lease_until.is_(None),
        )
        if limit is not None:
            earliest = select(outbox.c.id).where(deferred).order_by(outbox.c.next_attempt_at).limit(limit)
            deferred = outbox.c.id.in_(list(self.conn.execute(earliest).scalars()))
        result = self.conn.execute(update(outbox).where(deferred).values(next_attempt_at=now))
        return int(result.rowcount)

    def next_due(self, kinds: Sequence[str]) -> datetime | None:
        """When the earliest pending entry falls due, or its lease ends (a dead worker's entries free up)."""
        leased_longer = outbox.c.lease_until > outbox.c.next_attempt_at
        due = case((leased_longer, outbox.c.lease_until), else_=outbox.c.next_attempt_at)
        return self.conn.execute(
            select(func.min(due)).where(outbox.c.state == PENDING, outbox.c.kind.in_(kinds))
        ).scalar_one()

    def pending_count(self, kinds: Sequence[str]) -> int:
        """How many entries are not yet done or dead."""
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.state == PENDING, outbox.c.kind.in_(kinds))
            ).scalar_one()
        )

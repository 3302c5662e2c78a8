"""Webhook endpoints (ports.webhooks.WebhookEndpoints) and delivery facts read from the outbox."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, or_, select, update

from ..domain.webhooks import WebhookEndpoint
from ..ports.orders import KIND_WEBHOOK
from ..ports.webhooks import KIND_WEBHOOK_DELIVERY, EndpointHealth, FailedDelivery
from .audit_tables import as_utc
from .db import Database
from .order_tables import outbox
from .outbox import DEAD, DONE, PENDING
from .webhook_tables import webhook_endpoints as endpoints_table


def _endpoint(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(row.endpoint_id, row.url, tuple(row.event_types.split()), row.secret,
                           as_utc(row.created_at), row.description or "")


class SqlWebhookEndpoints:
    """Endpoints in their own table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, endpoint: WebhookEndpoint) -> None:
        """Store a new endpoint."""
        with self.db.write() as conn:
            values = {"endpoint_id": endpoint.endpoint_id, "url": endpoint.url, "secret": endpoint.secret,
                      "event_types": " ".join(endpoint.event_types), "description": endpoint.description,
                      "created_at": endpoint.created_at}
            conn.execute(insert(endpoints_table).values(**values))

    def list(self) -> list[WebhookEndpoint]:
        """Every endpoint, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(select(endpoints_table).order_by(endpoints_table.c.created_at)).all()
        return [_endpoint(r) for r in rows]

    def get(self, endpoint_id: str) -> WebhookEndpoint | None:
        """One endpoint, or None."""
        with self.db.read() as conn:
            row = conn.execute(
                select(endpoints_table).where(endpoints_table.c.endpoint_id == endpoint_id)
            ).first()
        return _endpoint(row) if row else None

    def delete(self, endpoint_id: str) -> bool:
        """Remove an endpoint."""
        with self.db.write() as conn:
            result = conn.execute(delete(endpoints_table).where(endpoints_table.c.endpoint_id == endpoint_id))
        return result.rowcount == 1


def _prefix(prefix: str) -> Any:
    # subjects use hex keys and ids only, so the prefix holds no LIKE wildcards
    return outbox.c.subject.startswith(prefix, autoescape=True)


def _failed(row: Any) -> FailedDelivery:
    event = json.loads(row.payload or "{}")
    return FailedDelivery(
        row.subject, row.subject.split(":", 1)[0], event.get("type", ""),
        (event.get("data") or {}).get("order_number"), row.state, int(row.attempts), row.last_error,
        row.created_at, as_utc(row.next_attempt_at) if row.state == PENDING else None,
    )


class SqlWebhookDeliveries:
    """Webhook rows of the outbox, as the waiting rule and the admin page need them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def earlier_pending(self, kind: str, prefix: str, created_at: datetime, entry_id: int) -> bool:
        """Whether an older pending entry of `kind` has a subject starting with `prefix`."""
        older = or_(outbox.c.created_at < created_at,
                    and_(outbox.c.created_at == created_at, outbox.c.id < entry_id))
        query = select(outbox.c.id).where(
            outbox.c.kind == kind, outbox.c.state == PENDING, _prefix(prefix), older
        ).limit(1)
        with self.db.read() as conn:
            return conn.execute(query).first() is not None

    def health(self) -> list[EndpointHealth]:
        """Per-endpoint counts, last success and next attempt (endpoint id = subject's first part)."""
        endpoint = func.substr(outbox.c.subject, 1, func.instr(outbox.c.subject, ":") - 1) \
            if self.db.is_sqlite else func.split_part(outbox.c.subject, ":", 1)
        count = lambda state: func.sum(case((outbox.c.state == state, 1), else_=0))  # noqa: E731
        query = (
            select(
                endpoint.label("endpoint_id"), count(DONE).label("done"), count(PENDING).label("pending"),
                count(DEAD).label("dead"),
                func.max(case((outbox.c.state == DONE, outbox.c.updated_at))).label("last_success"),
                func.min(case((outbox.c.state == PENDING, outbox.c.next_attempt_at))).label("next_attempt"),
            )
            .where(outbox.c.kind == KIND_WEBHOOK_DELIVERY)
            .group_by(endpoint)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
            errors = dict(conn.execute(
                select(endpoint, outbox.c.last_error)
                .where(outbox.c.kind == KIND_WEBHOOK_DELIVERY, outbox.c.last_error.is_not(None))
                .order_by(outbox.c.updated_at)
            ).all())
        return [
            EndpointHealth(r.endpoint_id, int(r.done or 0), int(r.pending or 0), int(r.dead or 0),
                           as_utc(r.last_success), as_utc(r.next_attempt), errors.get(r.endpoint_id))
            for r in rows
        ]

    def failures(self, limit: int = 50) -> list[FailedDelivery]:
        """Given-up deliveries and pending ones that have failed at least once, newest first."""
        query = (
            select(outbox)
            .where(outbox.c.kind == KIND_WEBHOOK_DELIVERY,
                   or_(outbox.c.state == DEAD,
                       and_(outbox.c.state == PENDING, outbox.c.last_error.is_not(None))))
            .order_by(outbox.c.updated_at.desc())
            .limit(limit)
        )
        with self.db.read() as conn:
            return [_failed(r) for r in conn.execute(query).all()]

    def replay(self, subject: str, now: datetime) -> bool:
        """Make one delivery pending and due now."""
        return self._requeue(outbox.c.subject == subject, now) == 1

    def replay_failed(self, now: datetime) -> int:
        """Make every given-up delivery pending and due now."""
        return self._requeue(outbox.c.state == DEAD, now)

    def _requeue(self, which: Any, now: datetime) -> int:
        with self.db.write() as conn:
            result = conn.execute(
                update(outbox)
                .where(outbox.c.kind == KIND_WEBHOOK_DELIVERY, which)
                .values(state=PENDING, next_attempt_at=now, attempts=0, lease_owner=None, lease_until=None,
                        updated_at=now)
            )
        return int(result.rowcount)

    def pending_count(self) -> int:
        """Events and deliveries not yet done or given up."""
        with self.db.read() as conn:
            return int(conn.execute(
                select(func.count()).select_from(outbox).where(
                    outbox.c.kind.in_([KIND_WEBHOOK, KIND_WEBHOOK_DELIVERY]), outbox.c.state == PENDING)
            ).scalar_one())

"""`manage.py erp_send_orders`: resend orders queued while the middleware was unreachable (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...transfer import send_due


class Command(BaseCommand):
    help = "Send every queued order that is due to the middleware (POST /api/v1/orders, idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_due()
        self.stdout.write(", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "nothing due")

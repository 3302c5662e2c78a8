"""`manage.py erp_sync_catalog`: products and options from the middleware into Oscar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...catalog_sync import sync_catalog
from ...client import MiddlewareRejected, MiddlewareUnavailable


class Command(BaseCommand):
    help = "Sync products and their options from the middleware (GET /api/v1/products) into Oscar."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = sync_catalog()
        except (MiddlewareUnavailable, MiddlewareRejected) as exc:
            raise CommandError(f"middleware: {exc}") from exc
        self.stdout.write(
            f"products: {report.created} created, {report.updated} updated, {report.hidden} hidden"
        )

"""The webhooks page: per-endpoint delivery health, failed deliveries, replay one or all failed."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from . import admin
from .views import _actor, _note, _run, service


@admin.get("/webhooks")
def webhooks_page() -> Any:
    """Endpoints with last success, failures and next attempt; the failed deliveries."""
    return render_template("admin/webhooks.html", overview=service().webhooks.overview())


@admin.post("/webhooks/replay")
def replay_webhook() -> Any:
    """Send one delivery again."""
    return _run(service().webhooks.replay, request.form.get("subject", "")[:200], _actor(), _note())


@admin.post("/webhooks/replay-failed")
def replay_failed_webhooks() -> Any:
    """Send every given-up delivery again."""
    return _run(service().webhooks.replay_failed, _actor(), _note())

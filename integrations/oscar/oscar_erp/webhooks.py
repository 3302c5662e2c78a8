"""The webhook view: the middleware's signed status events move the Oscar order."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .client import MiddlewareRejected, MiddlewareUnavailable, shared_client
from .conf import erp_settings
from .models import OrderTransfer
from .status import move_order

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_MIDDLEWARE_SIGNATURE"
TOLERANCE_SECONDS = 300


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, compared in constant time, at most 5 min old."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if not secret or abs((now or time.time()) - stamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _details(event: dict[str, Any]) -> dict[str, str]:
    """Tracking number and reason: from the event, else from the middleware's order history."""
    found = {"tracking_no": str(event.get("tracking_no") or ""), "reason": str(event.get("reason") or "")}
    if found["tracking_no"] or event.get("status") not in ("shipped", "rejected"):
        return found
    try:
        order = shared_client().order(event["order_number"])
    except (MiddlewareUnavailable, MiddlewareRejected):
        return found
    for entry in order.get("history", []):
        detail = entry.get("detail") or {}
        found["tracking_no"] = str(detail.get("tracking_no") or found["tracking_no"])
    found["reason"] = found["reason"] or str(order.get("last_error") or "")
    return found


@csrf_exempt
@require_POST
def status_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, then apply; an unknown order is acknowledged (it is not ours) so the middleware stops."""
    body = request.body
    if not verify(erp_settings().webhook_secret, request.META.get(SIGNATURE_HEADER, ""), body):
        return JsonResponse({"detail": "bad signature"}, status=401)
    try:
        event = json.loads(body)
        number, status = str(event["order_number"]), str(event["status"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "not a status event"}, status=400)
    transfer = OrderTransfer.objects.filter(idempotency_key=number).select_related("order").first()
    if transfer is None:
        return JsonResponse({"ignored": number})
    details = _details(event)
    transfer.middleware_status = status
    transfer.erp_order_number = str(event.get("erp_order_number") or transfer.erp_order_number)
    transfer.tracking_no = details["tracking_no"] or transfer.tracking_no
    transfer.save()
    moved = move_order(
        transfer.order,
        status,
        reason=details["reason"],
        tracking_no=transfer.tracking_no,
        erp_no=transfer.erp_order_number,
    )
    return JsonResponse({"order": transfer.order.number, "status": transfer.order.status, "moved": moved})

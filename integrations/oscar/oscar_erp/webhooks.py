"""The webhook view: the middleware's signed status events move the Oscar order."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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


@csrf_exempt
@require_POST
def status_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, then apply; an unknown order is acknowledged (it is not ours) so the middleware stops."""
    body = request.body
    if not verify(erp_settings().webhook_secret, request.META.get(SIGNATURE_HEADER, ""), body):
        return JsonResponse({"detail": "bad signature"}, status=401)
    try:
        event = json.loads(body)
        if event.get("type") == "webhook.test":
            return JsonResponse({"test": True})
        data = event["data"]
        number, status = str(data["order_number"]), str(data["status"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"detail": "not a status event"}, status=400)
    transfer = OrderTransfer.objects.filter(idempotency_key=number).select_related("order").first()
    if transfer is None:
        return JsonResponse({"ignored": number})
    transfer.middleware_status = status
    transfer.erp_order_number = str(data.get("erp_order_number") or transfer.erp_order_number)
    transfer.tracking_no = str(data.get("tracking_number") or transfer.tracking_no)
    transfer.save()
    moved = move_order(
        transfer.order,
        status,
        reason=str(data.get("reason") or ""),
        tracking_no=transfer.tracking_no,
        erp_no=transfer.erp_order_number,
    )
    return JsonResponse({"order": transfer.order.number, "status": transfer.order.status, "moved": moved})

"""What the plugin keeps in Oscar's database: customer mapping, mirrored option rules, queued orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerLink(models.Model):
    """An Oscar user priced and ordered as an ERP customer (the middleware's `customer_id`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erp_link")
    customer_id = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.user} -> {self.customer_id}"


class ErpProduct(models.Model):
    """The middleware's product record behind an Oscar product: sku and option rules, as last synced."""

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="erp")
    sku = models.CharField(max_length=64, unique=True)
    options = models.JSONField(default=list)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.sku


class OrderTransfer(models.Model):
    """An Oscar order on its way to the middleware: queued in the same database, sent until acknowledged."""

    PENDING, SENT, REFUSED = "pending", "sent", "refused"
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="erp_transfer")
    customer_id = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64, unique=True)
    body = models.JSONField(null=True)  # frozen at the first attempt that could quote it: retries resend it
    state = models.CharField(max_length=16, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    middleware_status = models.CharField(max_length=32, blank=True, default="")
    erp_order_number = models.CharField(max_length=64, blank=True, default="")
    tracking_no = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.order.number}: {self.state}"

"""The plugin's records in Django's admin: customer mapping, synced option rules, order transfers."""

from __future__ import annotations

from django.contrib import admin

from .models import CustomerLink, ErpProduct, OrderTransfer


@admin.register(CustomerLink)
class CustomerLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "customer_id")
    search_fields = ("user__email", "customer_id")


@admin.register(ErpProduct)
class ErpProductAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("sku", "product", "synced_at")
    search_fields = ("sku",)
    readonly_fields = ("sku", "product", "options", "synced_at")


@admin.register(OrderTransfer)
class OrderTransferAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("order", "state", "middleware_status", "erp_order_number", "attempts", "last_error")
    list_filter = ("state", "middleware_status")
    search_fields = ("order__number", "erp_order_number", "tracking_no")
    readonly_fields = (
        "order",
        "idempotency_key",
        "body",
        "attempts",
        "middleware_status",
        "erp_order_number",
    )

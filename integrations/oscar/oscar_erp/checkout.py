"""The checkout hook: every new Oscar order is queued for the middleware in its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from .customers import customer_id_for
from .transfer import queue, send

Order = get_model("order", "Order")


@receiver(post_save, sender=Order, dispatch_uid="oscar_erp.queue_order")
def queue_new_order(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Oscar creates the order inside a transaction: the queue row commits with it, the send follows."""
    if not created or kwargs.get("raw"):
        return
    transfer = queue(instance, customer_id_for(instance.user))
    transaction.on_commit(lambda: send(transfer))

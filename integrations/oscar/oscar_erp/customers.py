"""Which ERP customer an Oscar user is priced and ordered as."""

from __future__ import annotations

from typing import Any

from .conf import erp_settings


def customer_id_for(user: Any) -> str:
    """The mapped customer of a signed-in user; guests and unmapped users get the generic customer."""
    from .models import CustomerLink

    if user is not None and getattr(user, "is_authenticated", False):
        link = CustomerLink.objects.filter(user=user).first()
        if link is not None:
            return link.customer_id
    return erp_settings().guest_customer_id

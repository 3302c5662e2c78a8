"""The plugin's settings: one dict `OSCAR_ERP` in the Django settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ErpSettings:
    """What the plugin needs to reach the middleware and map customers."""

    url: str
    api_key: str
    currency: str = "EUR"
    guest_customer_id: str = "B2C"  # the generic ERP customer whose prices guests see
    webhook_secret: str = ""
    timeout: float = 5.0
    retry_seconds: float = 30.0  # how long a queued order waits before the next attempt


def erp_settings() -> ErpSettings:
    """The `OSCAR_ERP` settings, validated."""
    raw = dict(getattr(settings, "OSCAR_ERP", {}))
    missing = [key for key in ("URL", "API_KEY") if not raw.get(key)]
    if missing:
        raise ImproperlyConfigured(f"OSCAR_ERP needs {', '.join(missing)}")
    return ErpSettings(
        url=str(raw["URL"]).rstrip("/"),
        api_key=str(raw["API_KEY"]),
        currency=str(raw.get("CURRENCY", "EUR")),
        guest_customer_id=str(raw.get("GUEST_CUSTOMER_ID", "B2C")),
        webhook_secret=str(raw.get("WEBHOOK_SECRET", "")),
        timeout=float(raw.get("TIMEOUT", 5.0)),
        retry_seconds=float(raw.get("RETRY_SECONDS", 30.0)),
    )

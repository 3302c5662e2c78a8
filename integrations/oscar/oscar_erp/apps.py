"""The plugin's Django app."""

from __future__ import annotations

from django.apps import AppConfig


class OscarErpConfig(AppConfig):
    """Models, templates, management commands and the checkout hook of the plugin."""

    name = "oscar_erp"
    label = "oscar_erp"
    verbose_name = "ERP middleware"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checkout  # noqa: F401  (connects the post_checkout receiver)

"""The demo shop's own app (its set-up command)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "oscar_erp.demo"
    label = "oscar_erp_demo"

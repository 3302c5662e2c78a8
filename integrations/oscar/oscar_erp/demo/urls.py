"""The demo shop's URLs: Oscar plus the plugin."""

from django.apps import apps
from django.urls import include, path

urlpatterns = [
    path("erp/", include("oscar_erp.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

"""The demo shop's URLs: Oscar, the plugin, and Django's admin (customer mapping, order transfers)."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("erp/", include("oscar_erp.urls")),
    path("django-admin/", admin.site.urls),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

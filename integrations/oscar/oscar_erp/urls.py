"""The plugin's URLs: include them under a prefix, e.g. path("erp/", include("oscar_erp.urls"))."""

from django.urls import path

from .configurator import configure
from .webhooks import status_webhook

app_name = "oscar_erp"
urlpatterns = [
    path("configure/<int:pk>/", configure, name="configure"),
    path("webhook/", status_webhook, name="webhook"),
]

"""A small Oscar shop on SQLite wired to the middleware: `python run.py shop-demo` and tests/oscar use it.

Every value comes from the environment (OSCAR_ERP_*), so the same settings serve the demo and the tests.
"""

from __future__ import annotations

import os
from pathlib import Path

from oscar.defaults import *  # noqa: F403

DATA_DIR = Path(os.environ.get("OSCAR_DEMO_DATA_DIR", "var/shop"))
SECRET_KEY = os.environ.get("OSCAR_DEMO_SECRET_KEY", "shop-demo-only-not-secret")
DEBUG = os.environ.get("OSCAR_DEMO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "oscar_erp.demo.urls"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-gb"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "shop.sqlite3"),
        "OPTIONS": {"timeout": 20},
    }
}

INSTALLED_APPS = [
    "oscar_erp",  # first: its templates override Oscar's stock record partial
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar_erp.partner.apps.PartnerConfig",  # Oscar's partner app with the ERP pricing strategy
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "oscar_erp.demo",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
]
MIGRATION_MODULES = {"partner": "oscar.apps.partner.migrations"}  # the fork keeps Oscar's models

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "oscar_erp.middleware.PrefetchErpPrices",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ]
        },
    }
]
AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Oscar browses through Haystack; Whoosh is pure Python (the `oscar` extra installs it for this demo)
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(DATA_DIR / "whoosh_index"),
    }
}
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = str(DATA_DIR / "media")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OSCAR_THUMBNAILER = "oscar_erp.demo.thumbnails.NoThumbnails"
OSCAR_DEFAULT_CURRENCY = "EUR"
OSCAR_PRODUCTS_PER_PAGE = 48
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    status: ()
    for status in (
        "Pending",
        "Awaiting ERP",
        "Sent to ERP",
        "Accepted",
        "On hold",
        "Shipped",
        "Complete",
        "Cancelled",
        "Rejected",
    )
}
OSCAR_ERP = {
    "URL": os.environ.get("OSCAR_ERP_URL", "http://127.0.0.1:8000"),
    "API_KEY": os.environ.get("OSCAR_ERP_API_KEY", "demo-shop-key"),
    "CURRENCY": "EUR",
    "GUEST_CUSTOMER_ID": os.environ.get("OSCAR_ERP_GUEST_CUSTOMER", "B2C"),
    "WEBHOOK_SECRET": os.environ.get("OSCAR_ERP_WEBHOOK_SECRET", ""),
    "TIMEOUT": float(os.environ.get("OSCAR_ERP_TIMEOUT", "5")),
    "RETRY_SECONDS": float(os.environ.get("OSCAR_ERP_RETRY_SECONDS", "30")),
}

"""`manage.py erp_demo_setup`: the demo site, a shipping country, the catalogue and two mapped accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from oscar.core.loading import get_model

from oscar_erp.catalog_sync import sync_catalog
from oscar_erp.models import CustomerLink

Country = get_model("address", "Country")
ACCOUNTS = (
    ("buyer@example.com", "buyer-demo-pass", "C10000", "B2B buyer (Ada Coffee Roasters GmbH)"),
    ("consumer@example.com", "consumer-demo-pass", "B2C", "consumer (the B2C customer)"),
)


class Command(BaseCommand):
    help = (
        "Prepare the demo shop: site, Germany as shipping country, products from the middleware, two users."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--domain", default="127.0.0.1:8002")

    def handle(self, *args: Any, **options: Any) -> None:
        Site.objects.update_or_create(pk=1, defaults={"domain": options["domain"], "name": "ERP demo shop"})
        Country.objects.update_or_create(
            iso_3166_1_a2="DE",
            defaults={
                "iso_3166_1_a3": "DEU",
                "iso_3166_1_numeric": "276",
                "printable_name": "Germany",
                "name": "Germany",
                "is_shipping_country": True,
            },
        )
        report = sync_catalog()
        self.stdout.write(f"catalogue: {report.created} created, {report.updated} updated")
        users = get_user_model()
        for email, password, customer_id, who in ACCOUNTS:
            user = users.objects.filter(email=email).first() or users(username=email[:30], email=email)
            user.set_password(password)
            user.save()
            CustomerLink.objects.update_or_create(user=user, defaults={"customer_id": customer_id})
            self.stdout.write(f"account: {email} / {password} -> {customer_id} ({who})")

"""Products and their options from the middleware's `GET /api/v1/products` into Oscar's catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model

from .client import MiddlewareClient, shared_client

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Option = get_model("catalogue", "Option")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
AttributeOption = get_model("catalogue", "AttributeOption")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

PRODUCT_CLASS = "ERP item"
PARTNER = "ERP"


@dataclass
class SyncReport:
    """What a sync did."""

    created: int = 0
    updated: int = 0
    hidden: int = 0


def oscar_option_code(sku: str, code: str) -> str:
    """Oscar's option codes are global; ours are per product."""
    return slugify(f"erp-{sku}-{code}")[:128]


def _option(sku: str, meta: dict[str, Any]) -> Any:
    code = oscar_option_code(sku, meta["code"])
    kind = Option.SELECT if meta["kind"] == "select" else Option.TEXT
    group = None
    if kind == Option.SELECT:
        group, _ = AttributeOptionGroup.objects.get_or_create(name=code)
        wanted = [v["code"] for v in meta["values"]]
        group.options.exclude(option__in=wanted).delete()
        for value in wanted:
            AttributeOption.objects.get_or_create(
                group=group, option=value, defaults={"code": f"{code}-{value}"}
            )
    limit = f" (at most {meta['max_length']} characters)" if meta.get("max_length") else ""
    option, _ = Option.objects.update_or_create(
        code=code,
        defaults={
            "name": meta["label"],
            "type": kind,
            "required": meta["required"],
            "option_group": group,
            "help_text": f"{meta['label']}{limit}"[:255],
        },
    )
    return option


def _product(item: dict[str, Any], product_class: Any, partner: Any) -> tuple[Any, bool]:
    from .models import ErpProduct

    erp = ErpProduct.objects.filter(sku=item["sku"]).select_related("product").first()
    product = erp.product if erp else Product(product_class=product_class, structure=Product.STANDALONE)
    product.title = item["name"]
    product.upc = item["sku"]
    product.is_public = item["active"] and not item["blocked"]
    product.save()
    product.product_options.set([_option(item["sku"], o) for o in item["options"]])
    price = None if item["list_price"] is None else Decimal(item["list_price"])
    StockRecord.objects.update_or_create(
        product=product,
        partner=partner,
        defaults={
            "partner_sku": item["sku"],
            "price": price,
            "price_currency": item["currency"],
            "num_in_stock": None,
        },
    )
    options = [{**o, "oscar_code": oscar_option_code(item["sku"], o["code"])} for o in item["options"]]
    ErpProduct.objects.update_or_create(
        product=product, defaults={"sku": item["sku"], "options": options, "synced_at": timezone.now()}
    )
    return product, erp is None


def sync_catalog(client: MiddlewareClient | None = None) -> SyncReport:
    """Create or update an Oscar product per middleware product; products gone from the mirror are hidden."""
    from .models import ErpProduct

    client = client or shared_client()
    items = list(client.products())
    report = SyncReport()
    with transaction.atomic():
        product_class, _ = ProductClass.objects.get_or_create(
            name=PRODUCT_CLASS, defaults={"requires_shipping": True, "track_stock": False}
        )
        partner, _ = Partner.objects.get_or_create(name=PARTNER)
        for item in items:
            _, created = _product(item, product_class, partner)
            report.created += int(created)
            report.updated += int(not created)
        gone = ErpProduct.objects.exclude(sku__in=[i["sku"] for i in items]).values_list(
            "product_id", flat=True
        )
        report.hidden = Product.objects.filter(pk__in=list(gone), is_public=True).update(is_public=False)
    return report

"""The Catalog tab: products and options as mirrored from the ERP, and a configurator preview."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request

from ..domain.catalog import Product
from ..domain.configuration import Configuration
from ..errors import ErpError, InputError, MiddlewareError, NotFound
from ..services.configurator import ConfiguratorService
from . import admin
from .views import _actor, service

PAGE = 50


def _catalog() -> Any:
    return current_app.extensions["middleware"].catalog


@admin.get("/catalog")
def catalog_page() -> Any:
    """The mirrored products, paged, with their options and when the ERP last changed them."""
    try:
        offset = max(0, int(request.args.get("offset", "0")))
    except ValueError:
        offset = 0
    products, total = _catalog().list_products(offset, PAGE)
    return render_template("admin/catalog.html", products=products, total=total, offset=offset, page=PAGE)


def _selections(product: Product) -> dict[str, str]:
    """The option fields of the preview form that were filled in."""
    chosen = {o.code: request.form.get(f"opt_{o.code}", "")[:500] for o in product.options}
    return {code: value for code, value in chosen.items() if value != ""}


def _preview(product: Product) -> dict[str, Any]:
    customer_id = request.form.get("customer_id", "").strip()[:64]
    try:
        quantity = int(request.form.get("quantity", "1"))
        configuration = Configuration.of(_selections(product))
    except ValueError:
        raise InputError("quantity must be a whole number", "quantity") from None
    if not customer_id:
        raise InputError("a customer is required", "customer_id")
    container = current_app.extensions["middleware"]
    configurator = ConfiguratorService(container.catalog, container.prices)
    out: dict[str, Any] = {"validation": configurator.validate(product.sku, configuration)}
    if out["validation"].problems:
        return out
    currency = container.catalog.customer(customer_id).currency
    out["live"] = service().operations.explore_price(
        customer_id, product.sku, quantity, configuration.as_dict(), actor=_actor()
    )
    out["preview"] = configurator.preview(customer_id, currency, product.sku, quantity, configuration)
    return out


@admin.route("/catalog/<path:sku>", methods=["GET", "POST"])
def catalog_product(sku: str) -> Any:
    """One product: options, values, provenance; POST runs the configurator preview for a customer."""
    product = _catalog().get_product(sku[:64])
    result: dict[str, Any] = {}
    error, status = None, 200
    if request.method == "POST":
        try:
            result = _preview(product)
        except (InputError, NotFound) as exc:
            error, status = exc.message, 400 if isinstance(exc, InputError) else 404
        except ErpError as exc:
            error, status = f"The ERP could not answer: {exc.message}", 502
        except MiddlewareError as exc:
            error, status = exc.message, 503
    return render_template("admin/catalog_product.html", product=product, form=request.form, error=error,
                           **result), status

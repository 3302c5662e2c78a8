"""GET /api/v1/products and /api/v1/products/{sku}: the catalog mirror."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import Response, current_app, jsonify, request
from pydantic import BaseModel, Field

from ..domain.catalog import Product, ProductOption
from ..domain.money import format_amount
from ..errors import InputError
from . import api
from .openapi import Problem, documented

MAX_LIMIT = 500
Amount = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["12.00"])]


class OptionValueOut(BaseModel):
    """One choice of a select option; `sort_order` is its position as the ERP lists it (0 first)."""

    code: str = Field(examples=["gold"])
    label: str = Field(examples=["Gold"])
    sort_order: int = Field(examples=[2])


class ProductOptionOut(BaseModel):
    """A configurable option with every constraint the ERP states.

    A select option accepts only the codes in `values`; a text option at most `max_length` characters
    (null: the ERP states no limit); a `required` option must be given with a non-empty value.
    `default` is what a configurator preselects (null: none stated).
    """

    code: str = Field(examples=["engraving"])
    label: str = Field(examples=["Engraving text"])
    kind: Literal["select", "text"]
    required: bool
    values: list[OptionValueOut]
    max_length: int | None = Field(default=None, examples=[30])
    default: str | None = Field(default=None, examples=[None])


class ProductOut(BaseModel):
    """A product of the catalog mirror; `list_price` is null when the ERP has none (price on request)."""

    sku: str
    name: str
    unit: str
    list_price: Amount | None
    currency: str
    tax_class: str
    blocked: bool
    active: bool
    options: list[ProductOptionOut]


class ProductPage(BaseModel):
    """A page of active products, ordered by sku."""

    items: list[ProductOut]
    offset: int
    limit: int
    total: int


def option_to_wire(o: ProductOption) -> ProductOptionOut:
    """The wire form of an option; values keep the ERP's order."""
    return ProductOptionOut(
        code=o.code, label=o.label, kind=o.kind.value, required=o.required, max_length=o.max_length,
        default=o.default,
        values=[OptionValueOut(code=v.code, label=v.label, sort_order=n) for n, v in enumerate(o.values)],
    )


def product_to_wire(p: Product) -> ProductOut:
    """The wire form of a product."""
    return ProductOut(
        sku=p.sku, name=p.name, unit=p.unit,
        list_price=None if p.list_price is None else format_amount(p.list_price),
        currency=p.currency, tax_class=p.tax_class, blocked=p.blocked, active=p.active,
        options=[option_to_wire(o) for o in p.options],
    )


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}", field=name)
    return int(raw)


COMMON = {401: ("Missing or wrong API key", Problem)}


@api.get("/products")
@documented(
    "get", "/products", summary="List the catalog mirror (paged)", tags=("products",),
    responses={200: ("A page of products", ProductPage), 422: ("Bad paging parameter", Problem), **COMMON},
    query={"offset": "Items to skip (default 0)", "limit": f"Page size 1..{MAX_LIMIT} (default 100)"},
)
def list_products() -> Response:
    """A page of active products."""
    offset = _int_arg("offset", 0, 0, 10**9)
    limit = _int_arg("limit", 100, 1, MAX_LIMIT)
    products, total = current_app.extensions["middleware"].catalog.list_products(offset, limit)
    page = ProductPage(items=[product_to_wire(p) for p in products], offset=offset, limit=limit, total=total)
    return jsonify(page.model_dump(mode="json"))


@api.get("/products/<path:sku>")
@documented(
    "get", "/products/{sku}", summary="One product with its configurable options", tags=("products",),
    responses={200: ("The product", ProductOut), 404: ("Unknown sku", Problem), **COMMON},
)
def get_product(sku: str) -> Response:
    """The product by sku."""
    product = current_app.extensions["middleware"].catalog.get_product(sku)
    return jsonify(product_to_wire(product).model_dump(mode="json"))

"""Translation between the SOAP catalog messages (ERP names) and domain values."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ...domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from ...errors import InputError
from . import types as t


def check_count(items: Sequence[Any] | None, field: str, limit: int = t.MAX_ITEMS) -> list[Any]:
    """The list (None means empty); InputError naming the field when it is too long."""
    items = list(items or [])
    if len(items) > limit:
        raise InputError(f"{field}: at most {limit} entries per call, got {len(items)}", field=field)
    return items


def _text(value: str | None) -> str:
    return (value or "").strip()


def _option(option: t.ItemOption) -> ProductOption:
    values = tuple(
        OptionValue(code=_text(v.Code), label=_text(v.Label) or _text(v.Code))
        for v in (option.Values or [])
    )
    kind = OptionKind(option.Kind)
    if kind is OptionKind.SELECT and not values:
        raise ValueError(f"option {option.Code!r} of kind select needs Values")
    default = _text(option.DefaultValue) or None
    if default is not None and kind is OptionKind.SELECT and default not in {v.code for v in values}:
        raise ValueError(f"option {option.Code!r}: DefaultValue {default!r} is not one of its Values")
    return ProductOption(
        code=_text(option.Code),
        label=_text(option.Label) or _text(option.Code),
        kind=kind,
        required=bool(option.Required),
        values=values,
        max_length=option.MaxLength,
        default=default,
    )


def to_product(item: t.Item) -> Product:
    """A domain Product from a SOAP Item; ValueError explains what is wrong."""
    price = item.UnitPrice
    if not isinstance(price, Decimal) or not price.is_finite() or price < 0:
        raise ValueError("UnitPrice must be a decimal >= 0")
    options = tuple(_option(o) for o in (item.Options or []))
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise ValueError("option codes must be unique per item")
    return Product(
        sku=_text(item.ItemNo),
        name=_text(item.Description),
        unit=_text(item.BaseUnitOfMeasure),
        list_price=price,
        currency=_text(item.CurrencyCode).upper(),
        tax_class=_text(item.TaxClass),
        blocked=bool(item.Blocked),
        options=options,
    )


def to_customer(customer: t.Customer) -> Customer:
    """A domain Customer from a SOAP Customer."""
    return Customer(
        customer_id=_text(customer.ShopCustomerId),
        erp_customer_no=_text(customer.CustomerNo),
        name=_text(customer.Name),
        price_group=_text(customer.PriceGroup),
        discount_group=_text(customer.DiscountGroup),
        currency=_text(customer.CurrencyCode).upper(),
        prices_include_tax=bool(customer.PricesIncludingVAT),
        blocked=bool(customer.Blocked),
        vat_group=_text(customer.VATBusPostingGroup) or "DOMESTIC",
    )


def translate_all(records: list[Any], convert: Any, key_of: Any) -> tuple[list[Any], list[t.RejectedRecord]]:
    """Convert each record; bad ones and repeated keys become rejections instead of failing the batch."""
    accepted: list[Any] = []
    rejected: list[t.RejectedRecord] = []
    seen: set[str] = set()
    for record in records:
        key = _text(key_of(record))
        if key in seen:
            rejected.append(t.RejectedRecord(Key=key, Reason="appears more than once in this call"))
            continue
        seen.add(key)
        try:
            accepted.append(convert(record))
        except ValueError as exc:
            rejected.append(t.RejectedRecord(Key=key, Reason=str(exc)))
    return accepted, rejected


def upsert_result(result: Any, rejected: list[t.RejectedRecord]) -> t.UpsertResult:
    """The SOAP answer from the service's result plus our own rejections."""
    for error in getattr(result, "errors", ()) or ():
        key, sep, reason = str(error).partition(": ")
        rejected.append(t.RejectedRecord(Key=key if sep else "", Reason=reason if sep else str(error)))
    return t.UpsertResult(Created=int(result.created), Updated=int(result.updated), Rejected=rejected)

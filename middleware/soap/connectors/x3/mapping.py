"""Our customers and products <-> X3's BPC and ITM fields; shared value conversions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from ....domain.catalog import Customer, OptionKind, OptionValue, Product, ProductOption
from .objxml import Fields, Flow
from .profile import X3Profile

YES = "2"  # X3 local menu 1 = No, 2 = Yes
BP_INACTIVE = "1"
ITEM_BLOCKED = frozenset({"5", "6"})  # ITMSTA obsolete, not usable
ITEM_OPTIONS, ITEM_VALUES = "YITMOPT", "YITMVAL"


class MappingError(ValueError):
    """An X3 answer misses or garbles a field we need."""


def decimal(raw: str | None, name: str) -> Decimal | None:
    """A decimal field ("" -> None); garbage raises MappingError naming the field."""
    if raw is None or not raw.strip():
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise MappingError(f"{name} is not a number: {raw!r}") from None
    if not value.is_finite():
        raise MappingError(f"{name} is not a finite number")
    return value


def required(fields: Mapping[str, str], name: str) -> str:
    """A field that must be present and not blank."""
    value = (fields.get(name) or "").strip()
    if not value:
        raise MappingError(f"the answer has no {name}")
    return value


def timestamp(raw: str | None) -> datetime | None:
    """UPDDATTIM-like ISO date-times (Z or offset; naive taken as UTC), or YYYYMMDD."""
    if not raw or not raw.strip():
        return None
    text = raw.strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(text) if "-" in text else datetime.strptime(text, "%Y%m%d")
    except ValueError:
        raise MappingError(f"not a date-time: {raw!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def merged(flow: Flow) -> Fields:
    """All group fields of a read answer in one mapping (X3 field names are unique per object)."""
    out: Fields = {}
    for values in flow.groups.values():
        out.update(values)
    return out


def customer_from_x3(f: Mapping[str, str], profile: X3Profile) -> Customer:
    """A BPC record (read group or query line) as our Customer; YSHOPID, else BPCNUM, is the shop id."""
    no = required(f, "BPCNUM")
    rule = (f.get("VACBPR") or "").strip()
    return Customer(
        customer_id=(f.get("YSHOPID") or "").strip() or no,
        erp_customer_no=no,
        name=(f.get("BPCNAM") or "").strip(),
        price_group=(f.get("BCGCOD") or "").strip(),
        discount_group=(f.get("YDISGRP") or "").strip(),
        currency=(f.get("CUR") or "").strip() or profile.currency,
        prices_include_tax=(f.get("PRITYP") or "").strip() == YES,
        blocked=(f.get("BPCSTA") or "").strip() == BP_INACTIVE,
        vat_group=profile.tax_rules.get(rule, rule or "DOMESTIC"),
        updated_at=timestamp(f.get("UPDDATTIM")),
    )


def _options(flow: Flow) -> tuple[ProductOption, ...]:
    values: dict[str, list[OptionValue]] = {}
    for row in flow.tables.get(ITEM_VALUES, []):
        values.setdefault(row.get("YOPTCOD", ""), []).append(
            OptionValue(row.get("YVALCOD", ""), row.get("YVALLAB", ""))
        )
    return tuple(
        ProductOption(
            code=required(row, "YOPTCOD"),
            label=(row.get("YOPTLAB") or "").strip(),
            kind=OptionKind.SELECT if (row.get("YOPTKND") or "1").strip() == "1" else OptionKind.TEXT,
            required=(row.get("YOPTREQ") or "").strip() == YES,
            values=tuple(values.get(row.get("YOPTCOD", ""), ())),
        )
        for row in flow.tables.get(ITEM_OPTIONS, [])
    )


def product_from_x3(flow: Flow, profile: X3Profile) -> Product:
    """A read ITM object as our Product (options from the specific tables YITMOPT/YITMVAL)."""
    f = merged(flow)
    level = (f.get("VACITM1") or "").strip()
    return Product(
        sku=required(f, "ITMREF"),
        name=(f.get("ITMDES1") or "").strip(),
        unit=(f.get("STU") or "").strip() or "PCS",
        list_price=decimal(f.get("BASPRI"), "BASPRI"),
        currency=(f.get("CUR") or "").strip() or profile.currency,
        tax_class=profile.tax_codes.get(level, level.lower() or "standard"),
        blocked=(f.get("ITMSTA") or "").strip() in ITEM_BLOCKED,
        options=_options(flow),
        updated_at=timestamp(f.get("UPDDATTIM")),
    )

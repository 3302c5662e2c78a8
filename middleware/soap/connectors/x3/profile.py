"""The X3 profile: the [x3] tables of the TOML profile, typed and validated (errors name the key)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from ....errors import ConfigError

T = TypeVar("T")
SCALARS: dict[str, type] = {"str": str, "str | None": str, "int": int}
VERSIONS = ("v6", "v7")


@dataclass(frozen=True, slots=True)
class Pricing:
    """[x3.pricing]: the published pricing subprogram and the names of its parameters."""

    subprogram: str = "YSHOPPRICE"
    header_group: str = "GRP1"
    lines_table: str = "GRP2"
    adjustments_table: str = "GRP3"
    customer_field: str = "YBPCNUM"
    currency_field: str = "YCUR"
    date_field: str = "YPRIDAT"
    item_field: str = "YITMREF"
    quantity_field: str = "YQTY"


@dataclass(frozen=True, slots=True)
class Orders:
    """[x3.orders]: the sales order object (SOH) and where the shop's order number goes."""

    object: str = "SOH"
    order_number_field: str = "CUSORDREF"
    sales_site: str = ""
    order_type: str = "SOI"
    header_group: str = "SOH0_1"
    ship_to_group: str = "SOH1_1"
    lines_table: str = "SOH4_1"
    totals_group: str = "SOH4_4"


@dataclass(frozen=True, slots=True)
class Statuses:
    """[x3.statuses]: the SOH status fields and the local-menu values that mean something to us."""

    order_field: str = "ORDSTA"
    closed: str = "2"
    delivery_field: str = "DLVSTA"
    delivered: str = "3"
    invoice_field: str = "INVSTA"
    invoiced: str = "3"
    allocation_field: str = "ALLSTA"
    allocated: str = "3"
    approval_field: str = "APPFLG"
    on_hold: str = "2"
    delivery_no_field: str = "LASTDLVNUM"
    invoice_no_field: str = "LASTINVNUM"


@dataclass(frozen=True, slots=True)
class MasterObject:
    """[x3.customers] / [x3.items]: the published object name."""

    object: str


@dataclass(frozen=True, slots=True)
class X3Profile:
    """The whole profile; `options`, `tax_codes` and `tax_rules` are plain maps."""

    base_url: str
    version: str
    pool_alias: str
    language: str = "ENG"
    request_config: str = "adxwss.optreturn=XML"
    wsdl: str | None = None
    currency: str = "EUR"
    list_size: int = 100
    pricing: Pricing = field(default_factory=Pricing)
    orders: Orders = field(default_factory=Orders)
    statuses: Statuses = field(default_factory=Statuses)
    customers: MasterObject = field(default_factory=lambda: MasterObject("BPC"))
    items: MasterObject = field(default_factory=lambda: MasterObject("ITM"))
    options: Mapping[str, str] = field(default_factory=dict)  # our option code -> X3 line field
    tax_codes: Mapping[str, str] = field(default_factory=dict)  # ITM tax level -> our tax class
    tax_rules: Mapping[str, str] = field(default_factory=dict)  # BPC tax rule -> our VAT group


def _table(raw: Any, key: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(key, "must be a table")
    return raw


def _section(cls: type[T], raw: Mapping[str, Any], key: str, defaults: Mapping[str, Any] | None = None) -> T:
    names = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}", "unknown key")
    values = {**(defaults or {}), **raw}
    for name, value in values.items():
        wanted = SCALARS.get(str(names[name].type))
        if wanted and (not isinstance(value, wanted) or isinstance(value, bool) or not str(value).strip()):
            raise ConfigError(f"{key}.{name}", f"must be a non-empty {wanted.__name__}")
    missing = [n for n, f in names.items() if n not in values and f.default is f.default_factory is MISSING]
    if missing:
        raise ConfigError(f"{key}.{missing[0]}", "is required")
    return cls(**values)


def _map(raw: Any, key: str) -> dict[str, str]:
    table = _table(raw, key)
    for name, value in table.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key}.{name}", "must be a non-empty string")
    return dict(table)


SECTIONS = {"pricing": Pricing, "orders": Orders, "statuses": Statuses}
MAPS = ("options", "tax_codes", "tax_rules")


def load(profile: Mapping[str, Any]) -> X3Profile:
    """Validate the [x3] table of a parsed TOML profile; ConfigError names the offending key."""
    x3 = _table(profile.get("x3"), "x3")
    if not x3:
        raise ConfigError("x3", "the profile has no [x3] table")
    nested: dict[str, Any] = {
        name: _section(cls, _table(x3.get(name), f"x3.{name}"), f"x3.{name}")
        for name, cls in SECTIONS.items()
    }
    nested["customers"] = _section(
        MasterObject, _table(x3.get("customers"), "x3.customers"), "x3.customers", {"object": "BPC"}
    )
    nested["items"] = _section(
        MasterObject, _table(x3.get("items"), "x3.items"), "x3.items", {"object": "ITM"}
    )
    maps = {name: _map(x3.get(name), f"x3.{name}") for name in MAPS}
    flat = {k: v for k, v in x3.items() if k not in nested and k not in maps}
    result: X3Profile = _section(X3Profile, {**flat, **nested, **maps}, "x3")
    if result.version not in VERSIONS:
        raise ConfigError("x3.version", f"must be one of {', '.join(VERSIONS)}")
    if not result.orders.sales_site:
        raise ConfigError("x3.orders.sales_site", "is required")
    if not 1 <= result.list_size <= 1000:
        raise ConfigError("x3.list_size", "must be between 1 and 1000")
    return result

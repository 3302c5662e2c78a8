"""The NAV profile (`[nav]` in the TOML file named by MIDDLEWARE_ERP_PROFILE), typed and validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from ....errors import ConfigError
from ....ports.erp import ConnectorConfig
from .options import OptionMap, parse_item_options, parse_options

SERVICES = {
    "sales_order": "SalesOrder",
    "sales_quote": "SalesQuote",
    "customer": "Customer",
    "item": "Item",
    "posted_invoice": "PostedSalesInvoice",
    "pricing_codeunit": "B2BManagement",
}
PARAMS = {
    "customer": "custNo",
    "date": "postingDate",
    "item": "itemNo",
    "quantity": "quantity",
    "uom": "uoM",
    "campaign": "campaignCode",
    "variant": "",
}
POLLED = ("accepted", "released", "on_hold")
STATUS_MAP = {
    "Open": "accepted",
    "Released": "released",
    "Pending_Approval": "on_hold",
    "Pending_Prepayment": "on_hold",
}
NAV_KEYS = {
    "base_url",
    "company",
    "auth",
    "currency",
    "max_concurrent_calls",
    "wsdl_dir",
    "services",
    "pricing",
    "orders",
    "tax",
    "customers",
    "catalog",
    "options",
    "item_options",
}


def table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    """A sub-table (empty when absent); ConfigError naming the key otherwise."""
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"profile [{where}.{key}]", "must be a table")
    return value


def text(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    """A string value (default when absent); ConfigError naming the key otherwise."""
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise ConfigError(f"profile [{where}] {key}", "must be a non-empty string")
    return value.strip()


def choice(data: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    """One of `allowed` (the first is the default)."""
    value = text(data, key, where, allowed[0]).lower()
    if value not in allowed:
        raise ConfigError(f"profile [{where}] {key}", f"must be one of {', '.join(allowed)}")
    return value


def number(data: Mapping[str, Any], key: str, where: str, default: int, low: int, high: int) -> int:
    """An integer within bounds."""
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"profile [{where}] {key}", f"must be an integer from {low} to {high}")
    return value


def _names(data: Mapping[str, Any], key: str, where: str, defaults: dict[str, str]) -> dict[str, str]:
    given = table(data, key, where)
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ConfigError(
            f"profile [{where}.{key}] {unknown[0]}", f"unknown key (known: {', '.join(defaults)})"
        )
    return {k: text(given, k, f"{where}.{key}", v) for k, v in defaults.items()}


def _rates(tax: Mapping[str, Any]) -> tuple[dict[tuple[str, str], Decimal], Decimal | None]:
    rates = {}
    for pair, value in table(tax, "rates", "nav.tax").items():
        bus, slash, prod = pair.partition("/")
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            rate = Decimal("-1")
        if not slash or rate < 0:
            raise ConfigError(f"profile [nav.tax.rates] {pair}", "keys are 'BUS/PROD', values percents")
        rates[(bus, prod)] = rate
    default = tax.get("default_rate")
    return rates, None if default is None else Decimal(str(default))


@dataclass(frozen=True, slots=True)
class NavProfile:
    """Everything that differs between two NAV installations."""

    base_url: str
    company: str
    auth: str
    currency: str = "EUR"
    max_concurrent_calls: int = 16
    wsdl_dir: str = ""
    services: dict[str, str] = field(default_factory=lambda: dict(SERVICES))
    pricing_mode: str = "codeunit"
    price_function: str = "GetSalesPrice"
    discount_function: str = "GetSalesDiscount"
    params: dict[str, str] = field(default_factory=lambda: dict(PARAMS))
    uom: str = ""
    campaign: str = ""
    order_number_field: str = "External_Document_No"
    posted_order_number_field: str = "External_Document_No"
    line_entity: str = "Sales_Order_Line"
    quote_line_entity: str = "Sales_Quote_Line"
    invoice_lines_part: str = "SalesInvLines"
    invoice_line_entity: str = "Posted_Sales_Invoice_Line"
    listing_window_days: int = 90
    status_map: dict[str, str] = field(default_factory=lambda: dict(STATUS_MAP))
    vat_rates: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    default_rate: Decimal | None = None
    tax_classes: dict[str, str] = field(default_factory=dict)
    shop_id_field: str = ""
    item_filter: dict[str, str] = field(default_factory=dict)
    page_size: int = 100
    options: OptionMap = field(default_factory=OptionMap)

    def service_url(self, kind: str, name: str) -> str:
        """<base_url>/WS/<company URL-encoded>/<Page|Codeunit>/<name>."""
        return f"{self.base_url}/WS/{quote(self.company, safe='')}/{kind}/{name}"

    def vat_rate(self, bus: str, prod: str) -> Decimal | None:
        """The VAT percent of a business/product posting group pair (the mirrored setup)."""
        return self.vat_rates.get((bus, prod), self.default_rate)

    def tax_class(self, prod: str) -> str:
        """Our tax class of a VAT product posting group."""
        return self.tax_classes.get(prod, prod.lower())

    @classmethod
    def from_config(cls, config: ConnectorConfig) -> NavProfile:
        """Validate `[nav]`; MIDDLEWARE_ERP_ENDPOINT overrides base_url."""
        nav = table(config.profile, "nav", "profile")
        if not nav:
            raise ConfigError(
                "profile [nav]", "missing: the NAV connector needs a profile (MIDDLEWARE_ERP_PROFILE)"
            )
        unknown = sorted(set(nav) - NAV_KEYS)
        if unknown:
            raise ConfigError(f"profile [nav] {unknown[0]}", "unknown key")
        base = (config.endpoint or text(nav, "base_url", "nav")).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ConfigError("profile [nav] base_url", "must be an http(s) URL")
        return cls(
            base_url=base,
            company=text(nav, "company", "nav"),
            auth=choice(nav, "auth", "nav", ("basic", "ntlm")),
            currency=text(nav, "currency", "nav", "EUR"),
            max_concurrent_calls=number(nav, "max_concurrent_calls", "nav", 16, 1, 256),
            wsdl_dir=text(nav, "wsdl_dir", "nav", ""),
            services=_names(nav, "services", "nav", SERVICES),
            options=OptionMap(
                parse_options(table(nav, "options", "nav")),
                parse_item_options(table(nav, "item_options", "nav")),
            ),
            **_pricing(table(nav, "pricing", "nav")),
            **_orders(table(nav, "orders", "nav")),
            **_tax(table(nav, "tax", "nav")),
            **_catalog(table(nav, "customers", "nav"), table(nav, "catalog", "nav")),
        )


def _pricing(pricing: Mapping[str, Any]) -> dict[str, Any]:
    w = "nav.pricing"
    return {
        "pricing_mode": choice(pricing, "mode", w, ("codeunit", "quote")),
        "price_function": text(pricing, "price_function", w, "GetSalesPrice"),
        "discount_function": text(pricing, "discount_function", w, "GetSalesDiscount"),
        "params": _names(pricing, "params", w, PARAMS),
        "uom": text(pricing, "uom", w, ""),
        "campaign": text(pricing, "campaign", w, ""),
        "quote_line_entity": text(pricing, "quote_line_entity", w, "Sales_Quote_Line"),
    }


def _orders(orders: Mapping[str, Any]) -> dict[str, Any]:
    w = "nav.orders"
    order_field = text(orders, "order_number_field", w, "External_Document_No")
    status_map = {**STATUS_MAP, **{str(k): str(v) for k, v in table(orders, "status_map", w).items()}}
    for value, ours in status_map.items():
        if ours not in POLLED:
            raise ConfigError(f"profile [{w}.status_map] {value}", f"must be one of {', '.join(POLLED)}")
    return {
        "order_number_field": order_field,
        "posted_order_number_field": text(orders, "posted_order_number_field", w, order_field),
        "line_entity": text(orders, "line_entity", w, "Sales_Order_Line"),
        "invoice_lines_part": text(orders, "invoice_lines_part", w, "SalesInvLines"),
        "invoice_line_entity": text(orders, "invoice_line_entity", w, "Posted_Sales_Invoice_Line"),
        "listing_window_days": number(orders, "listing_window_days", w, 90, 1, 3660),
        "status_map": status_map,
    }


def _tax(tax: Mapping[str, Any]) -> dict[str, Any]:
    rates, default_rate = _rates(tax)
    classes = {str(k): str(v) for k, v in table(tax, "tax_classes", "nav.tax").items()}
    return {"vat_rates": rates, "default_rate": default_rate, "tax_classes": classes}


def _catalog(customers: Mapping[str, Any], catalog: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "shop_id_field": text(customers, "shop_id_field", "nav.customers", ""),
        "item_filter": {str(k): str(v) for k, v in table(catalog, "item_filter", "nav.catalog").items()},
        "page_size": number(catalog, "page_size", "nav.catalog", 100, 1, 1000),
    }
